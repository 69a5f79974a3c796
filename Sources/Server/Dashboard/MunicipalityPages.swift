import Foundation
import Shared

/// Filters of the municipality list, from the query string.
struct MunicipalityFilter: Sendable {
    var province: String?
    var interviewer: String?
    var status: CaseStatus?
    /// `name` (default), `status`, `province`, `contact` (latest contact first).
    var sort: String

    init(province: String?, interviewer: String?, status: String?, sort: String?) {
        self.province = province.flatMap { $0.isEmpty ? nil : $0 }
        self.interviewer = interviewer.flatMap { $0.isEmpty ? nil : $0 }
        self.status = status.flatMap(CaseStatus.init(rawValue:))
        self.sort = ["status", "province", "contact"].contains(sort ?? "") ? (sort ?? "name") : "name"
    }

    func matches(_ item: MunicipalityCase) -> Bool {
        if let province, item.municipality.province != province { return false }
        if let interviewer {
            if interviewer == "-" { if item.interviewer != nil { return false } } else if item.interviewer?.rawValue != interviewer { return false }
        }
        if let status, item.status != status { return false }
        return true
    }
}

/// The list of municipalities with their status, filterable by province, interviewer and status.
struct MunicipalityListPage: Sendable {
    struct Row: Sendable {
        var nis: String
        var name: String
        var province: String
        var status: String
        var statusClass: String
        var override: Bool
        var interviewer: String
        var attempts: Int
        var lastContact: String
        var interviews: Int
        var completedInterviews: Int
        var merged: String?
        var link: String
    }

    var chrome: PageChrome
    var list: String
    var is2024: Bool
    var is2025: Bool
    var provinces: [SelectOption]
    var interviewers: [SelectOption]
    var statuses: [SelectOption]
    var sorts: [SelectOption]
    var rows: [Row]
    var shown: Int
    var total: Int
    var counts: String

    init(cases: [MunicipalityCase], list: MunicipalityList, filter: MunicipalityFilter, names: [UserID: String], roster: Roster, chrome: PageChrome) {
        self.chrome = chrome
        self.list = list.rawValue
        is2024 = list == .list2024
        is2025 = list == .list2025
        provinces = [SelectOption(value: "", label: localized(nl: "Alle provincies", en: "All provinces"), selected: filter.province == nil)]
            + Set(cases.map(\.municipality.province)).sorted().map { SelectOption(value: $0, label: $0, selected: $0 == filter.province) }
        let assigned = Set(cases.compactMap(\.interviewer))
        interviewers = [
            SelectOption(value: "", label: localized(nl: "Alle interviewers", en: "All interviewers"), selected: filter.interviewer == nil),
            SelectOption(value: "-", label: localized(nl: "Niet toegewezen", en: "Not assigned"), selected: filter.interviewer == "-"),
        ] + assigned.map { SelectOption(value: $0.rawValue, label: names[$0] ?? $0.rawValue, selected: $0.rawValue == filter.interviewer) }
            .sorted { $0.label < $1.label }
        statuses = [SelectOption(value: "", label: localized(nl: "Alle statussen", en: "All statuses"), selected: filter.status == nil)]
            + CaseStatus.allCases.sorted { DisplayText.rank($0) < DisplayText.rank($1) }
            .map { SelectOption(value: $0.rawValue, label: DisplayText.label($0), selected: $0 == filter.status) }
        sorts = localized(
            nl: [("name", "Naam"), ("status", "Status"), ("province", "Provincie"), ("contact", "Laatste contact")],
            en: [("name", "Name"), ("status", "Status"), ("province", "Province"), ("contact", "Latest contact")]
        )
            .map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == filter.sort) }

        var selected = cases.filter(filter.matches)
        switch filter.sort {
        case "status":
            selected.sort { (DisplayText.rank($0.status), $0.municipality.name) < (DisplayText.rank($1.status), $1.municipality.name) }
        case "province":
            selected.sort { ($0.municipality.province, $0.municipality.name) < ($1.municipality.province, $1.municipality.name) }
        case "contact":
            selected.sort { ($0.lastContactAt ?? "", $1.municipality.name) > ($1.lastContactAt ?? "", $0.municipality.name) }
        default:
            break
        }
        rows = selected.map { item in
            Row(
                nis: item.nis, name: item.municipality.name, province: item.municipality.province, status: DisplayText.label(item.status),
                statusClass: DisplayText.badge(item.status), override: item.statusIsOverride,
                interviewer: item.interviewer.map { names[$0] ?? $0.rawValue } ?? "—", attempts: item.attempts.count,
                lastContact: item.lastContactAt.map { DisplayText.time($0) } ?? "—",
                interviews: item.interviews.filter { $0.state != .withdrawn }.count, completedInterviews: item.completedInterviews.count,
                merged: item.mergedCodes.isEmpty ? nil : item.mergedCodes.map { "\(roster.current(nis: $0)?.name ?? $0) (\($0))" }.joined(separator: ", "),
                link: "/dashboard/municipalities/\(item.nis)?list=\(list.rawValue)"
            )
        }
        shown = rows.count
        total = cases.count
        let byStatus = Dictionary(grouping: selected, by: \.status)
        counts = CaseStatus.allCases.sorted { DisplayText.rank($0) < DisplayText.rank($1) }
            .compactMap { status in byStatus[status].map { "\($0.count) \(DisplayText.label(status).lowercased())" } }
            .joined(separator: " · ")
    }
}

/// One municipality: its case, contact history and interviews.
struct MunicipalityPage: Sendable {
    struct Attempt: Sendable {
        var at: String
        var mode: String
        var outcome: String
        var note: String
        var appointmentAt: String
        var interviewer: String
        var code: String
    }

    struct InterviewRow: Sendable {
        var id: String
        var link: String
        var state: String
        var stateClass: String
        var respondentFunction: String
        var mode: String
        var interviewer: String
        var startedAt: String
        var completedAt: String
        var review: String
        var reviewClass: String
        var openFlags: Int
    }

    var chrome: PageChrome
    var nis: String
    var name: String
    var province: String
    var arrondissement: String
    var validity: String
    var status: String
    var statusClass: String
    var override: Bool
    var interviewer: String
    var merged: String?
    var predecessors: String?
    var attempts: [Attempt]
    var interviews: [InterviewRow]
    var list: String

    /// An invitation to fill in the questionnaire in a browser, and where it stands.
    struct InvitationRow: Sendable {
        var createdAt: String
        var by: String
        var email: String
        var expiresAt: String
        var state: String
    }

    var invitations: [InvitationRow] = []
    var inviteAction: String

    init(
        item: MunicipalityCase, list: MunicipalityList, snapshot: FieldworkSnapshot, names: [UserID: String], chrome: PageChrome,
        invitations: [Invitation] = [], now: Date = Date()
    ) {
        self.chrome = chrome
        inviteAction = "/dashboard/municipalities/\(item.municipality.nis)/invite"
        let submitted = Set(snapshot.interviews.values.flatMap { $0 }.filter { $0.state == .complete }.map(\.id))
        self.invitations = invitations.map { invitation in
            let state: String
            if invitation.revokedAt != nil {
                state = localized(nl: "ingetrokken", en: "revoked")
            } else if let interview = invitation.interview, submitted.contains(interview) {
                state = localized(nl: "ingevuld", en: "submitted")
            } else if invitation.isOpen(at: now) {
                state = localized(nl: "open", en: "open")
            } else {
                state = localized(nl: "verlopen", en: "expired")
            }
            return InvitationRow(
                createdAt: DisplayText.time(invitation.createdAt), by: invitation.createdBy.map { names[$0] ?? $0.rawValue } ?? "—",
                email: invitation.email ?? "—", expiresAt: DisplayText.time(invitation.expiresAt), state: state
            )
        }
        let municipality = item.municipality
        nis = municipality.nis
        name = municipality.name
        province = municipality.province
        arrondissement = municipality.arrondissement
        validity = localized(nl: "vanaf ", en: "from ") + municipality.validFrom + (municipality.validTo.map { localized(nl: " tot ", en: " to ") + $0 } ?? "")
        status = DisplayText.label(item.status)
        statusClass = DisplayText.badge(item.status)
        override = item.statusIsOverride
        interviewer = item.interviewer.map { names[$0] ?? $0.rawValue } ?? localized(nl: "niet toegewezen", en: "not assigned")
        merged = item.mergedCodes.isEmpty
            ? nil
            : item.mergedCodes.map { code in "\(code) \(snapshot.roster.current(nis: code)?.name ?? "")" }.joined(separator: ", ")
        predecessors = municipality.predecessors.isEmpty ? nil : municipality.predecessors.map { code in
            "\(code) \(snapshot.roster.current(nis: code)?.name ?? "")"
        }.joined(separator: ", ")
        let codeOf: [ContactAttempt.ID: String] = Dictionary(
            snapshot.attempts.flatMap { code, attempts in attempts.map { ($0.id, code) } }, uniquingKeysWith: { first, _ in first }
        )
        attempts = item.attempts.reversed().map { attempt in
            Attempt(
                at: DisplayText.time(attempt.at), mode: attempt.mode?.words ?? "—", outcome: DisplayText.label(attempt.outcome),
                note: attempt.note ?? "", appointmentAt: attempt.appointmentAt.map { DisplayText.time($0) } ?? "",
                interviewer: attempt.interviewer.map { names[$0] ?? $0.rawValue } ?? "—", code: codeOf[attempt.id] ?? item.nis
            )
        }
        interviews = item.interviews.map { interview in
            let reviewStatus = snapshot.reviewStatus(of: interview)
            let openFlags = interview.flags.values.filter { $0.objectValue?["status"]?.stringValue == "open" }.count
            return InterviewRow(
                id: String(interview.id.uuidString.lowercased().prefix(8)), link: "/dashboard/interviews/\(interview.id.uuidString.lowercased())",
                state: interview.state.words,
                stateClass: interview.state == .complete ? "badge-completed" : interview.state == .withdrawn ? "badge-unreachable" : "badge-inprogress",
                respondentFunction: interview.respondentFunction ?? "—", mode: interview.mode ?? "—",
                interviewer: interview.interviewer.map { names[$0] ?? $0.rawValue } ?? "—", startedAt: DisplayText.time(interview.startedAt),
                completedAt: DisplayText.time(interview.completedAt), review: DisplayText.review(reviewStatus),
                reviewClass: DisplayText.reviewBadge(reviewStatus?.rawValue), openFlags: openFlags
            )
        }
        self.list = list.rawValue
    }
}
