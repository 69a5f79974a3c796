import Shared

/// The wide CSV: one row per interview, metadata columns, then one column per question; a
/// select_multiple question has its raw list and a 0/1 column per option.
///
/// Choice codes by default, labels with `labels` (the raw list of labels is separated by `; `).
/// A question that was skipped (not applicable) or not answered is an empty cell.
struct WideCSVWriter: ExportWriter {
    let schema: ExportSchema
    let options: ExportOptions
    let metadata: [MetadataColumn]
    private let csv: CSVWriter

    init(schema: ExportSchema, options: ExportOptions) {
        self.schema = schema
        self.options = options
        metadata = MetadataColumn.columns(includePersonalData: options.includePersonalData)
        csv = options.csvWriter
    }

    var header: [String] {
        var names = metadata.map(\.rawValue)
        for question in schema.questions {
            names.append(question.variable)
            names += question.optionVariables
        }
        return names
    }

    mutating func begin(into out: inout [UInt8]) {
        if options.byteOrderMark { out += CSVWriter.byteOrderMark }
        csv.appendLine(header, to: &out)
    }

    mutating func write(_ record: ExportRecord, into out: inout [UInt8]) {
        var fields = metadata.map { column in column.value(in: record).map { options.spreadsheetCell(.string($0)) } ?? "" }
        fields.reserveCapacity(fields.count + schema.questions.count * 2)
        for question in schema.questions {
            guard case .value(let value) = record.cell(question.name) else {
                fields.append("")
                fields += repeatElement("", count: question.optionVariables.count)
                continue
            }
            switch question.type {
            case .selectOne:
                let code = AnswerText.text(value)
                fields.append(options.labels ? AnswerText.label(of: code, in: question, language: options.language) : code)
            case .selectMultiple:
                let chosen = value.stringArrayValue ?? []
                fields.append(
                    options.labels
                        ? chosen.map { AnswerText.label(of: $0, in: question, language: options.language) }.joined(separator: "; ")
                        : chosen.joined(separator: " ")
                )
                let set = Set(chosen)
                fields += question.choices.map { set.contains($0.name) ? "1" : "0" }
            default:
                fields.append(options.spreadsheetCell(value))
            }
        }
        csv.appendLine(fields, to: &out)
    }
}
