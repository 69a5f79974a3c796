/// RFC 4180 CSV: fields separated by `,` (or `;`), quoted when they hold the separator, a quote or a
/// line break, quotes doubled, lines ended by CRLF; UTF-8.
struct CSVText {
    let separator: UInt8

    /// Appends one line of fields.
    func appendLine(_ fields: [String], to out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(separator) }
            appendField(field, to: &out)
        }
        out.append(13)
        out.append(10)
    }

    /// Appends one field, quoted when it must be.
    func appendField(_ field: String, to out: inout [UInt8]) {
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
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}
