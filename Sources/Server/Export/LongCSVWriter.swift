import Shared

/// The long CSV: one row per answer (`interview_id, question, value, label, instance`); a
/// select_multiple answer gives one row per chosen option. Skipped and unanswered questions have no
/// row. An answer in a repeat instance names its instance (the `instance_id` of the repeat's file);
/// `instance` is empty for the other answers.
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
        csv.appendLine(["interview_id", "question", "value", "label", "instance"], to: &out)
    }

    mutating func write(_ record: ExportRecord, into out: inout [UInt8]) {
        for question in schema.questions {
            appendRows(record.id, question, record.cell(question.name), instance: "", into: &out)
        }
        for group in schema.repeats {
            for instance in record.instances[group.name] ?? [] {
                for question in group.questions {
                    appendRows(record.id, question, instance.cell(question.name), instance: instance.id, into: &out)
                }
            }
        }
    }

    /// The rows of one answer: none when there is no value, one per chosen option of a select_multiple.
    private func appendRows(_ interview: String, _ question: ExportSchema.Question, _ cell: ExportRecord.Cell, instance: String, into out: inout [UInt8]) {
        guard case .value(let value) = cell else { return }
        switch question.type {
        case .selectOne:
            let code = AnswerText.text(value)
            csv.appendLine([interview, question.variable, code, AnswerText.label(of: code, in: question, language: options.language), instance], to: &out)
        case .selectMultiple:
            for code in value.stringArrayValue ?? [] {
                csv.appendLine([interview, question.variable, code, AnswerText.label(of: code, in: question, language: options.language), instance], to: &out)
            }
        default:
            csv.appendLine([interview, question.variable, options.spreadsheetCell(value), "", instance], to: &out)
        }
    }
}
