import ArgumentParser
import Foundation
import Shared

/// `veldwerk review …`: a coordinator approves interviews, flags answers and settles conflicts from the terminal.
struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review interviews: list, approve, flag answers, resolve flags and conflicts (coordinators; needs `veldwerk login`).",
        subcommands: [ReviewList.self, ReviewApprove.self, ReviewFlag.self, ReviewResolveFlag.self, ReviewConflicts.self, ReviewResolve.self]
    )
}

struct ReviewList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List interviews to review.",
        discussion: """
            --show todo (default: flags answered, complete interviews not reviewed yet, and interviews edited after their approval), \
            pending, edited (edited after approval), answered, flagged, approved or all.
            """
    )

    @Option(help: "Which interviews: todo, pending, edited, answered, flagged, approved, all.") var show = "todo"
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            let api = try profile.openStore().loggedInAPI()
            let queue: ReviewQueue = try await api.send("GET", "/v1/review/interviews?show=\(show)")
            try output.emit(queue) {
                guard !queue.interviews.isEmpty else { return localized(nl: "Niets te beoordelen.", en: "Nothing to review.") }
                let rows = queue.interviews.map { item in
                    [item.id, "\(item.municipalityName) (\(item.municipality))", item.interviewerName ?? "—", Interview.State(rawValue: item.state)?.words ?? item.state, Self.reviewText(item.reviewStatus),
                     "\(item.openFlags)", "\(item.answeredFlags)", "\(item.openConflicts ?? 0)"]
                }
                let header = localized(
                    nl: ["Interview", "Gemeente", "Interviewer", "Toestand", "Beoordeling", "Open markeringen", "Beantwoord", "Conflicten"],
                    en: ["Interview", "Municipality", "Interviewer", "State", "Review", "Flags open", "Answered", "Conflicts"]
                )
                return ProgressCommand.table(header, rows)
            }
        }
    }

    /// A review status in words: `edited after approval`, `approved`, …, or `not reviewed`.
    static func reviewText(_ status: String?) -> String {
        guard let status else { return ReviewStatus.words(nil) }
        return ReviewStatus(rawValue: status)?.words ?? status
    }
}

struct ReviewApprove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a complete interview (answered flags are resolved with it).",
        discussion: "Example: veldwerk review approve 3f0c…-uuid --comment \"Checked against the minutes.\""
    )

    @Argument(help: "The interview id (UUID).") var interview: String
    @Option(help: "A comment for the record.") var comment: String?
    @Flag(help: "Approve although answers of the interview have conflicts no one resolved (refused otherwise).") var despiteConflicts = false
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try validateInterviewID(interview)
        try TextArgument.check(comment, option: "--comment", as: .multiLine)
    }

    func run() async throws {
        try await reportingErrors {
            let api = try profile.openStore().loggedInAPI()
            let result: ReviewActionResponse = try await api.send(
                "POST", "/v1/review/interviews/\(interview.lowercased())/approve", body: ApproveRequest(comment: comment, despiteOpenConflicts: despiteConflicts ? true : nil)
            )
            try output.emit(result) { localized(
                    nl: "Interview \(interview.lowercased()) goedgekeurd; de laptop krijgt het oordeel bij zijn volgende synchronisatie.",
                    en: "Approved interview \(interview.lowercased()); the laptop gets the verdict on its next sync."
                ) }
        }
    }
}

struct ReviewFlag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag", abstract: "Flag one answer with a comment; it reaches the interviewer's laptop as a task on the next sync.",
        discussion: "Example: veldwerk review flag 3f0c…-uuid --question b_aanpak --comment \"Is this the 2024 figure?\""
    )

    @Argument(help: "The interview id (UUID).") var interview: String
    @Option(help: "The question name, e.g. b_aanpak.") var question: String
    @Option(help: "What the interviewer should check or fix.") var comment: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try validateInterviewID(interview)
        guard !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError(localized(nl: "--comment moet zeggen wat er na te kijken is.", en: "--comment must say what to check.")) }
        try TextArgument.check(comment, option: "--comment", as: .multiLine)
    }

    func run() async throws {
        try await reportingErrors {
            let api = try profile.openStore().loggedInAPI()
            let result: ReviewActionResponse = try await api.send(
                "POST", "/v1/review/interviews/\(interview.lowercased())/flags", body: FlagRequest(question: question, comment: comment)
            )
            try output.emit(result) { localized(
                    nl: "\(question) gemarkeerd in interview \(interview.lowercased()); de interviewer ziet het na de volgende synchronisatie.",
                    en: "Flagged \(question) on interview \(interview.lowercased()); the interviewer sees it after the next sync."
                ) }
        }
    }
}

struct ReviewResolveFlag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resolve-flag", abstract: "Close a flag: the fix is accepted, or the flag is no longer needed.")

    @Argument(help: "The interview id (UUID).") var interview: String
    @Option(help: "The flagged question's name.") var question: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try validateInterviewID(interview) }

    func run() async throws {
        try await reportingErrors {
            let api = try profile.openStore().loggedInAPI()
            let path = "/v1/review/interviews/\(interview.lowercased())/flags/\(question)/resolve"
            let result: ReviewActionResponse = try await api.send("POST", path, body: ApproveRequest())
            try output.emit(result) { localized(nl: "De markering op \(question) is opgelost.", en: "Resolved the flag on \(question).") }
        }
    }
}

struct ReviewConflicts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "conflicts", abstract: "List conflicts with both values, authors, times and question labels.")

    @Flag(help: "Include resolved conflicts.") var all = false
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            let api = try profile.openStore().loggedInAPI()
            let list: ConflictViewList = try await api.send("GET", "/v1/review/conflicts\(all ? "?all=true" : "")")
            try output.emit(list) {
                guard !list.conflicts.isEmpty else {
                    return all ? localized(nl: "Geen conflicten.", en: "No conflicts.") : localized(nl: "Er wachten geen conflicten.", en: "No conflicts are waiting.")
                }
                return list.conflicts.map { conflict in
                    var lines = [
                        "Conflict \(conflict.id)  \(conflict.entity) \(conflict.entityId) · "
                            + localized(nl: "gemeente \(conflict.municipality ?? "algemeen")", en: "municipality \(conflict.municipality ?? "global")"),
                        "  \(conflict.label) [\(conflict.field)]",
                        localized(nl: "  huidig:      ", en: "  current:   ") + (conflict.current?.display ?? localized(nl: "(leeg)", en: "(empty)"))
                            + "  — \(conflict.current.map { "\($0.authorName), \($0.at)" } ?? "")",
                        localized(nl: "  overstemd:   ", en: "  overruled: ") + "\(conflict.kept.display)  — \(conflict.kept.authorName), \(conflict.kept.at)",
                    ]
                    if let resolution = conflict.resolution?.objectValue {
                        let by = resolution["byName"]?.stringValue ?? resolution["by"]?.stringValue ?? "?"
                        lines.append(localized(nl: "  opgelost: ", en: "  resolved: ") + (resolution["choice"]?.stringValue ?? "?") + localized(nl: " door ", en: " by ") + by)
                    }
                    return lines.joined(separator: "\n")
                }.joined(separator: "\n\n") + "\n\n"
                    + localized(nl: "Oplossen met: ", en: "Resolve with: ") + "veldwerk review resolve CONFLICT --choice current|kept|new [--value VALUE]"
            }
        }
    }
}

struct ReviewResolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Resolve a conflict: keep the current version, restore the overruled one, or enter a new value.",
        discussion: """
            The resolution is a change that syncs to every laptop holding the municipality.
            Examples:
              veldwerk review resolve d-3f9a0c2b7e41:17 --choice kept
              veldwerk review resolve d-3f9a0c2b7e41:17 --choice new --value 12
              veldwerk review resolve d-3f9a0c2b7e41:17 --choice new --value '["a","b"]'
            A --value that is valid JSON is sent as JSON (numbers, lists); anything else as text.
            """
    )

    @Argument(help: "The conflict id: the overruled change's id (device:seq), from `veldwerk review conflicts`.") var conflict: String
    @Option(help: "current, kept or new.") var choice: ConflictChoice
    @Option(help: "The new value, with --choice new.") var value: String?
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard ChangeID(conflict) != nil else { throw ValidationError(localized(
            nl: "\(conflict) is geen conflict-id (toestel:volgnummer, bv. d-3f9a0c2b7e41:17).",
            en: "\(conflict) is not a conflict id (device:seq, e.g. d-3f9a0c2b7e41:17)."
        )) }
        if choice == .new, value == nil { throw ValidationError(localized(nl: "--choice new vraagt --value.", en: "--choice new needs --value.")) }
        if choice != .new, value != nil { throw ValidationError(localized(nl: "--value hoort enkel bij --choice new.", en: "--value goes with --choice new only.")) }
    }

    func run() async throws {
        try await reportingErrors {
            let api = try profile.openStore().loggedInAPI()
            let parsed = value.map { text in (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text) }
            let result: ReviewActionResponse = try await api.send(
                "POST", "/v1/review/conflicts/\(conflict)/resolve", body: ConflictResolutionRequest(choice: choice, value: parsed)
            )
            try output.emit(result) { localized(
                    nl: "Conflict \(conflict) opgelost (\(choice.rawValue)); de waarde gaat bij hun volgende synchronisatie naar de laptops.",
                    en: "Resolved conflict \(conflict) (\(choice.rawValue)); the value syncs to the laptops on their next sync."
                ) }
        }
    }
}

extension ConflictChoice: ExpressibleByArgument {}

/// Checks that an argument is an interview id (a UUID).
func validateInterviewID(_ text: String) throws {
    guard UUID(uuidString: text) != nil || ((6...35).contains(text.count) && text.allSatisfy({ $0.isHexDigit || $0 == "-" })) else {
        throw ValidationError(localized(
            nl: "\(text) is geen interview-id: geef de UUID of de eerste 8 tekens ervan, zoals `veldwerk review list` ze toont.",
            en: "\(text) is not an interview id: give the UUID or its first 8 characters, as `veldwerk review list` shows them."
        ))
    }
}
