import Foundation

/// Writes RFC 4180 CSV as UTF-8: fields separated by `,` (or `;`), quoted when they hold the
/// separator, a quote or a line break, quotes doubled, lines ended by CRLF.
///
/// The byte-level ``appendLine(_:to:)`` is what the streamed exports use; ``text(_:separator:)``
/// is the same for a whole table as a `String`.
public struct CSVWriter: Sendable {
    public let separator: UInt8

    public init(separator: UInt8 = UInt8(ascii: ",")) {
        self.separator = separator
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

    /// Appends one field, quoted when it must be.
    public func appendField(_ field: String, to out: inout [UInt8]) {
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
