import Foundation
import LogStore
import Shared

/// A conflict as a card with both versions and a form to settle it.
struct ConflictCard: Sendable {
    var id: String
    var label: String
    var field: String
    var link: String?
    var municipality: String
    var keptDisplay: String
    var keptAuthor: String
    var keptAt: String
    var currentDisplay: String
    var currentAuthor: String
    var currentAt: String
    var resolved: Bool
    var resolution: String
    var action: String
    var returnTo: String

    init(_ view: ConflictView, returnTo: String) {
        id = view.id.description
        label = view.label
        field = view.field
        link = view.entity == .interview ? "/dashboard/interviews/\(view.entityId)" : nil
        municipality = view.municipality ?? "global"
        keptDisplay = view.kept.display
        keptAuthor = view.kept.authorName + (view.kept.deviceName.map { localized(nl: " op ", en: " on ") + $0 } ?? "")
        keptAt = DisplayText.time(view.kept.at)
        currentDisplay = view.current?.display ?? "(empty)"
        currentAuthor = view.current.map { $0.authorName + ($0.deviceName.map { localized(nl: " op ", en: " on ") + $0 } ?? "") } ?? "—"
        currentAt = view.current.map { DisplayText.time($0.at) } ?? "—"
        resolved = view.resolution != nil
        if let settled = view.resolution?.objectValue {
            let choice = settled["choice"]?.stringValue ?? "?"
            let by = (settled["byName"] ?? settled["by"])?.stringValue ?? "?"
            let words = localized(
                nl: ["kept": "de overstemde versie werd teruggezet", "current": "de huidige versie werd behouden", "new": "een nieuwe waarde werd ingevoerd"],
                en: ["kept": "the overruled version was restored", "current": "the current version was kept", "new": "a new value was entered"]
            )
            resolution = "\(words[choice] ?? choice)" + localized(nl: " door ", en: " by ") + "\(by), \(DisplayText.time(settled["at"]?.stringValue))"
        } else {
            resolution = ""
        }
        action = "/dashboard/conflicts/\(view.id.description)/resolve"
        self.returnTo = returnTo
    }
}

/// One interview: labelled answers, flags, conflicts, its history, and the review actions.
struct InterviewPage: Sendable {
    struct Answer: Sendable {
        var name: String
        var label: String
        var display: String
        var flagged: Bool
        /// Stored, but its question is not asked with the current answers: ignored in every count and export.
        var notApplicable: Bool
        var flagStatus: String
        var flagClass: String
        var flagComment: String
    }

    struct Group: Sendable {
        var label: String
        var answers: [Answer]
    }

    struct Flag: Sendable {
        var question: String
        var label: String
        var comment: String
        var status: String
        var statusClass: String
        var by: String
        var at: String
        var answeredAt: String
        var answer: String
        var canResolve: Bool
        var action: String
    }

    struct HistoryRow: Sendable {
        var at: String
        var author: String
        var field: String
        var value: String
        var device: String
    }

    var chrome: PageChrome
    var id: String
    var shortID: String
    var municipality: String
    var municipalityLink: String
    var state: String
    var stateClass: String
    var interviewer: String
    var questionnaire: String
    var mode: String
    var respondentFunction: String
    var startedAt: String
    var completedAt: String
    var review: String
    var reviewClass: String
    var reviewDetail: String
    var canApprove: Bool
    /// Open conflicts on this interview: the approve form warns and asks to confirm.
    var openConflictCount: Int
    var hasOpenConflicts: Bool { openConflictCount > 0 }
    var approveBlocked: String?
    var groups: [Group]
    /// The instances of each repeat, as tables.
    var repeats: [RepeatTable]
    var questions: [SelectOption]
    var flags: [Flag]
    var conflicts: [ConflictCard]
    var history: [HistoryRow]
    var approveAction: String
    var flagAction: String

    init(detail: InterviewDetail, form: Questionnaire?, municipalityName: String, names: [UserID: String], conflicts: [ConflictView], chrome: PageChrome, flagQuestion: String?) {
        self.chrome = chrome
        let interview = detail.interview
        let key = interview.id.uuidString.lowercased()
        let words = AnswerFormatter(form: form, answers: interview.answers)
        func name(_ user: UserID?) -> String { user.map { names[$0] ?? $0.rawValue } ?? "—" }
        id = key
        shortID = String(key.prefix(8))
        municipality = "\(municipalityName) (\(interview.municipality ?? "?"))"
        municipalityLink = "/dashboard/municipalities/\(interview.municipality ?? "")"
        state = interview.state.words
        stateClass = interview.state == .complete ? "badge-completed" : interview.state == .withdrawn ? "badge-unreachable" : "badge-inprogress"
        interviewer = name(interview.interviewer)
        questionnaire = [interview.questionnaire, interview.questionnaireVersion].compactMap { $0 }.joined(separator: " ")
        let described = form.map { interview.withMetadata(from: $0) } ?? interview
        mode = described.mode.map { words.display(.string($0), field: form?.modeQuestion.map(Interview.Field.answer) ?? "") } ?? "—"
        respondentFunction = described.respondentFunction ?? "—"
        startedAt = DisplayText.time(interview.startedAt)
        completedAt = DisplayText.time(interview.completedAt)
        let review = interview.review?.objectValue
        let reviewStatus = detail.reviewStatus
        self.review = DisplayText.review(reviewStatus)
        reviewClass = DisplayText.reviewBadge(reviewStatus?.rawValue)
        reviewDetail = review.map { review in
            let by = review["by"]?.stringValue.map { names[UserID($0)] ?? $0 } ?? "?"
            let comment = review["comment"]?.stringValue.map { " — “\($0)”" } ?? ""
            let edited = reviewStatus == .editedAfterApproval
                ? localized(nl: "; antwoorden sindsdien gewijzigd (zie de geschiedenis)", en: "; answers changed since (see the history)") : ""
            let approved = reviewStatus == .editedAfterApproval ? localized(nl: "goedgekeurd ", en: "approved ") : ""
            return approved + localized(nl: "door ", en: "by ") + "\(by), \(DisplayText.time(review["at"]?.stringValue))\(comment)\(edited)"
        } ?? ""
        let openFlags = interview.flags.filter { $0.value.objectValue?["status"]?.stringValue == "open" }.keys.sorted()
        if interview.state != .complete {
            approveBlocked = localized(
                nl: "Enkel een afgerond interview kan goedgekeurd worden; dit is \(interview.state.words).",
                en: "Only a complete interview can be approved; this one is \(interview.state.words)."
            )
        } else if !openFlags.isEmpty {
            approveBlocked = localized(
                nl: "\(openFlags.count) \(openFlags.count == 1 ? "markering staat" : "markeringen staan") nog open bij de interviewer.",
                en: "\(openFlags.count) flag\(openFlags.count == 1 ? " is" : "s are") still open at the interviewer."
            )
        } else {
            approveBlocked = nil
        }
        canApprove = approveBlocked == nil && reviewStatus != .approved
        openConflictCount = detail.conflicts.filter { $0.resolution == nil }.count

        // The runner and the exports ignore an answer whose question is no longer asked; so does this page.
        let effective = form.map { Set($0.effectiveAnswers(interview.answers).keys) }
        func answer(_ question: String, value: JSONValue) -> Answer {
            let flag = interview.flags[question]?.objectValue
            let status = flag?["status"]?.stringValue
            return Answer(
                name: question, label: words.label(forField: Interview.Field.answer(question)),
                display: words.display(value, field: Interview.Field.answer(question)), flagged: flag != nil,
                notApplicable: effective.map { !$0.contains(question) && interview.answers[question] != nil && form?.question(named: question) != nil } ?? false,
                flagStatus: status.map(flagStatusWords) ?? "",
                flagClass: DisplayText.reviewBadge(status), flagComment: flag?["comment"]?.stringValue ?? ""
            )
        }
        var groups: [Group] = []
        var shown: Set<String> = []
        if let form {
            var current: (label: String, answers: [Answer])?
            for question in form.questions where question.type.isAnswerable {
                guard let value = interview.answers[question.name] ?? (interview.flags[question.name] != nil ? JSONValue.null : nil) else { continue }
                let groupLabel = question.group.flatMap { form.group(named: $0)?.label.text() } ?? localized(nl: "Vragen", en: "Questions")
                if current?.label != groupLabel {
                    if let current, !current.answers.isEmpty { groups.append(Group(label: current.label, answers: current.answers)) }
                    current = (groupLabel, [])
                }
                current?.answers.append(answer(question.name, value: value))
                shown.insert(question.name)
            }
            if let current, !current.answers.isEmpty { groups.append(Group(label: current.label, answers: current.answers)) }
        }
        let rest = interview.answers.keys.filter { !shown.contains($0) }.sorted()
        if !rest.isEmpty {
            groups.append(Group(label: form == nil ? localized(nl: "Antwoorden", en: "Answers") : localized(nl: "Antwoorden buiten deze versie van de vragenlijst", en: "Answers not in this questionnaire version"), answers: rest.map { answer($0, value: interview.answers[$0] ?? .null) }))
        }
        self.groups = groups
        repeats = Self.repeatTables(interview: interview, form: form, words: words)
        // A flag names a question, not a repeat instance: a repeat's questions cannot be flagged yet.
        questions = (form?.questions ?? []).filter { $0.type.isAnswerable && form?.enclosingRepeat(ofGroup: $0.group) == nil }.map { question in
            let label = words.label(forField: Interview.Field.answer(question.name))
            let answered = interview.answers[question.name] != nil
            return SelectOption(
                value: question.name, label: "\(question.name) — \(label.count > 70 ? String(label.prefix(69)) + "…" : label)\(answered ? "" : localized(nl: " (geen antwoord)", en: " (no answer)"))",
                selected: question.name == flagQuestion
            )
        }
        flags = interview.flags.keys.sorted().map { question in
            let flag = interview.flags[question]?.objectValue ?? [:]
            let status = flag["status"]?.stringValue ?? "open"
            return Flag(
                question: question, label: words.label(forField: Interview.Field.flag(question)), comment: flag["comment"]?.stringValue ?? "",
                status: flagStatusWords(status), statusClass: DisplayText.reviewBadge(status), by: flag["by"]?.stringValue.map { names[UserID($0)] ?? $0 } ?? "—",
                at: DisplayText.time(flag["at"]?.stringValue), answeredAt: flag["answeredAt"]?.stringValue.map { DisplayText.time($0) } ?? "",
                answer: words.display(interview.answers[question], field: Interview.Field.answer(question)), canResolve: status != "resolved",
                action: "/dashboard/interviews/\(key)/flags/\(DisplayText.query(question))/resolve"
            )
        }
        self.conflicts = conflicts.map { ConflictCard($0, returnTo: "/dashboard/interviews/\(key)") }
        history = detail.history.reversed().map { change in
            HistoryRow(
                at: DisplayText.time(change.hlc), author: name(change.author), field: words.label(forField: change.field) + (change.field.hasPrefix(Interview.Field.flagPrefix) ? localized(nl: " (markering)", en: " (flag)") : ""),
                value: change.field.hasPrefix(Interview.Field.flagPrefix) || change.field == Interview.Field.review
                    ? Self.summary(change.value)
                    : change.field == Interview.Field.interviewer
                        ? name(change.value?.stringValue.map(UserID.init(rawValue:))) : words.display(change.value, field: change.field),
                device: change.id.device == .server ? "server" : "laptop"
            )
        }
        approveAction = "/dashboard/interviews/\(key)/approve"
        flagAction = "/dashboard/interviews/\(key)/flags"
    }

    /// A flag or review object in a few words: its status and comment.
    private static func summary(_ value: JSONValue?) -> String {
        guard let object = value?.objectValue else { return value == nil ? localized(nl: "(leeg)", en: "(empty)") : value?.canonicalJSON ?? "" }
        let raw = object["status"]?.stringValue ?? "?"
        let status = ReviewStatus(rawValue: raw)?.words ?? flagStatusWords(raw)
        let comment = object["comment"]?.stringValue.map { ": “\($0)”" } ?? ""
        return status + comment
    }
}

/// Interviews that need a coordinator, and the rest of the review queue.
struct ReviewPage: Sendable {
    struct Row: Sendable {
        var link: String
        var shortID: String
        var municipality: String
        var interviewer: String
        var completedAt: String
        var review: String
        var reviewClass: String
        var openFlags: Int
        var answeredFlags: Int
        var task: String
    }

    var chrome: PageChrome
    var tabs: [SelectOption]
    var rows: [Row]
    var empty: String

    init(items: [ReviewItem], show: String, chrome: PageChrome) {
        self.chrome = chrome
        let filters: [(String, String)] = localized(
            nl: [
                ("todo", "Te doen"), ("pending", "Te beoordelen"), ("edited", "Gewijzigd na goedkeuring"), ("answered", "Markeringen beantwoord"),
                ("flagged", "Markeringen open"), ("approved", "Goedgekeurd"), ("all", "Alle"),
            ],
            en: [
                ("todo", "To do"), ("pending", "Awaiting review"), ("edited", "Edited after approval"), ("answered", "Flags answered"),
                ("flagged", "Flags open"), ("approved", "Approved"), ("all", "All"),
            ]
        )
        let show = filters.contains { $0.0 == show } ? show : "todo"
        tabs = filters.map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == show) }
        let selected = items.filter { ReviewQueueBuilder.matches($0, show: show) }
        rows = selected.map { item in
            Row(
                link: "/dashboard/interviews/\(item.id)", shortID: String(item.id.prefix(8)), municipality: "\(item.municipalityName) (\(item.municipality))",
                interviewer: item.interviewerName ?? "—", completedAt: DisplayText.time(item.completedAt),
                review: item.reviewStatus.map { ReviewStatus(rawValue: $0)?.words ?? $0 } ?? ReviewStatus.words(nil),
                reviewClass: DisplayText.reviewBadge(item.reviewStatus), openFlags: item.openFlags, answeredFlags: item.answeredFlags,
                task: ReviewQueueBuilder.task(item)
            )
        }
        empty = localized(nl: "Hier is nu niets.", en: "Nothing here right now.")
    }
}
