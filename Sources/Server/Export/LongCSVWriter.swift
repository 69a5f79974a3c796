import Shared

/// The long CSV: one row per answer (`interview_id, question, value, label`); a select_multiple
/// answer gives one row per chosen option. Skipped and unanswered questions have no row.
struct LongCSVWriter: ExportWriter {
    let schema: ExportSchema
    let options: ExportOptions
    private let csv: CSVWriter

    init(schema: ExportSchema, options: ExportOptions) {
        self.schema = schema
        self.options = options
        csv = options.csvWriter
    }

    mutating func begin(into out: inout [UInt8]) {
        if options.byteOrderMark { out += CSVWriter.byteOrderMark }
        csv.appendLine(["interview_id", "question", "value", "label"], to: &out)
    }

    mutating func write(_ record: ExportRecord, into out: inout [UInt8]) {
        for question in schema.questions {
            guard case .value(let value) = record.cell(question.name) else { continue }
            switch question.type {
            case .selectOne:
                let code = AnswerText.text(value)
                csv.appendLine([record.id, question.variable, code, AnswerText.label(of: code, in: question, language: options.language)], to: &out)
            case .selectMultiple:
                for code in value.stringArrayValue ?? [] {
                    csv.appendLine([record.id, question.variable, code, AnswerText.label(of: code, in: question, language: options.language)], to: &out)
                }
            default:
                csv.appendLine([record.id, question.variable, options.spreadsheetCell(value), ""], to: &out)
            }
        }
    }
}
