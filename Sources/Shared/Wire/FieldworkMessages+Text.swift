import Foundation
import Shared

/// One-line renderings for the `admin` commands of server and client, so both print the same.
public enum FieldworkText {
    /// `2025-01-14 10:30:00` in UTC.
    public static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return formatter.string(from: date)
    }

    /// What a case-status command says it did (nil: the case follows its contacts again).
    public static func caseStatusSet(_ nis: String, to status: CaseStatus?) -> String {
        guard let status else { return localized(nl: "Dossier \(nis) volgt weer zijn contacten.", en: "Case \(nis) follows its contacts again.") }
        return localized(
            nl: "Dossier \(nis) is nu \(status.words); laptops zien het bij hun volgende synchronisatie.",
            en: "Case \(nis) is now \(status.words); laptops see it on their next sync."
        )
    }

    public static func line(_ user: User) -> String {
        "\(user.id)  \(user.role.words)  \(user.name)\(user.email.map { "  <\($0)>" } ?? "")"
    }

    public static func line(_ created: CreatedUser) -> String {
        var text = line(created.user)
        if let code = created.enrolmentCode {
            text += localized(nl: "  code \(code.code) (tot \(stamp(code.expiresAt)))", en: "  code \(code.code) (until \(stamp(code.expiresAt)))")
        }
        if let token = created.token { text += "  token \(token)" }
        return text
    }

    public static func line(_ code: EnrolmentCode, name: String? = nil) -> String {
        "\(name.map { "\($0)  " } ?? "")\(code.code)  "
            + localized(nl: "eenmalig, geldig tot \(stamp(code.expiresAt))", en: "single use, valid until \(stamp(code.expiresAt))")
    }

    public static func line(_ device: DeviceInfo, now: Date = Date()) -> String {
        let lastSync = device.lastSyncAt.map {
            localized(nl: "laatste synchronisatie \(stamp($0)) (\(days(from: $0, to: now)))", en: "last sync \(stamp($0)) (\(days(from: $0, to: now)))")
        } ?? localized(nl: "nooit gesynchroniseerd", en: "never synced")
        let offset = device.clockOffsetMs.map {
            abs($0) > 60_000 ? localized(nl: "  klok wijkt \($0 / 1000) s af", en: "  clock off by \($0 / 1000) s") : ""
        } ?? ""
        let revoked = device.revokedAt.map { localized(nl: "  INGETROKKEN ", en: "  REVOKED ") + stamp($0) } ?? ""
        return "\(device.id)  \(device.userName)  \"\(device.name)\"  \(lastSync)\(offset)\(revoked)"
    }

    public static func line(_ assignment: AssignmentInfo) -> String {
        "\(assignment.nis)  \(assignment.municipality ?? "?") (\(assignment.province ?? "?"))  → \(assignment.interviewerName ?? "?") [\(assignment.interviewer)]"
    }

    public static func line(_ item: QuarantinedChange) -> String {
        let value = item.change.value?.canonicalJSON ?? localized(nl: "(leeg)", en: "(empty)")
        let what = "\(item.change.id)  \(item.status.rawValue)  \(item.change.scope) \(item.change.entity)/\(item.change.entityId) \(item.change.field) = \(value)"
        return what + localized(
            nl: "  door \(item.change.author), ontvangen \(stamp(item.receivedAt))",
            en: "  by \(item.change.author), received \(stamp(item.receivedAt))"
        )
    }

    public static func line(_ form: QuestionnaireSummary) -> String {
        localized(
            nl: "\(form.id) versie \(form.version)  \"\(form.title)\"  \(form.questions) vragen  gepubliceerd \(form.publishedAt ?? "?")",
            en: "\(form.id) version \(form.version)  \"\(form.title)\"  \(form.questions) questions  published \(form.publishedAt ?? "?")"
        )
    }

    public static func line(_ result: PublishResult) -> String {
        result.published
            ? localized(
                nl: "Gepubliceerd: \(line(result.questionnaire)). Laptops krijgen ze bij hun volgende synchronisatie; begonnen interviews houden hun versie.",
                en: "Published \(line(result.questionnaire)). Laptops get it on their next sync; interviews already begun keep their version."
            )
            : localized(
                nl: "Versie \(result.questionnaire.version) van \(result.questionnaire.id) was al gepubliceerd met dezelfde inhoud; er veranderde niets.",
                en: "Version \(result.questionnaire.version) of \(result.questionnaire.id) was published already with the same content; nothing changed."
            )
    }

    public static func line(_ result: RosterLoadResult) -> String {
        localized(
            nl: "\(result.rows) gemeenterijen geladen (\(result.changed) nieuw of gewijzigd): \(result.validOn2024) geldig op 2024-12-31, \(result.validOn2025) op 2025-01-01.",
            en: "Loaded \(result.rows) municipality rows (\(result.changed) new or changed): \(result.validOn2024) valid on 2024-12-31, \(result.validOn2025) on 2025-01-01."
        )
    }

    static func days(from date: Date, to now: Date) -> String {
        let days = Int(now.timeIntervalSince(date) / 86_400)
        switch days {
        case 0: return localized(nl: "vandaag", en: "today")
        case 1: return localized(nl: "1 dag geleden", en: "1 day ago")
        default: return localized(nl: "\(days) dagen geleden", en: "\(days) days ago")
        }
    }
}
