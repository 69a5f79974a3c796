import Shared

/// The wide CSV: one row per interview, metadata columns, then one column per question; a
/// select_multiple question has its raw list and a 0/1 column per option.
///
/// With a repeat (`repeat=NAME`), the repeat's file instead: one row per live instance, its linking
/// columns (``RepeatColumn``), then the repeat's questions in the same way.
/// Choice codes by default, labels with `labels` (the raw list of labels is separated by `; `).
/// A question that was skipped (not applicable) or not answered is an empty cell.
struct WideCSVWriter: ExportWriter {
    let schema: ExportSchema
    let options: ExportOptions
    let metadata: [MetadataColumn]
    /// The repeat whose file this is; nil for the main file.
    let repeatGroup: ExportSchema.Repeat?
    private let csv: CSVWriter

    init(schema: ExportSchema, options: ExportOptions, repeatGroup: ExportSchema.Repeat? = nil) {
        self.schema = schema
        self.options = options
        self.repeatGroup = repeatGroup
        metadata = MetadataColumn.columns(includePersonalData: options.includePersonalData)
        csv = options.csvWriter
    }

    /// The questions of this file: the main file's, or the repeat's.
    private var questions: [ExportSchema.Question] { repeatGroup?.questions ?? schema.questions }

    var header: [String] {
        var names = repeatGroup.map { $0.columns.map(\.rawValue) } ?? metadata.map(\.rawValue)
        for question in questions {
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
        guard let repeatGroup else {
            let leading = metadata.map { column in column.value(in: record).map { options.spreadsheetCell(.string($0)) } ?? "" }
            appendRow(leading, cell: record.cell, into: &out)
            return
        }
        for instance in record.instances[repeatGroup.name] ?? [] {
            appendRow(repeatGroup.columns.map { options.spreadsheetCell(.string($0.value(in: record, instance))) }, cell: instance.cell, into: &out)
        }
    }

    /// One line: the leading cells, then each question's cells.
    private func appendRow(_ leading: [String], cell: (String) -> ExportRecord.Cell, into out: inout [UInt8]) {
        var fields = leading
        fields.reserveCapacity(fields.count + questions.count * 2)
        for question in questions {
            appendCells(of: question, cell(question.name), to: &fields)
        }
        csv.appendLine(fields, to: &out)
    }

    /// A question's cells: its value (code or label), and for a select_multiple a 0/1 per option.
    private func appendCells(of question: ExportSchema.Question, _ cell: ExportRecord.Cell, to fields: inout [String]) {
        guard case .value(let value) = cell else {
            fields.append("")
            fields += repeatElement("", count: question.optionVariables.count)
            return
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
}
