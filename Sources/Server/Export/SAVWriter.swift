import Foundation
import Shared

/// The SPSS system file: metadata variables, then per question a variable with its label; select
/// questions as numeric codes with value labels (a select_multiple as its raw list plus a 0/1
/// variable per option); dates as SPSS dates; text as strings as wide as the longest answer in bytes.
///
/// Numeric answer variables declare two user-missing values, ``MissingCode/notAnswered`` (−99) and
/// ``MissingCode/notApplicable`` (−98), both labelled. Labels are in the export's language.
struct SAVWriter: ExportWriter {
    let schema: ExportSchema
    let options: ExportOptions
    let metadata: [MetadataColumn]
    private var file: SystemFileWriter
    private let language: String

    /// - Parameters:
    ///   - longest: the longest stored value, in UTF-8 bytes, of each interview field that holds strings.
    ///   - study: for the widths of provinces and names.
    init(schema: ExportSchema, options: ExportOptions, study: ExportStudy, longest: [String: Int], now: Date = Date()) {
        self.schema = schema
        self.options = options
        language = options.language ?? schema.defaultLanguage
        metadata = MetadataColumn.columns(includePersonalData: options.includePersonalData)
        let variables = Self.variables(
            schema: schema, metadata: metadata, language: language, study: study, longest: longest
        )
        let versions = schema.versions.joined(separator: ", ")
        file = SystemFileWriter(
            variables: variables,
            fileLabel: "Veldwerk \(schema.questionnaireID) v\(versions), log \(study.logPosition)",
            documents: [
                "Veldwerk export of questionnaire \(schema.questionnaireID), version(s) \(versions).",
                "Reflects change-log position \(study.logPosition).",
                "User-missing: -99 = not answered, -98 = not applicable (skipped).",
                "Timestamps are UTC.",
            ],
            created: now
        )
    }

    /// The variables: the ``SystemFileVariable``s of the dictionary, in column order.
    var variables: [SystemFileVariable] { file.variables }

    mutating func begin(into out: inout [UInt8]) {
        file.writeDictionary(into: &out)
    }

    mutating func write(_ record: ExportRecord, into out: inout [UInt8]) {
        var values: [SystemFileValue] = []
        values.reserveCapacity(file.variables.count)
        for column in metadata {
            let text = column.value(in: record)
            if column.isTimestamp {
                values.append(.number(text.flatMap(TimestampText.unixSeconds).map { $0 + SystemFileWriter.epochOffset }))
            } else {
                values.append(.string(text ?? ""))
            }
        }
        for question in schema.questions {
            let cell = record.cell(question.name)
            let missing: Double?
            switch cell {
            case .notAnswered: missing = MissingCode.notAnswered
            case .notApplicable: missing = MissingCode.notApplicable
            case .value: missing = nil
            }
            let value: JSONValue? = if case .value(let value) = cell { value } else { nil }
            switch question.type {
            case .selectOne:
                values.append(.number(missing ?? value?.stringValue.flatMap(question.code(of:)).map(Double.init)))
            case .selectMultiple:
                let chosen = value?.stringArrayValue ?? []
                values.append(.string(chosen.joined(separator: " ")))
                let set = Set(chosen)
                for choice in question.choices {
                    values.append(.number(missing ?? (set.contains(choice.name) ? 1 : 0)))
                }
            case .integer, .decimal, .range:
                values.append(.number(missing ?? value?.doubleValue))
            case .date:
                values.append(
                    .number(missing ?? value?.stringValue.flatMap(TimestampText.unixSeconds).map { $0 + SystemFileWriter.epochOffset })
                )
            case .text, .calculate, .note, .time, .dateTime, .acknowledge, .geopoint, .metadata, .rank:
                values.append(.string(value.map(AnswerText.text) ?? ""))
            }
        }
        file.appendCase(values, into: &out)
    }

    mutating func finish(into out: inout [UInt8]) {
        file.finish(into: &out)
    }

    // MARK: Dictionary

    private static func variables(
        schema: ExportSchema, metadata: [MetadataColumn], language: String, study: ExportStudy, longest: [String: Int]
    ) -> [SystemFileVariable] {
        var variables: [SystemFileVariable] = []
        for column in metadata {
            let label = column.label.text(language)
            if column.isTimestamp {
                variables.append(SystemFileVariable(name: column.rawValue, label: label, kind: .numeric(.dateTime), measure: .scale))
                continue
            }
            let width: Int
            switch column {
            case .interviewID: width = 36
            case .nis2024, .nis2025: width = 5
            case .province: width = study.roster.municipalities.map(\.province.utf8.count).max() ?? 1
            case .interviewer: width = 14
            case .state: width = Interview.State.allCases.map(\.rawValue.utf8.count).max() ?? 9
            case .reviewStatus: width = ReviewStatus.allCases.map(\.rawValue.utf8.count).max() ?? 19
            case .interviewerName: width = study.users.values.map(\.name.utf8.count).max() ?? 1
            default: width = column.storedField.flatMap { longest[$0] } ?? 1
            }
            variables.append(
                SystemFileVariable(name: column.rawValue, label: label, kind: .string(width: min(max(width, 1), 32767)), measure: .nominal)
            )
        }

        let missingLabels = MissingCode.labels.map { (value: $0.0, label: language == "nl" ? $0.nl : $0.en) }
        let missingValues = [MissingCode.notAnswered, MissingCode.notApplicable]
        for question in schema.questions {
            let label = question.label.text(language)
            switch question.type {
            case .selectOne:
                let labels = question.choices.enumerated().map { (value: Double($0.offset + 1), label: $0.element.label.text(language)) }
                let digits = Int32(max(String(question.choices.count).count, 3))
                variables.append(
                    SystemFileVariable(
                        name: question.variable, label: label, kind: .numeric(.f(digits, 0)), measure: .nominal,
                        valueLabels: labels + missingLabels, missingValues: missingValues
                    )
                )
            case .selectMultiple:
                let listWidth = question.choices.reduce(0) { $0 + $1.name.utf8.count + 1 } - 1
                variables.append(SystemFileVariable(name: question.variable, label: label, kind: .string(width: max(listWidth, 1)), measure: .nominal))
                let chosen = language == "nl" ? ("Niet gekozen", "Gekozen") : ("Not chosen", "Chosen")
                for (choice, variable) in zip(question.choices, question.optionVariables) {
                    variables.append(
                        SystemFileVariable(
                            name: variable, label: label + ": " + choice.label.text(language), kind: .numeric(.f(3, 0)), measure: .nominal,
                            valueLabels: [(0, chosen.0), (1, chosen.1)] + missingLabels, missingValues: missingValues
                        )
                    )
                }
            case .integer:
                variables.append(
                    SystemFileVariable(
                        name: question.variable, label: label, kind: .numeric(.f(8, 0)), measure: .scale, valueLabels: missingLabels,
                        missingValues: missingValues
                    )
                )
            case .decimal, .range:
                variables.append(
                    SystemFileVariable(
                        name: question.variable, label: label, kind: .numeric(.f(10, 2)), measure: .scale, valueLabels: missingLabels,
                        missingValues: missingValues
                    )
                )
            case .date:
                variables.append(
                    SystemFileVariable(
                        name: question.variable, label: label, kind: .numeric(.date), measure: .scale, missingValues: missingValues
                    )
                )
            case .text, .note, .time, .dateTime, .acknowledge, .geopoint, .metadata, .rank:
                // SPSS strings hold at most 32767 bytes; a longer answer is cut there (at a character boundary).
                let width = min(longest[Interview.Field.answer(question.name)] ?? 1, 32767)
                variables.append(SystemFileVariable(name: question.variable, label: label, kind: .string(width: max(width, 1)), measure: .nominal))
            case .calculate:
                variables.append(SystemFileVariable(name: question.variable, label: label, kind: .string(width: 255), measure: .nominal))
            }
        }
        return variables
    }

    /// The interview fields whose longest value sets a string width.
    static func measuredFields(schema: ExportSchema, metadata: [MetadataColumn]) -> [String] {
        metadata.compactMap(\.storedField) + schema.questions.filter { CodebookWriter.isString($0.type) && $0.type != .calculate }.map { Interview.Field.answer($0.name) }
    }
}
