import Foundation

/// Writes RFC 4180 CSV as UTF-8: fields separated by `,` (or `;`), quoted when they hold the
/// separator, a quote or a line break, quotes doubled, lines ended by CRLF.
///
/// The byte-level ``appendLine(_:to:)`` is what the streamed exports use; ``text(_:separator:)``
/// is the same for a whole table as a `String`.
///
/// With `neutralisesFormulas` a cell a spreadsheet would run as a formula gets a leading
/// apostrophe (see ``neutralised(_:)``): the exports do this unless asked for raw values.
public struct CSVWriter: Sendable {
    public let separator: UInt8
    /// Whether cells that a spreadsheet would read as a formula are written with a leading `'`.
    public let neutralisesFormulas: Bool

    public init(separator: UInt8 = UInt8(ascii: ","), neutralisesFormulas: Bool = false) {
        self.separator = separator
        self.neutralisesFormulas = neutralisesFormulas
    }

    /// Appends one line of fields.
    public func appendLine(_ fields: [String], to out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(separator) }
            appendField(field, to: &out)
        }
        out.append(13)
        out.append(10)
    }

    /// Appends one field, quoted when it must be (and neutralised when the writer does that).
    public func appendField(_ field: String, to out: inout [UInt8]) {
        let field = neutralisesFormulas ? Self.neutralised(field) : field
        let utf8 = field.utf8
        let separator = self.separator
        let needsQuotes = utf8.contains { (byte: UInt8) -> Bool in
            byte == separator || byte == 34 || byte == 10 || byte == 13
        }
        guard needsQuotes else {
            out.append(contentsOf: utf8)
            return
        }
        out.append(34)
        for byte in utf8 {
            if byte == 34 { out.append(34) }
            out.append(byte)
        }
        out.append(34)
    }

    /// `field` with a leading apostrophe when a spreadsheet would run it as a formula, else unchanged.
    ///
    /// OWASP's advice on CSV injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`, `@SUM(1)`,
    /// `-2+3`), and the apostrophe makes it text. A number stays a number: a cell that is a whole
    /// decimal number with an optional sign, fraction and exponent (`-3`, `+32`, `-0.5`, `-1e-05`)
    /// is left alone, so numeric answers are never touched. Anything else starting with a sign is
    /// text to the survey but a formula to a spreadsheet, so `-5 km` becomes `'-5 km`.
    public static func neutralised(_ field: String) -> String {
        guard let first = field.utf8.first else { return field }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 9, 13:
            return "'" + field
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return isNumber(Array(field.utf8.dropFirst())) ? field : "'" + field
        default:
            return field
        }
    }

    /// Whether the bytes (after a sign) are a plain number: digits, an optional `.digits`, an optional exponent.
    private static func isNumber(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            return index - start
        }
        var mantissa = digits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }

    /// The UTF-8 byte order mark, which tells Excel the file is UTF-8.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A whole table as CSV text.
    public static func text(_ rows: [[String]], separator: UInt8 = UInt8(ascii: ",")) -> String {
        let writer = CSVWriter(separator: separator)
        var out: [UInt8] = []
        for row in rows { writer.appendLine(row, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
