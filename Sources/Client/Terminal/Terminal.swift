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
    /// Columns to wrap text at (a terminal's width); nil: no wrapping (a pipe or a file).
    var width: Int? = nil

    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Terminal {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let dumb = environment["TERM"] == "dumb"
        let isTTY = isatty(STDOUT_FILENO) == 1
        return Terminal(
            colors: isTTY && !noColor && !dumb, stderrIsTTY: isatty(STDERR_FILENO) == 1,
            width: isTTY ? columns(environment: environment) : nil
        )
    }

    /// The terminal's width: the window size stdout's terminal reports (TIOCGWINSZ), else `COLUMNS`, else 80.
    static func columns(environment: [String: String]) -> Int {
        var size = winsize()
        // 0x5413 is Linux's TIOCGWINSZ (Swift's Glibc module does not export the macro).
        if ioctl(STDOUT_FILENO, UInt(0x5413), &size) == 0, size.ws_col >= 20 { return Int(size.ws_col) }
        if let text = environment["COLUMNS"], let columns = Int(text), columns >= 20 { return columns }
        return 80
    }

    /// `text` broken into lines of at most `width` characters at spaces; a continuation line keeps the
    /// line's indentation (a numbered choice's label lines up under itself). A word longer than the
    /// width stays whole on a line of its own.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard text.count > width else { return [text] }
        let leading = text.prefix { $0 == " " }
        var indent = String(leading)
        // "  12. label" and "→  3 name": continuation lines start under the label.
        if let marker = text.dropFirst(leading.count).firstMatch(of: /^(\d+\.|[-→*•]) +/) {
            indent += String(repeating: " ", count: marker.output.0.count)
        }
        if indent.count > width / 2 { indent = String(leading.prefix(width / 4)) }
        var lines: [String] = []
        var line = String(leading)
        var lineHasWord = false
        for word in text.dropFirst(leading.count).split(separator: " ", omittingEmptySubsequences: false) {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = indent + word
            } else {
                line += (lineHasWord ? " " : "") + word
            }
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }

    enum Color: String {
        case bold = "1", dim = "2", italic = "3", red = "31", green = "32", yellow = "33", blue = "34", cyan = "36", boldCyan = "1;36"
    }

    /// `text` wrapped in the colour's escape codes, or unchanged when colours are off.
    func paint(_ text: String, _ color: Color) -> String {
        colors ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// A runner line with its colour, wrapped to the terminal's width.
    func render(_ line: InterviewRunner.Line) -> String {
        guard let width, line.text.count > width, line.style != .heading else { return paint(line) }
        return Terminal.wrap(line.text, width: width).map { paint(InterviewRunner.Line(line.style, $0)) }.joined(separator: "\n")
    }

    private func paint(_ line: InterviewRunner.Line) -> String {
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
