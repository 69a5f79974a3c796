import Foundation

/// Which control characters a stored text may hold.
///
/// A NUL cuts a C string short (SQLite's text functions, a terminal, a CSV reader), an escape
/// sequence moves a reader's cursor or recolours a terminal, and a carriage return hides what
/// came before it. None of them is typed on purpose, so a text that carries one is refused,
/// never silently cleaned: the person who sent it learns what was wrong and nothing is stored.
public enum ControlCharacters {
    /// What a text is, and so which control characters it may carry.
    public enum Kind: Sendable {
        /// Ids, names, choice values, codes: no control character at all.
        case singleLine
        /// Free text (an open answer, a note, a comment): newline and tab, nothing else.
        case multiLine
    }

    /// The first control character `text` may not hold, or nil when it is clean.
    ///
    /// Control characters are Unicode's general category Cc (U+0000–U+001F, U+007F–U+009F).
    public static func firstForbidden(in text: String, as kind: Kind = .singleLine) -> Unicode.Scalar? {
        for scalar in text.unicodeScalars where scalar.properties.generalCategory == .control {
            if kind == .multiLine, scalar == "\n" || scalar == "\t" { continue }
            return scalar
        }
        return nil
    }

    /// Whether `text` holds no control character it may not hold.
    public static func isClean(_ text: String, as kind: Kind = .singleLine) -> Bool {
        firstForbidden(in: text, as: kind) == nil
    }

    /// How a person reads the character: `U+001B (escape)`.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = "U+" + String(format: "%04X", scalar.value)
        let names: [UInt32: String] = [
            0x00: "NUL", 0x08: "backspace", 0x09: "tab", 0x0A: "newline", 0x0D: "carriage return", 0x1B: "escape, as an arrow key sends",
            0x7F: "delete",
        ]
        return names[scalar.value].map { "\(code) (\($0))" } ?? code
    }
}
