import Foundation
import Shared

/// The SPSS system file: metadata variables, then per question a variable with its label; select
/// questions as numeric codes with value labels (a select_multiple as its raw list plus a 0/1
/// variable per option); dates as SPSS dates; text as strings as wide as the longest answer in bytes.
///
/// Numeric answer variables declare two user-missing values, ``MissingCode/notAnswered`` (−99) and
/// ``MissingCode/notApplicable`` (−98), both labelled. Labels are in the export's language.
///
/// With a repeat (`repeat=NAME`), the repeat's file instead: one case per live instance, its linking
/// variables (``RepeatColumn``), then the repeat's questions in the same way.
struct SAVWriter: ExportWriter {
    let schema: ExportSchema
    let options: ExportOptions
    let metadata: [MetadataColumn]
    /// The repeat whose file this is; nil for the main file.
    let repeatGroup: ExportSchema.Repeat?
    private var file: SystemFileWriter
    private let language: String

    /// - Parameters:
    ///   - longest: the longest stored value, in UTF-8 bytes, of each interview field that holds strings.
    ///   - study: for the widths of provinces and names.
    ///   - repeatGroup: the repeat whose file to write; nil for the main file.
    init(
        schema: ExportSchema, options: ExportOptions, study: ExportStudy, longest: [String: Int], repeatGroup: ExportSchema.Repeat? = nil,
        now: Date = Date()
    ) {
        self.schema = schema
        self.options = options
        self.repeatGroup = repeatGroup
        let language = options.language ?? schema.defaultLanguage
        self.language = language
        let metadata = MetadataColumn.columns(includePersonalData: options.includePersonalData)
        self.metadata = metadata
        let leading = repeatGroup.map { Self.variables(linking: $0.columns, language: language) }
            ?? Self.variables(metadata: metadata, language: language, study: study, longest: longest)
        let variables = leading + Self.variables(questions: repeatGroup?.questions ?? schema.questions, language: language, longest: longest)
        let versions = schema.versions.joined(separator: ", ")
        let repeatText = repeatGroup.map { " repeat \($0.name)" } ?? ""
        file = SystemFileWriter(
            variables: variables,
            fileLabel: "Veldwerk \(schema.questionnaireID) v\(versions)\(repeatText), log \(study.logPosition)",
            documents: [
                "Veldwerk export of questionnaire \(schema.questionnaireID), version(s) \(versions).",
            ] + (repeatGroup.map { group in
                [
                    "Repeat \(group.name): one case per instance, linked to the main file by interview_id"
                        + (group.parent.map { " and to the file of repeat \($0) by parent_instance_id" } ?? "") + ".",
                ]
            } ?? []) + [
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
        guard let repeatGroup else {
            var values = metadataValues(of: record)
            appendValues(of: schema.questions, cell: record.cell, to: &values)
            file.appendCase(values, into: &out)
            return
        }
        for instance in record.instances[repeatGroup.name] ?? [] {
            var values: [SystemFileValue] = repeatGroup.columns.map { column in
                column == .position ? .number(Double(instance.position)) : .string(column.value(in: record, instance))
            }
            appendValues(of: repeatGroup.questions, cell: instance.cell, to: &values)
            file.appendCase(values, into: &out)
        }
    }

    /// The metadata variables' values of an interview.
    private func metadataValues(of record: ExportRecord) -> [SystemFileValue] {
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
        return values
    }

    /// Each question's values: a code, number, date or string, or a missing code; a select_multiple adds a 0/1 per option.
    private func appendValues(of questions: [ExportSchema.Question], cell: (String) -> ExportRecord.Cell, to values: inout [SystemFileValue]) {
        for question in questions {
            let cell = cell(question.name)
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
    }

    mutating func finish(into out: inout [UInt8]) {
        file.finish(into: &out)
    }

    // MARK: Dictionary

    /// The linking variables of a repeat's file: ids as strings, the position as a whole number.
    private static func variables(linking columns: [RepeatColumn], language: String) -> [SystemFileVariable] {
        columns.map { column in
            let label = column.label.text(language)
            switch column {
            case .position: return SystemFileVariable(name: column.rawValue, label: label, kind: .numeric(.f(4, 0)), measure: .scale)
            case .interviewID: return SystemFileVariable(name: column.rawValue, label: label, kind: .string(width: 36), measure: .nominal)
            case .instanceID, .parentInstanceID:
                return SystemFileVariable(name: column.rawValue, label: label, kind: .string(width: 32), measure: .nominal)
            }
        }
    }

    /// The metadata variables of the main file.
    private static func variables(metadata: [MetadataColumn], language: String, study: ExportStudy, longest: [String: Int]) -> [SystemFileVariable] {
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
        return variables
    }

    /// The variables of `questions`, in order.
    private static func variables(questions: [ExportSchema.Question], language: String, longest: [String: Int]) -> [SystemFileVariable] {
        var variables: [SystemFileVariable] = []
        let missingLabels = MissingCode.labels.map { (value: $0.0, label: language == "nl" ? $0.nl : $0.en) }
        let missingValues = [MissingCode.notAnswered, MissingCode.notApplicable]
        for question in questions {
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
                let width = min(longest[measuredField(of: question)] ?? 1, 32767)
                variables.append(SystemFileVariable(name: question.variable, label: label, kind: .string(width: max(width, 1)), measure: .nominal))
            case .calculate:
                variables.append(SystemFileVariable(name: question.variable, label: label, kind: .string(width: 255), measure: .nominal))
            }
        }
        return variables
    }

    /// The interview fields whose longest value sets a string width: of the main file, or of a repeat's.
    static func measuredFields(schema: ExportSchema, metadata: [MetadataColumn], repeatGroup: ExportSchema.Repeat? = nil) -> [String] {
        let questions = repeatGroup?.questions ?? schema.questions
        return (repeatGroup == nil ? metadata.compactMap(\.storedField) : [])
            + questions.filter { CodebookWriter.isString($0.type) && $0.type != .calculate }.map(measuredField(of:))
    }

    /// The field whose longest value sets a question's width: its answer, or for a question in a repeat
    /// its answer in any instance (``RepeatAnswerPattern``).
    static func measuredField(of question: ExportSchema.Question) -> String {
        question.repeatGroup == nil ? Interview.Field.answer(question.name) : RepeatAnswerPattern.field(question.name)
    }
}
