import Shared

/// Writes one export format into a byte buffer that the caller flushes as it grows.
///
/// The exporter calls ``begin(into:)`` once, ``write(_:into:)`` per interview in id order, then
/// ``finish(into:)``; a writer keeps no interviews, so memory stays flat however many there are.
protocol ExportWriter {
    mutating func begin(into out: inout [UInt8])
    mutating func write(_ record: ExportRecord, into out: inout [UInt8])
    mutating func finish(into out: inout [UInt8])
}

extension ExportWriter {
    mutating func write(_ record: ExportRecord, into out: inout [UInt8]) {}
    mutating func finish(into out: inout [UInt8]) {}
}

/// How answers read as text, shared by the text formats.
enum AnswerText {
    /// A value as text: strings as they are, numbers in their shortest exact form, a choice list as
    /// space-separated choice names (XLSForm's convention), anything else as JSON.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return number.description
        case .string(let text): return text
        case .array(let items):
            if let names = value.stringArrayValue { return names.joined(separator: " ") }
            return JSONValue.array(items).canonicalJSON
        case .object: return value.canonicalJSON
        }
    }

    /// The label of a choice in `language`, or the choice name when the list lacks it.
    static func label(of choice: String, in question: ExportSchema.Question, language: String?) -> String {
        question.choice(named: choice)?.label.text(language) ?? choice
    }
}
