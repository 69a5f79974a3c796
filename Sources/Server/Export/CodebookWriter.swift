import Foundation
import Shared

/// The codebook, as Markdown or as CSV: every variable of the wide CSV and the SPSS file with its
/// labels in each language, type, values and their labels, relevance, constraint and the
/// questionnaire versions it occurs in; then each repeat's file: its linking columns and its questions.
struct CodebookWriter: ExportWriter {
    let schema: ExportSchema
    let options: ExportOptions
    let logPosition: Int64

    /// One row of the CSV codebook.
    struct Row {
        var variable: String
        var question: String
        var labels: [String]
        var type: String
        var spssType: String
        var values: String
        var relevance: String
        var constraint: String
        var required: String
        var versions: String
        var missing: String
        /// The repeat whose file holds the variable; empty for the main files.
        var repeatGroup = ""
    }

    private var languages: [String] { schema.newest.languages.isEmpty ? [schema.defaultLanguage] : schema.newest.languages }

    mutating func begin(into out: inout [UInt8]) {
        if options.format == .codebookCSV {
            writeCSV(into: &out)
        } else {
            out += Array(markdown().utf8)
        }
    }

    /// Every variable, in file order: the main files', then each repeat's.
    var rows: [Row] {
        var rows: [Row] = MetadataColumn.columns(includePersonalData: options.includePersonalData).map { column in
            Row(
                variable: column.rawValue, question: "", labels: languages.map { column.label.text($0) }, type: "metadata",
                spssType: column.isTimestamp ? "datetime" : "string", values: column.values(languages: languages), relevance: "", constraint: "", required: "",
                versions: schema.versions.joined(separator: " "), missing: ""
            )
        }
        rows += schema.questions.flatMap(questionRows)
        for group in schema.repeats {
            rows += group.columns.map { column in
                Row(
                    variable: column.rawValue, question: "", labels: languages.map { column.label.text($0) }, type: "repeat link",
                    spssType: column == .position ? "numeric" : "string", values: column.explanation, relevance: "", constraint: "", required: "",
                    versions: schema.versions.joined(separator: " "), missing: "", repeatGroup: group.name
                )
            }
            rows += group.questions.flatMap(questionRows)
        }
        return rows
    }

    /// A question's rows: its variable, and a 0/1 variable per option of a select_multiple.
    private func questionRows(_ question: ExportSchema.Question) -> [Row] {
        let missing = MissingCode.labels.map { "\(Int($0.0)) = \($0.en.lowercased())" }.joined(separator: "; ")
        let group = question.repeatGroup ?? ""
        var rows = [
            Row(
                variable: question.variable, question: question.name, labels: languages.map { question.label.text($0) },
                type: question.type.xlsform, spssType: Self.spssType(question.type),
                values: question.choices.enumerated().map { index, choice in
                    "\(index + 1) = \(choice.name) = " + languages.map { choice.label.text($0) }.joined(separator: " / ")
                }.joined(separator: "; "),
                relevance: question.relevance ?? "", constraint: question.constraint ?? "", required: question.required ? "yes" : "no",
                versions: question.versions.joined(separator: " "), missing: Self.isString(question.type) ? "" : missing, repeatGroup: group
            ),
        ]
        for (choice, variable) in zip(question.choices, question.optionVariables) {
            rows.append(
                Row(
                    variable: variable, question: question.name,
                    labels: languages.map { question.label.text($0) + ": " + choice.label.text($0) },
                    type: "option of \(question.type.xlsform)", spssType: "numeric",
                    values: "0 = not chosen; 1 = chosen", relevance: question.relevance ?? "", constraint: "", required: "",
                    versions: question.versions.joined(separator: " "), missing: missing, repeatGroup: group
                )
            )
        }
        return rows
    }

    private func writeCSV(into out: inout [UInt8]) {
        let csv = options.csvWriter
        if options.byteOrderMark { out += CSVWriter.byteOrderMark }
        csv.appendLine(
            ["variable", "question"] + languages.map { "label_\($0)" }
                + ["type", "spss_type", "values", "relevance", "constraint", "required", "versions", "spss_missing", "repeat"],
            to: &out
        )
        for row in rows {
            csv.appendLine(
                [row.variable, row.question] + row.labels
                    + [row.type, row.spssType, row.values, row.relevance, row.constraint, row.required, row.versions, row.missing, row.repeatGroup],
                to: &out
            )
        }
    }

    private func markdown() -> String {
        var text = "# Codebook: \(Self.cell(schema.newest.title.text()))\n\n"
        text += "Questionnaire `\(schema.questionnaireID)`, version(s) \(schema.versions.joined(separator: ", ")). "
        text += "This export reflects change-log position \(logPosition).\n\n"
        text += "Interviews on different versions share a variable when their questions share a name; "
        text += "codes of choices are their position in the merged choice list.\n\n"
        text += "Missing values: in the SPSS file a numeric variable holds "
        text += MissingCode.labels.map { "`\(Int($0.0))` = \($0.en.lowercased()) (\($0.nl.lowercased()))" }.joined(separator: " and ")
        text += ", both declared user-missing; text variables and the CSV files leave both empty, and the JSON Lines file "
        text += "lists them under `notAnswered` and `notApplicable`.\n\n"

        text += "## Metadata\n\n| variable | " + languages.map { "label (\($0))" }.joined(separator: " | ") + " | type |\n"
        text += "|---|" + languages.map { _ in "---|" }.joined() + "---|\n"
        for row in rows where row.type == "metadata" {
            text += "| `\(row.variable)` | " + row.labels.map(Self.cell).joined(separator: " | ") + " | \(row.spssType) |\n"
        }
        for row in rows where row.type == "metadata" && !row.values.isEmpty {
            text += "\n`\(row.variable)` values (empty: not reviewed): \(Self.cell(row.values))\n"
        }
        var section: String?
        for question in schema.questions {
            let title = question.section?.text() ?? ""
            if title != section {
                section = title
                text += "\n## \(title.isEmpty ? "Questions" : title)\n"
            }
            text += questionMarkdown(question, heading: "###")
        }
        text += repeatsMarkdown()
        return text
    }

    /// A question's section: labels, type, hint, relevance, constraint, versions and its choices.
    private func questionMarkdown(_ question: ExportSchema.Question, heading: String) -> String {
        var text = ""
        text += "\n\(heading) `\(question.variable)`: \(Self.cell(question.label.text(languages.first)))\n\n"
        for language in languages.dropFirst() {
            text += "- Label (\(language)): \(Self.cell(question.label.text(language)))\n"
        }
        let shown = Questionnaire.references(in: question.label)
        if !shown.isEmpty {
            text += "- The label shows the answers to: " + shown.map { "`${\($0)}`" }.joined(separator: ", ") + " (filled in when asked)\n"
        }
        text += "- Type: `\(question.type.xlsform)` (SPSS \(Self.spssType(question.type)))"
        text += question.required ? ", required\n" : ", optional\n"
        if let hint = question.hint, !hint.isEmpty { text += "- Hint: \(Self.cell(hint.text()))\n" }
        if let relevance = question.relevance { text += "- Asked when: `\(relevance)`\n" }
        if let constraint = question.constraint { text += "- Constraint: `\(constraint)`\n" }
        text += "- Versions: \(question.versions.joined(separator: ", "))\n"
        if !question.choices.isEmpty {
            let isMultiple = !question.optionVariables.isEmpty
            text += "\n| code | value | " + languages.map { "label (\($0))" }.joined(separator: " | ")
            text += isMultiple ? " | 0/1 variable |\n" : " |\n"
            text += "|---|---|" + languages.map { _ in "---|" }.joined()
            text += isMultiple ? "---|\n" : "\n"
            for (index, choice) in question.choices.enumerated() {
                text += "| \(index + 1) | `\(choice.name)` | " + languages.map { Self.cell(choice.label.text($0)) }.joined(separator: " | ")
                if isMultiple { text += " | `\(question.optionVariables[index])`" }
                text += " |\n"
            }
        }
        return text
    }

    /// Each repeat: what its file holds, how it links to the others, and its questions.
    private func repeatsMarkdown() -> String {
        guard !schema.repeats.isEmpty else { return "" }
        var text = "\n## Repeats\n\n"
        text += "A repeat's answers are not columns of the main files. Each repeat has a file of its own (`--repeat NAME`, "
        text += "API `repeat=NAME`, formats csv and sav): one row per instance, deleted instances left out, the same interviews "
        text += "as the main file. In `csv-long` an answer in a repeat names its instance in the `instance` column; in JSON Lines "
        text += "the instances sit under `repeats`, by repeat name. A repeat's answers are as entered: relevance and calculations "
        text += "inside a repeat are not evaluated per instance, so a missing answer is \"not answered\" (-99).\n"
        for group in schema.repeats {
            text += "\n### Repeat `\(group.name)`: \(Self.cell(group.label.text(languages.first)))\n\n"
            for language in languages.dropFirst() {
                text += "- Label (\(language)): \(Self.cell(group.label.text(language)))\n"
            }
            if let parent = group.parent { text += "- Inside repeat `\(parent)`: one set of instances per instance of it\n" }
            text += "- Questions: " + (group.questions.isEmpty ? "none" : group.questions.map { "`\($0.variable)`" }.joined(separator: ", ")) + "\n"
            text += "\n| variable | " + languages.map { "label (\($0))" }.joined(separator: " | ") + " | type | holds |\n"
            text += "|---|" + languages.map { _ in "---|" }.joined() + "---|---|\n"
            for column in group.columns {
                text += "| `\(column.rawValue)` | " + languages.map { Self.cell(column.label.text($0)) }.joined(separator: " | ")
                text += " | \(column == .position ? "numeric" : "string") | \(column.explanation) |\n"
            }
            for question in group.questions {
                text += questionMarkdown(question, heading: "####")
            }
        }
        return text
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func isString(_ type: QuestionType) -> Bool {
        switch type {
        case .text, .calculate, .note, .time, .dateTime, .acknowledge, .geopoint, .metadata, .rank: return true
        default: return false
        }
    }

    static func spssType(_ type: QuestionType) -> String {
        switch type {
        case .selectOne: return "numeric, labelled codes"
        case .selectMultiple: return "string list + 0/1 numeric per option"
        case .integer, .decimal, .range: return "numeric"
        case .date: return "date"
        case .text, .calculate, .note: return "string"
        case .time: return "string HH:MM"
        case .dateTime: return "string YYYY-MM-DDTHH:MM"
        case .acknowledge: return "string OK"
        case .geopoint: return "string: latitude longitude [altitude accuracy]"
        case .metadata(let kind): return "string, filled by the laptop (\(kind.rawValue))"
        case .rank: return "string: every choice name, most important first"
        }
    }
}
