import Foundation
import Shared

/// Turns a ``FieldworkSnapshot`` into progress figures for one municipality list. Pure: no I/O.
///
/// The sample is every municipality of the list (the study approaches every local government).
/// A case filed under a NIS code counts for the municipality of the list that continues it
/// (`Roster.successor(of:on:)`). A case counts for one municipality at most: a code that only
/// exists after the list's date (a 2025 merger, in the 2024 list) and a code the roster does not
/// know count nowhere and are reported in `unmatchedCases`.
struct ProgressCalculator: Sendable {
    let snapshot: FieldworkSnapshot
    let list: MunicipalityList

    init(snapshot: FieldworkSnapshot, list: MunicipalityList = .list2025) {
        self.snapshot = snapshot
        self.list = list
    }

    /// The municipalities of the list, in roster order.
    var municipalities: [Municipality] { snapshot.roster.municipalities(validOn: list.referenceDate) }

    /// The NIS codes of the list that a case filed under `nis` counts for.
    func targets(of nis: String) -> [String] {
        let codes = Set(municipalities.map(\.nis))
        return targets(of: nis, in: codes, depth: 0)
    }

    private func targets(of nis: String, in codes: Set<String>, depth: Int) -> [String] {
        if codes.contains(nis) { return [nis] }
        let successor = snapshot.roster.successor(of: nis, on: list.referenceDate)
        if codes.contains(successor) { return [successor] }
        // A municipality formed after the list's date (Pajottegem, in the 2024 list) is none of the
        // list's: its interviews would otherwise count once for every municipality it was formed from.
        return []
    }

    /// Every municipality of the list with its fieldwork, sorted by name; and the case codes that fit none.
    func cases() -> (cases: [MunicipalityCase], unmatched: [String]) {
        let municipalities = self.municipalities
        let codes = Set(municipalities.map(\.nis))
        var groups: [String: [String]] = [:]
        var unmatched: [String] = []
        for code in snapshot.caseCodes.sorted() {
            let found = targets(of: code, in: codes, depth: 0)
            if found.isEmpty { unmatched.append(code) }
            for target in found { groups[target, default: []].append(code) }
        }
        let cases = municipalities.map { municipality in
            let group = groups[municipality.nis] ?? []
            let attempts = group.flatMap { snapshot.attempts[$0] ?? [] }
            let interviews = group.flatMap { snapshot.interviews[$0] ?? [] }
            let override = group.compactMap { snapshot.overrides[$0] }.max { $0.hlc < $1.hlc }
            let interviewer = snapshot.assignments[municipality.nis] ?? group.compactMap { snapshot.assignments[$0] }.max { $0.hlc < $1.hlc }
            return MunicipalityCase(
                municipality: municipality,
                mergedCodes: group.filter { $0 != municipality.nis },
                status: CaseStatus.derive(attempts: attempts, interviews: interviews, override: override?.value),
                statusIsOverride: override != nil,
                interviewer: interviewer?.value,
                attempts: ContactAttempt.chronological(attempts),
                interviews: interviews.sorted { ($0.startedAt ?? "", $0.id.uuidString) < ($1.startedAt ?? "", $1.id.uuidString) }
            )
        }
        return (cases.sorted { ($0.municipality.name, $0.nis) < ($1.municipality.name, $1.nis) }, unmatched)
    }

    /// The counts for a set of cases.
    static func figures(_ cases: [MunicipalityCase]) -> ResponseFigures {
        var figures = ResponseFigures()
        var completedInterviews: Set<Interview.ID> = []
        for item in cases {
            figures.inSample += 1
            if item.interviewer != nil { figures.assigned += 1 }
            if item.status != .notContacted { figures.contacted += 1 }
            switch item.status {
            case .appointment: figures.appointment += 1
            case .inProgress: figures.interviewed += 1
            case .completed:
                figures.interviewed += 1
                figures.completed += 1
            case .refused: figures.refused += 1
            case .unreachable: figures.unreachable += 1
            case .notContacted, .contacted: break
            }
            if !item.isClosed { figures.open += 1 }
            completedInterviews.formUnion(item.completedInterviews.map(\.id))
        }
        figures.completedInterviews = completedInterviews.count
        figures.responseRate = figures.inSample == 0 ? 0 : Double(figures.completed) / Double(figures.inSample)
        return figures
    }

    /// The whole report.
    ///
    /// - Parameters:
    ///   - now: the time the report is made, for stale laptops.
    ///   - staleAfterDays: a laptop silent for longer than this many days is listed as stale.
    func report(now: Date, staleAfterDays: Int) -> ProgressReport {
        let (cases, unmatched) = self.cases()
        let byProvince = Dictionary(grouping: cases, by: \.municipality.province)
            .map { ProvinceProgress(province: $0.key, figures: Self.figures($0.value)) }
            .sorted { $0.province < $1.province }
        let assigned = Dictionary(grouping: cases.filter { $0.interviewer != nil }) { $0.interviewer ?? .system }
        let interviewers = Set(snapshot.people.values.filter { $0.role == .interviewer }.map(\.id)).union(assigned.keys)
        let byInterviewer = interviewers
            .map { id in InterviewerProgress(user: id, name: snapshot.people[id]?.name ?? id.rawValue, figures: Self.figures(assigned[id] ?? [])) }
            .sorted { ($0.name, $0.user.rawValue) < ($1.name, $1.user.rawValue) }

        let allInterviews = snapshot.interviews.values.joined()
        var openFlags = 0
        var answeredFlags = 0
        var awaitingReview = 0
        for interview in allInterviews where interview.state != .withdrawn {
            for flag in interview.flags.values {
                switch flag.objectValue?["status"]?.stringValue {
                case "open": openFlags += 1
                case "answered": answeredFlags += 1
                default: break
                }
            }
            if interview.state == .complete, [nil, .editedAfterApproval].contains(snapshot.reviewStatus(of: interview)) { awaitingReview += 1 }
        }

        return ProgressReport(
            list: list, referenceDate: list.referenceDate, generatedAt: Self.isoTime(now), logPosition: snapshot.logPosition,
            overall: Self.figures(cases), byProvince: byProvince, byInterviewer: byInterviewer, byDay: Self.days(cases),
            staleAfterDays: staleAfterDays, staleLaptops: staleLaptops(cases: cases, now: now, staleAfterDays: staleAfterDays),
            openConflicts: snapshot.openConflicts, openFlags: openFlags, answeredFlags: answeredFlags, awaitingReview: awaitingReview,
            unmatchedCases: unmatched
        )
    }

    /// Laptops silent for longer than the threshold, longest silence first; revoked laptops are left out.
    func staleLaptops(cases: [MunicipalityCase], now: Date, staleAfterDays: Int) -> [StaleLaptop] {
        let openByUser = Dictionary(grouping: cases.filter { !$0.isClosed && $0.interviewer != nil }) { $0.interviewer ?? .system }
        return snapshot.laptops
            .filter { $0.revokedAt == nil }
            .compactMap { laptop -> StaleLaptop? in
                let since = laptop.lastSyncAt ?? laptop.createdAt
                let silence = now.timeIntervalSince(since)
                guard silence > Double(staleAfterDays) * 86_400 else { return nil }
                return StaleLaptop(
                    device: laptop.id, deviceName: laptop.name, user: laptop.user, userName: snapshot.people[laptop.user]?.name ?? laptop.user.rawValue,
                    lastSyncAt: laptop.lastSyncAt.map(Self.isoTime), daysSilent: Int(silence / 86_400),
                    openMunicipalities: openByUser[laptop.user]?.count ?? 0
                )
            }
            .sorted { ($0.daysSilent, $1.userName) > ($1.daysSilent, $0.userName) }
    }

    /// Every day from the first fieldwork activity to the last, with completions and contacts.
    static func days(_ cases: [MunicipalityCase]) -> [DayProgress] {
        var completions: [String: Set<Interview.ID>] = [:]
        var contacts: [String: Set<ContactAttempt.ID>] = [:]
        var firstCompletions: [String: Int] = [:]
        var activity: Set<String> = []
        for item in cases {
            for interview in item.interviews where interview.state != .withdrawn {
                if let day = day(of: interview.startedAt) { activity.insert(day) }
                if interview.state == .complete, let day = day(of: interview.completedAt) {
                    completions[day, default: []].insert(interview.id)
                    activity.insert(day)
                }
            }
            for attempt in item.attempts {
                if let day = day(of: attempt.at) {
                    contacts[day, default: []].insert(attempt.id)
                    activity.insert(day)
                }
            }
            if item.status == .completed, let day = item.firstCompletionDay { firstCompletions[day, default: 0] += 1 }
        }
        guard let first = activity.min(), let last = activity.max() else { return [] }
        var result: [DayProgress] = []
        var interviews = 0
        var municipalities = 0
        for day in dayRange(from: first, to: last) {
            let completed = completions[day]?.count ?? 0
            interviews += completed
            municipalities += firstCompletions[day] ?? 0
            result.append(
                DayProgress(
                    day: day, completedInterviews: completed, cumulativeInterviews: interviews, cumulativeMunicipalities: municipalities,
                    contactAttempts: contacts[day]?.count ?? 0
                )
            )
        }
        return result
    }

    /// The `YYYY-MM-DD` part of an ISO date or time, if it is one.
    static func day(of text: String?) -> String? {
        guard let text, text.count >= 10 else { return nil }
        let day = String(text.prefix(10))
        let shaped = day.enumerated().allSatisfy { index, character in
            index == 4 || index == 7 ? character == "-" : character.isASCII && character.isNumber
        }
        return shaped ? day : nil
    }

    /// Each day from `first` to `last` inclusive; at most the last 731 days.
    static func dayRange(from first: String, to last: String) -> [String] {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let start = formatter.date(from: first), let end = formatter.date(from: last), start <= end else { return [first] }
        let count = min(Int((end.timeIntervalSince(start) / 86_400).rounded()), 730)
        let origin = end.addingTimeInterval(-Double(count) * 86_400)
        return (0...count).map { formatter.string(from: origin.addingTimeInterval(Double($0) * 86_400)) }
    }

    static func isoTime(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
