import Foundation
import Shared

/// Carries out an ``InterviewRunner`` in the terminal: reads lines from stdin (a terminal or a
/// pipe), saves what the runner asks to save through ``ClientStore`` at once, prints the rest.
/// End of input quits safely.
struct TerminalInterview {
    let store: ClientStore
    let terminal: Terminal
    /// Shows the prompt and reads one line without its newline, starting from the prefill text where
    /// the input is a terminal (``LineEditor``); `nil` at end of input.
    var readLine: (_ prompt: String, _ prefill: String?) -> String?
    /// Writes text as is.
    var write: (String) -> Void = Terminal.write

    init(store: ClientStore, terminal: Terminal, editor: LineEditor? = LineEditor.make()) {
        self.store = store
        self.terminal = terminal
        if let editor {
            readLine = { prompt, prefill in editor.readLine(prompt: prompt, prefill: prefill) }
        } else {
            readLine = { prompt, _ in
                Terminal.write(terminal.paint(prompt, .bold))
                return Swift.readLine(strippingNewline: true)
            }
        }
    }

    /// Runs the session to its end; returns how it ended.
    /// - Throws: a store error when an answer cannot be saved (the session stops; nothing unsaved is claimed saved).
    @discardableResult
    func run(interview: Interview, form: Questionnaire, mode: InterviewRunner.Mode, language: String?) throws -> InterviewRunner.Finish {
        let profile = try store.profile()
        var runner = InterviewRunner(
            form: form, answers: interview.answers, instances: interview.repeats ?? [:], flags: interview.flags, mode: mode, language: language,
            interviewID: interview.id.uuidString.lowercased(),
            device: InterviewRunner.Device(id: profile?.device.rawValue, userName: profile?.userName)
        )
        var output = runner.start()
        while true {
            for save in output.saves {
                switch save {
                case .fields(let fields):
                    try store.recordInterview(interview, fields)
                case .complete:
                    try store.markComplete(interview)
                case .deleteInstance(let id):
                    try store.deleteInstance(id, of: interview)
                }
            }
            let text = output.lines.map(terminal.render).joined(separator: "\n")
            if !text.isEmpty { write(text + "\n") }
            if let finished = output.finished {
                let waiting = try store.outboxCount()
                write(savedSentence(waiting) + "\n")
                return finished
            }
            if let line = readLine(output.prompt, output.prefill) {
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
