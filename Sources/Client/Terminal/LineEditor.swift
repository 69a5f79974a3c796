import CEdit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads answers in a terminal with real line editing, through libedit (BSD editline).
///
/// Arrow keys, Home/End, Backspace and Delete anywhere in the line, Ctrl-A/E (start, end), Ctrl-U
/// (delete to the start), Ctrl-W (delete the word before the cursor), all UTF-8 aware; the text the
/// line starts with (``readLine(prompt:prefill:)``) can be edited like typed text. libedit keeps
/// escape sequences out of the line it returns, so an arrow key moves the cursor and never ends up
/// in an answer.
///
/// Only for a terminal: ``make()`` returns nil when stdin or stdout is not one (a pipe, a file,
/// `TERM=dumb`), and the caller reads plain lines.
final class LineEditor {
    private let editor: OpaquePointer
    private let history: OpaquePointer?
    /// The prompt libedit draws, kept alive for its prompt callback.
    private var prompt: UnsafeMutablePointer<CChar>?

    /// A line editor on the process's terminal, or nil when stdin/stdout is not a terminal.
    static func make(environment: [String: String] = ProcessInfo.processInfo.environment) -> LineEditor? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1, environment["TERM"] != "dumb" else { return nil }
        useUTF8Locale()
        guard let editor = cedit_init("veldwerk") else { return nil }
        return LineEditor(editor: editor)
    }

    private init(editor: OpaquePointer) {
        self.editor = editor
        history = history_init()
        if let history {
            _ = cedit_history_size(history, 100)
            _ = cedit_set_history(editor, history)
        }
        _ = cedit_set_editor(editor, "emacs")
        _ = cedit_set_signal(editor, 1)
        _ = cedit_set_client_data(editor, Unmanaged.passUnretained(self).toOpaque())
        _ = cedit_set_prompt(editor, { editor in
            guard let editor, let data = cedit_client_data(editor) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().prompt
        })
        for (keys, command) in Self.bindings {
            _ = cedit_bind(editor, keys, command)
        }
    }

    deinit {
        el_end(editor)
        if let history { history_end(history) }
        free(prompt)
    }

    /// The keys a person expects, whatever the terminal's description says (xterm, VT100 and rxvt spellings).
    static let bindings: [(String, String)] = [
        ("\\e[D", "ed-prev-char"), ("\\eOD", "ed-prev-char"), ("\\e[C", "ed-next-char"), ("\\eOC", "ed-next-char"),
        ("\\e[H", "ed-move-to-beg"), ("\\eOH", "ed-move-to-beg"), ("\\e[1~", "ed-move-to-beg"), ("\\e[7~", "ed-move-to-beg"),
        ("\\e[F", "ed-move-to-end"), ("\\eOF", "ed-move-to-end"), ("\\e[4~", "ed-move-to-end"), ("\\e[8~", "ed-move-to-end"),
        ("\\e[3~", "ed-delete-next-char"), ("^A", "ed-move-to-beg"), ("^E", "ed-move-to-end"),
        ("^U", "vi-kill-line-prev"), ("^W", "ed-delete-prev-word"), ("\\e[1;5D", "ed-prev-word"), ("\\e[1;5C", "em-next-word"),
    ]

    /// Shows `prompt`, puts `prefill` on the line for editing, and returns the line without its
    /// newline; nil at end of input (Ctrl-D on an empty line).
    func readLine(prompt text: String, prefill: String?) -> String? {
        free(prompt)
        prompt = strdup(text)
        if let prefill = prefill.map(Self.editable), !prefill.isEmpty {
            el_push(editor, prefill)
        }
        var count: Int32 = 0
        guard let line = el_gets(editor, &count), count >= 0 else { return nil }
        var result = String(cString: line)
        if result.hasSuffix("\n") { result.removeLast() }
        if let history, !result.trimmingCharacters(in: .whitespaces).isEmpty { _ = cedit_history_enter(history, result) }
        return result
    }

    /// Text that can go on the line as if typed: one line, no control characters (which libedit would run as commands).
    static func editable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix { $0 != "\n" }.filter { $0.properties.generalCategory != .control }))
    }

    /// libedit decodes multibyte input by the C locale: take the environment's, and UTF-8 when that is plain C.
    private static func useUTF8Locale() {
        let current = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? "C"
        if current == "C" || current == "POSIX" || !current.uppercased().contains("UTF") {
            if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
        }
    }
}
