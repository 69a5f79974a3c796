import Foundation

/// Writes RFC 4180 CSV: fields with the separator, a quote, or a line break are quoted, quotes doubled, lines end in CRLF.
public enum CSVWriter {
    /// One record as a line, ending in CRLF.
    public static func line(_ fields: [String], separator: Character = ",") -> String {
        fields.map { quote($0, separator: separator) }.joined(separator: String(separator)) + "\r\n"
    }

    /// A whole table as CSV text.
    public static func text(_ rows: [[String]], separator: Character = ",") -> String {
        rows.map { line($0, separator: separator) }.joined()
    }

    /// A field, quoted only when it must be.
    public static func quote(_ field: String, separator: Character = ",") -> String {
        guard field.contains(where: { $0 == separator || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
