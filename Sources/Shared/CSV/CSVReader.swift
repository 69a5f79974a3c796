import Foundation

/// Reads comma-separated text as RFC 4180 describes it.
///
/// Fields may be quoted with `"`; inside quotes, `""` is one quote and commas and line breaks are
/// data. Records end at LF, CRLF or CR. A leading byte-order mark is dropped. The reader is lenient
/// where spreadsheets are: a quote inside an unquoted field, or text after a closing quote, is kept
/// as data. Only a quote that is never closed is an error, because it would swallow the rest of the file.
///
/// ```swift
/// let rows = try CSVReader.rows("a,b\n\"x, y\",2\n")   // [["a", "b"], ["x, y", "2"]]
/// let table = try CSVReader.table(text)
/// for record in table.records { print(record.line, record["name"] ?? "") }
/// ```
public enum CSVReader {
    /// One record of a table read by header.
    public struct Record: Equatable, Sendable {
        /// The 1-based line of the file where the record starts (the header is on line 1 when the file has no leading blank lines).
        public var line: Int
        /// The 1-based row as a spreadsheet counts it: the header is row 1, the first record row 2, blank rows included.
        public var row: Int
        /// The fields by trimmed header name. A short record has `""` for the columns it lacks.
        public var values: [String: String]

        /// The field in `column`, or `nil` when the table has no such column.
        public subscript(column: String) -> String? { values[column] }

        /// Creates a record.
        public init(line: Int, row: Int, values: [String: String]) {
            self.line = line
            self.row = row
            self.values = values
        }
    }

    /// A CSV text read by its header row.
    public struct Table: Equatable, Sendable {
        /// The header's column names, trimmed, in file order.
        public var header: [String]
        /// The records after the header, without rows whose fields are all empty.
        public var records: [Record]

        /// Whether the header has `column`.
        public func hasColumn(_ column: String) -> Bool { header.contains(column) }

        /// Creates a table.
        public init(header: [String], records: [Record]) {
            self.header = header
            self.records = records
        }
    }

    /// Splits `text` into records of fields.
    ///
    /// A line break at the very end does not make an extra empty record; an empty line in the
    /// middle is the record `[""]`.
    /// - Throws: `CSVError.unterminatedQuote` with the line where the open quote starts.
    public static func rows(_ text: String) throws -> [[String]] {
        try numberedRows(text).map(\.fields)
    }

    /// Reads `text` with its first record as the header; each later record becomes a ``Record``
    /// keyed by header name, with its line number.
    ///
    /// Header names are trimmed of spaces. Rows whose fields are all empty (or only spaces) are
    /// skipped, as spreadsheet exports often end with such rows. Fields beyond the header are ignored.
    /// An empty text gives a table without columns or records.
    /// - Throws: `CSVError.unterminatedQuote`.
    public static func table(_ text: String) throws -> Table {
        let numbered = try numberedRows(text)
        guard let first = numbered.first else { return Table(header: [], records: []) }
        let header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var records: [Record] = []
        for (index, row) in numbered.enumerated().dropFirst() {
            if row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            var values: [String: String] = [:]
            for (column, name) in header.enumerated() where !name.isEmpty && values[name] == nil {
                values[name] = column < row.fields.count ? row.fields[column] : ""
            }
            records.append(Record(line: row.line, row: index + 1, values: values))
        }
        return Table(header: header, records: records)
    }

    /// The records of `text`, each with the 1-based line where it starts.
    static func numberedRows(_ text: String) throws -> [(line: Int, fields: [String])] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }

        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var inQuotes = false
        var fieldWasQuoted = false
        var pendingRecord = false  // something was read since the last record ended

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            rows.append((recordLine, fields))
            fields = []
            pendingRecord = false
        }

        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            index = scalars.index(after: index)
            if inQuotes {
                if scalar == "\"" {
                    if index < scalars.endIndex, scalars[index] == "\"" {
                        field.append("\"")
                        index = scalars.index(after: index)
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" || (scalar == "\r" && (index == scalars.endIndex || scalars[index] != "\n")) {
                        line += 1
                    }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
                pendingRecord = true
            case ",":
                endField()
                pendingRecord = true
            case "\r", "\n":
                if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" {
                    index = scalars.index(after: index)
                }
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(scalar)
                pendingRecord = true
            }
        }
        if inQuotes { throw CSVError.unterminatedQuote(line: quoteLine) }
        if pendingRecord || !field.isEmpty || !fields.isEmpty { endRecord() }
        return rows
    }
}
