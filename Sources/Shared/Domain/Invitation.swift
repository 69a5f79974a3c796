import Foundation
import Shared

/// An invitation for a local government to fill in its interview itself, in a browser (mixed mode).
///
/// A record of the change log like any other (entity ``Entity/invitation``, scope: the municipality),
/// so an interviewer can invite offline and the invitation syncs. It holds only the SHA-256 of the
/// link's secret; the link itself is shown once, to whoever made it. The respondent's answers are
/// changes of the interview ``interview``, authored by the invitation as a device of its own
/// (``device``), so they merge with the interviewer's edits by the usual rule.
public struct Invitation: Equatable, Sendable, Identifiable {
    public typealias ID = UUID

    public enum Field {
        public static let municipality = "municipality"
        public static let interview = "interview"
        public static let tokenHash = "tokenHash"
        public static let createdAt = "createdAt"
        public static let createdBy = "createdBy"
        public static let expiresAt = "expiresAt"
        /// The address the invitation was meant for (personal data).
        public static let email = "email"
        public static let revokedAt = "revokedAt"
        public static let all: Set<String> = [municipality, interview, tokenHash, createdAt, createdBy, expiresAt, email, revokedAt]
    }

    public var id: ID
    public var municipality: String?
    public var interview: Interview.ID?
    public var tokenHash: String?
    public var createdAt: String?
    public var createdBy: UserID?
    public var expiresAt: String?
    public var email: String?
    public var revokedAt: String?

    /// An invitation from its current fields; a field of the wrong type reads as absent.
    public init(id: ID, fields: [String: JSONValue]) {
        self.id = id
        municipality = fields[Field.municipality]?.stringValue
        interview = fields[Field.interview]?.stringValue.flatMap(UUID.init(uuidString:))
        tokenHash = fields[Field.tokenHash]?.stringValue
        createdAt = fields[Field.createdAt]?.stringValue
        createdBy = fields[Field.createdBy]?.stringValue.map(UserID.init(rawValue:))
        expiresAt = fields[Field.expiresAt]?.stringValue
        email = fields[Field.email]?.stringValue
        revokedAt = fields[Field.revokedAt]?.stringValue
    }

    /// The device the respondent's answers are authored by: `w-` and the invitation id's first 12 hex digits.
    public var device: DeviceID { Self.device(for: id) }

    public static func device(for id: ID) -> DeviceID {
        DeviceID(rawValue: "w-" + id.uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))!
    }

    /// Who the respondent is in the log: `r-` and the same digits.
    public var respondent: UserID { UserID("r-" + device.rawValue.dropFirst(2)) }

    /// Whether the link still opens the form at `now`: not revoked, not expired, and never longer than
    /// ``maximumValidDays`` after it was made, whatever expiry a laptop wrote.
    public func isOpen(at now: Date) -> Bool {
        guard revokedAt == nil, let expiresAt, let end = Timestamp.milliseconds(expiresAt),
            let createdAt, let start = Timestamp.milliseconds(createdAt)
        else { return false }
        let latest = start + Int64(Self.maximumValidDays) * 86_400_000
        return now.timeIntervalSince1970 * 1000 < Double(min(end, latest))
    }

    /// Days an invitation stays valid unless its maker says otherwise.
    public static let defaultValidDays = 30
    /// The longest validity one may give.
    public static let maximumValidDays = 365
}

extension Invitation {
    /// The changes that invite a municipality: a new draft interview, marked as a self-completion when the form
    /// names the mode for it (settings `self_completion_mode`), and the invitation that opens it.
    public static func edits(
        invitation: ID, interview: Interview.ID, municipality: String, form: Questionnaire, by user: UserID, tokenHash: String, email: String?,
        validDays: Int, now: Date
    ) -> [FieldEdit] {
        let scope = Scope.municipality(municipality)
        let key = interview.uuidString.lowercased()
        var edits = Interview.draftEdits(id: interview, municipality: municipality, form: form, interviewer: user, now: now)
        if let mode = form.selfCompletionMode {
            edits.append(FieldEdit(scope: scope, entity: .interview, entityId: key, field: Interview.Field.mode, value: .string(mode)))
            if let question = form.modeQuestion {
                edits.append(FieldEdit(scope: scope, entity: .interview, entityId: key, field: Interview.Field.answer(question), value: .string(mode)))
            }
        }
        let stamp = ISO8601DateFormatter()
        var fields: [(String, JSONValue)] = [
            (Field.municipality, .string(municipality)),
            (Field.interview, .string(key)),
            (Field.tokenHash, .string(tokenHash)),
            (Field.createdAt, .string(stamp.string(from: now))),
            (Field.createdBy, .string(user.rawValue)),
            (Field.expiresAt, .string(stamp.string(from: now.addingTimeInterval(Double(validDays) * 86_400)))),
        ]
        if let email, !email.isEmpty { fields.append((Field.email, .string(email))) }
        return edits + fields.map {
            FieldEdit(scope: scope, entity: .invitation, entityId: invitation.uuidString.lowercased(), field: $0.0, value: $0.1)
        }
    }
}

extension Interview {
    /// The fields of a new draft interview: where, which questionnaire version, who, since when.
    public static func draftEdits(id: ID, municipality: String, form: Questionnaire, interviewer: UserID, now: Date) -> [FieldEdit] {
        let fields: [(String, JSONValue)] = [
            (Field.municipality, .string(municipality)),
            (Field.questionnaire, .string(form.id)),
            (Field.questionnaireVersion, .string(form.version)),
            (Field.state, .string(State.draft.rawValue)),
            (Field.startedAt, .string(ISO8601DateFormatter().string(from: now))),
            (Field.interviewer, .string(interviewer.rawValue)),
        ]
        return fields.map { FieldEdit(scope: .municipality(municipality), entity: .interview, entityId: id.uuidString.lowercased(), field: $0.0, value: $0.1) }
    }
}

extension Invitation {
    /// The text an interviewer or coordinator sends (no mail server is involved): the study's title, the link, how long it works, who to ask.
    public static func text(title: String, municipality: String, link: String, until: String, interviewer: String) -> String {
        localized(
            nl: """
                Beste,

                Voor het onderzoek "\(title)" nodigen we het lokaal bestuur van \(municipality) uit om de vragenlijst zelf in te vullen.
                Open deze link in een browser; u kunt tussendoor stoppen en later met dezelfde link verder gaan:

                \(link)

                De link werkt tot \(until). Gebruik hem alleen voor uw bestuur en stuur hem niet door.
                Met vragen kunt u terecht bij \(interviewer).

                Met vriendelijke groeten,
                \(interviewer)
                """,
            en: """
                Dear colleague,

                For the study "\(title)" we invite the local government of \(municipality) to fill in the questionnaire itself.
                Open this link in a browser; you can stop at any point and continue later with the same link:

                \(link)

                The link works until \(until). Use it for your government only and do not forward it.
                For questions, contact \(interviewer).

                Kind regards,
                \(interviewer)
                """
        )
    }
}
