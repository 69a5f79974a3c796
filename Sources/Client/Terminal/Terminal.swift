import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the process's terminal can do: whether stdout/stderr are terminals and whether to colour.
///
/// Colours only when the stream is a terminal and `NO_COLOR` is not set (https://no-color.org);
/// plain ANSI escape codes, no dependency.
struct Terminal: Sendable {
    var colors: Bool
    var stderrIsTTY: Bool

    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Terminal {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let dumb = environment["TERM"] == "dumb"
        return Terminal(colors: isatty(STDOUT_FILENO) == 1 && !noColor && !dumb, stderrIsTTY: isatty(STDERR_FILENO) == 1)
    }

    enum Color: String {
        case bold = "1", dim = "2", italic = "3", red = "31", green = "32", yellow = "33", blue = "34", cyan = "36", boldCyan = "1;36"
    }

    /// `text` wrapped in the colour's escape codes, or unchanged when colours are off.
    func paint(_ text: String, _ color: Color) -> String {
        colors ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// A runner line with its colour.
    func render(_ line: InterviewRunner.Line) -> String {
        switch line.style {
        case .title: return paint(line.text, .bold)
        case .heading: return paint("== \(line.text) ==", .boldCyan)
        case .position: return paint(line.text, .dim)
        case .question: return paint(line.text, .bold)
        case .hint: return paint(line.text, .dim)
        case .choice: return line.text
        case .answer: return paint(line.text, .blue)
        case .info: return line.text
        case .success: return paint(line.text, .green)
        case .warning: return paint(line.text, .yellow)
        case .error: return paint(line.text, .red)
        }
    }

    /// Writes text to stdout without a newline and flushes (for prompts).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes to stderr.
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
