import ArgumentParser
import Foundation
import Shared

struct RunInterview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Ask an interview's questions one by one in the terminal; every answer is saved at once.",
        discussion: """
            Resumes at the first unanswered question. Answer by number or choice name (several for a multiple choice: "1 3 5"). A text answer may take several lines: end it with a line containing only a dot (.). Enter keeps the current answer.

            Commands at any prompt (also written :back etc.): back, skip (optional questions only), jump NAME (jump alone: the first unanswered question), list, complete, help, quit. Quit, Ctrl-D, the end of piped input or a killed process lose nothing that was answered.

            Examples:
              veldwerk interview run 3f9a0c2b
              veldwerk interview run 3f9a0c2b --lang en
              veldwerk interview run 3f9a0c2b --fix
              printf '2\\nSchepen\\n.\\n' | veldwerk interview run 3f9a0c2b
            """
    )

    @Argument(help: "Interview id (or its first characters).") var id: String
    @Flag(help: "Walk through only the questions with an open review flag.") var fix = false
    @OptionGroup var profile: ProfileOptions

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let interview = try store.requireInterview(id)
            try Self.session(store: store, interview: interview, fix: fix, language: profile.labelLanguage)
        }
    }

    /// Checks the interview may be run, then runs it in the terminal.
    @discardableResult
    static func session(store: ClientStore, interview: Interview, fix: Bool, language: String?) throws -> InterviewRunner.Finish {
        let key = interview.id.uuidString.lowercased()
        switch interview.state {
        case .withdrawn:
            throw ClientError.invalidInput(localized(
                nl: "Interview \(key) werd ingetrokken; `veldwerk interview reopen \(key)` maakt er weer een ontwerp van.",
                en: "Interview \(key) was withdrawn; `veldwerk interview reopen \(key)` makes it a draft again."
            ))
        case .complete where !fix:
            throw ClientError.invalidInput(
                localized(
                    nl: "Interview \(key) is afgerond. `veldwerk interview reopen \(key)` maakt er een ontwerp van om antwoorden te wijzigen; `--fix` beantwoordt markeringen.",
                    en: "Interview \(key) is complete. `veldwerk interview reopen \(key)` makes it a draft to change answers; `--fix` answers review flags."
                )
            )
        default:
            break
        }
        let form = try store.questionnaire(for: interview)
        if let language, !form.languages.contains(language) {
            throw ClientError.invalidInput(localized(
                nl: "De vragenlijst heeft geen taal \"\(language)\"; kies uit \(form.languages.joined(separator: ", ")).",
                en: "The questionnaire has no language \"\(language)\"; choose one of \(form.languages.joined(separator: ", "))."
            ))
        }
        fflush(nil)  // what `print` buffered (e.g. the id from `new --run`) goes out before the session writes
        return try TerminalInterview(store: store, terminal: .current()).run(
            interview: interview, form: form, mode: fix ? .fix : .full, language: language
        )
    }
}
