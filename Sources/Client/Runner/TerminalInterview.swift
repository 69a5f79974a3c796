import Foundation
import Shared

/// Carries out an ``InterviewRunner`` in the terminal: reads lines from stdin (a terminal or a
/// pipe), saves what the runner asks to save through ``ClientStore`` at once, prints the rest.
/// End of input quits safely.
struct TerminalInterview {
    let store: ClientStore
    let terminal: Terminal
    /// Reads one line without its newline; `nil` at end of input.
    var readLine: () -> String? = { Swift.readLine(strippingNewline: true) }
    /// Writes text as is.
    var write: (String) -> Void = Terminal.write

    /// Runs the session to its end; returns how it ended.
    /// - Throws: a store error when an answer cannot be saved (the session stops; nothing unsaved is claimed saved).
    @discardableResult
    func run(interview: Interview, form: Questionnaire, mode: InterviewRunner.Mode, language: String?) throws -> InterviewRunner.Finish {
        var runner = InterviewRunner(
            form: form, answers: interview.answers, flags: interview.flags, mode: mode, language: language,
            interviewID: interview.id.uuidString.lowercased()
        )
        var output = runner.start()
        while true {
            for save in output.saves {
                switch save {
                case .fields(let fields):
                    try store.recordInterview(interview, fields)
                case .complete:
                    try store.markComplete(interview)
                }
            }
            let text = output.lines.map(terminal.render).joined(separator: "\n")
            if !text.isEmpty { write(text + "\n") }
            if let finished = output.finished {
                let waiting = try store.outboxCount()
                write("Saved on this laptop; \(waitingSentence(waiting).lowercasedFirst)\n")
                return finished
            }
            write(terminal.paint(output.prompt, .bold))
            if let line = readLine() {
                output = runner.handle(.line(line))
            } else {
                write("\n")
                output = runner.handle(.endOfInput)
            }
        }
    }
}

extension String {
    /// "Nothing waits" → "nothing waits".
    var lowercasedFirst: String {
        guard let first else { return self }
        return first.lowercased() + dropFirst()
    }
}
