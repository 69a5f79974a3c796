import ArgumentParser
import Foundation
import Shared

struct CompleteInterview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Mark an interview complete once every required question is answered.",
        discussion: """
            Lists the required questions still unanswered and exits with code 7 when there are any. Sets state = complete and completedAt; both sync like any answer.


            Examples:
              veldwerk interview complete 3f9a0c2b
              veldwerk interview complete 3f9a0c2b --json
            """
    )

    @Argument(help: "Interview id (or its first characters).") var id: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    struct Missing: Encodable {
        var name: String
        var label: String
    }

    struct Output: Encodable {
        var id: String
        var state: Interview.State
        var completedAt: String?
        var missing: [Missing]
        var pendingChanges: Int
    }

    /// Exit code when required questions are unanswered.
    static let incompleteExitCode: Int32 = 7

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let interview = try store.requireInterview(id)
            let key = interview.id.uuidString.lowercased()
            guard interview.state != .withdrawn else {
                throw ClientError.invalidInput(localized(
                    nl: "Interview \(key) werd ingetrokken; `veldwerk interview reopen \(key)` maakt er weer een ontwerp van.",
                    en: "Interview \(key) was withdrawn; `veldwerk interview reopen \(key)` makes it a draft again."
                ))
            }
            let form = try store.questionnaire(for: interview)
            let missing = InterviewRunner.missingRequired(form: form, interview: interview, language: profile.labelLanguage).map { Missing(name: $0.name, label: $0.label) }
            guard missing.isEmpty else {
                let result = Output(id: key, state: interview.state, completedAt: interview.completedAt, missing: missing, pendingChanges: try store.outboxCount())
                try output.emit(result) {
                    let count = counted(missing.count, nl: ("verplichte vraag", "verplichte vragen"), en: ("required question", "required questions"))
                    return ([localized(nl: "Interview \(key) is niet af: \(count) zonder antwoord:", en: "Interview \(key) is not complete: \(count) without an answer:")]
                        + missing.map { "  \($0.name)  \($0.label)" }
                        + [localized(
                            nl: "Beantwoord ze met `veldwerk interview run \(key)` (dat begint bij de eerste) en rond dan opnieuw af.",
                            en: "Answer them with `veldwerk interview run \(key)` (it starts at the first one), then complete again."
                        )])
                        .joined(separator: "\n")
                }
                throw ExitCode(Self.incompleteExitCode)
            }
            var completedAt = interview.completedAt
            if interview.state != .complete {
                let now = Date()
                let ends = InterviewRunner.endValues(form: form, now: now)
                if !ends.isEmpty { try store.recordInterview(interview, ends, now: now) }
                try store.markComplete(interview, now: now)
                completedAt = InterviewRunner.isoTime(now)
            }
            let waiting = try store.outboxCount()
            let result = Output(id: key, state: .complete, completedAt: completedAt, missing: [], pendingChanges: waiting)
            try output.emit(result) {
                let what = interview.state == .complete ? localized(nl: "was al afgerond", en: "was already complete") : localized(nl: "is afgerond", en: "is complete")
                return "Interview \(key) \(what). " + savedSentence(waiting)
            }
        }
    }
}
