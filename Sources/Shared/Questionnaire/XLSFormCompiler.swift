import Foundation
import Shared

/// Compiles an XLSForm (its `survey`, `choices` and optional `settings` sheets as CSV text) into a
/// ``Questionnaire``.
///
/// Columns read from `survey`: `type`, `name`, `label`, `hint`, `required`, `relevant`,
/// `constraint`, `constraint_message`, `choice_filter`, `calculation`; from `choices`: `list_name`,
/// `name`, `label` and any other column (kept as ``Choice/properties`` for `choice_filter`); from
/// `settings`: `form_id` (or `id_string`), `version`, `form_title`, `default_language`, and
/// `mode_question` / `respondent_function_question` naming the questions whose answers are the
/// interview's mode and respondent function. Texts take a language
/// suffix (`label::nl`, `label::English (en)`); a plain `label` is the default language. Other
/// columns are ignored. Supported types: `select_one LIST`, `select_multiple LIST`, `integer`,
/// `decimal`, `text`, `date`, `note`, `calculate`, `begin_group`/`end_group` (nesting allowed).
///
/// Every expression is parsed and every `${name}` must be a question of the form, so a form that
/// compiles can be evaluated without surprises.
public enum XLSFormCompiler {
    /// The default study's form id.
    public static let studyFormID = "flankerend_onderwijsbeleid"

    /// Compiles the sheets.
    ///
    /// - Parameters:
    ///   - survey: the `survey` sheet as CSV text.
    ///   - choices: the `choices` sheet as CSV text.
    ///   - settings: the `settings` sheet as CSV text, if there is one.
    ///   - defaultFormID: the form id to use when `settings` gives none.
    /// - Returns: the questionnaire; `version` defaults to `"1"`, the default language to the first
    ///   language of the label columns (`"default"` when labels have no language).
    /// - Throws: `XLSFormError` naming sheet, row and column: an unknown type, a missing or invalid
    ///   name, a duplicate name, a select list missing from `choices`, an unbalanced
    ///   `begin_group`/`end_group`, an expression that does not parse or refers to an unknown
    ///   question, a duplicate choice within a list, a missing label, or no form id at all.
    public static func compile(
        survey: String, choices: String, settings: String? = nil, defaultFormID: String? = nil
    ) throws -> Questionnaire {
        let surveyTable = try table(survey, sheet: surveySheet)
        let choicesTable = try table(choices, sheet: choicesSheet)
        let settingsRecord = try settings.flatMap { try table($0, sheet: settingsSheet).records.first }
        let surveyColumns = Columns(surveyTable.header)
        let choiceColumns = Columns(choicesTable.header)
        let settingsColumns = Columns(settingsRecord.map { Array($0.values.keys) } ?? [])

        func setting(_ base: String) -> String? {
            guard let record = settingsRecord else { return nil }
            let text = settingsColumns.value(base, in: record)
            return text.isEmpty ? nil : text
        }
        // pyxform: form_id, else the older id_string, else the file's name.
        guard let formID = setting("form_id") ?? setting("id_string") ?? defaultFormID else {
            throw XLSFormError(
                sheet: settingsSheet, row: nil, column: "form_id",
                reason: "the form has no id: add a settings sheet with a form_id column"
            )
        }
        let textColumns = ["label", "hint", "constraint_message"]
        let suffixes = surveyColumns.languages(of: textColumns) + choiceColumns.languages(of: ["label"])
        let defaultLanguage = setting("default_language").map(Columns.languageCode)
            ?? suffixes.first
            ?? "default"
        var languages = [defaultLanguage]
        for language in suffixes where !languages.contains(language) { languages.append(language) }

        let choiceLists = try compileChoices(choicesTable, columns: choiceColumns, defaultLanguage: defaultLanguage)
        let (groups, questions) = try compileSurvey(
            surveyTable, columns: surveyColumns, defaultLanguage: defaultLanguage, choiceLists: choiceLists
        )
        try checkReferences(
            groups: groups, questions: questions,
            choiceColumnNames: Set(["name"]).union(choiceColumns.propertyColumns)
        )

        // Questions that say how the interview was held and who answered: the interview's mode and
        // respondent function follow their answers (the dashboard and the exports show them).
        var metadata: [String: String] = [:]
        for column in ["mode_question", "respondent_function_question"] {
            guard let name = setting(column) else { continue }
            guard let question = questions.first(where: { $0.name == name }), question.type.isAnswerable else {
                throw XLSFormError(sheet: settingsSheet, row: 2, column: column, reason: "there is no question \"\(name)\" that takes an answer")
            }
            metadata[column] = question.name
        }

        let title = setting("form_title") ?? setting("title") ?? formID
        var form = Questionnaire(
            id: formID, version: setting("version") ?? "1",
            title: LocalizedText(title, language: defaultLanguage),
            defaultLanguage: defaultLanguage, languages: languages,
            groups: groups, questions: questions, choiceLists: choiceLists
        )
        form.modeQuestion = metadata["mode_question"]
        form.respondentFunctionQuestion = metadata["respondent_function_question"]
        if let choice = setting("self_completion_mode") {
            let choices = form.modeQuestion.flatMap { form.question(named: $0) }.map { form.choices(for: $0) } ?? []
            guard choices.contains(where: { $0.name == choice }) else {
                throw XLSFormError(
                    sheet: settingsSheet, row: 2, column: "self_completion_mode", reason: "\"\(choice)\" is not a choice of the mode_question"
                )
            }
            form.selfCompletionMode = choice
        }
        if let list = setting("quasi_identifiers") {
            let names = list.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            for name in names where !questions.contains(where: { $0.name == name }) {
                throw XLSFormError(sheet: settingsSheet, row: 2, column: "quasi_identifiers", reason: "there is no question \"\(name)\"")
            }
            form.quasiIdentifierQuestions = names
        }
        if let list = setting("personal_data") {
            let names = list.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            for name in names where !questions.contains(where: { $0.name == name && $0.type.isAnswerable }) {
                throw XLSFormError(sheet: settingsSheet, row: 2, column: "personal_data", reason: "there is no question \"\(name)\" that takes an answer")
            }
            form.personalDataQuestions = names
        }
        return form
    }

    /// Compiles the bundled default study: form id `flankerend_onderwijsbeleid`, version `"1"`,
    /// default language `nl`; 44 questions in 6 groups.
    /// - Throws: `XLSFormError` when the bundled files are missing or do not compile.
    public static func defaultStudy() throws -> Questionnaire {
        guard let survey = StudyFiles.text(named: surveySheet) else {
            throw XLSFormError(sheet: surveySheet, row: nil, column: nil, reason: "the bundled study file cannot be read")
        }
        guard let choices = StudyFiles.text(named: choicesSheet) else {
            throw XLSFormError(sheet: choicesSheet, row: nil, column: nil, reason: "the bundled study file cannot be read")
        }
        return try compile(
            survey: survey, choices: choices, settings: StudyFiles.text(named: settingsSheet), defaultFormID: studyFormID
        )
    }

    static let surveySheet = "survey.csv"
    static let choicesSheet = "choices.csv"
    static let settingsSheet = "settings.csv"

    private static func table(_ text: String, sheet: String) throws -> CSVReader.Table {
        do {
            return try CSVReader.table(text)
        } catch CSVError.unterminatedQuote(let line) {
            throw XLSFormError(sheet: sheet, row: line, column: nil, reason: "a quoted field starts on this line and is never closed")
        }
    }

    // MARK: Choices

    private static func compileChoices(
        _ table: CSVReader.Table, columns: Columns, defaultLanguage: String
    ) throws -> [String: [Choice]] {
        for column in ["list_name", "name"] where !columns.has(column) {
            throw XLSFormError(sheet: choicesSheet, row: 1, column: column, reason: "the header lacks this column")
        }
        var lists: [String: [Choice]] = [:]
        var rows: [String: [String: Int]] = [:]
        for record in table.records {
            func fail(_ column: String?, _ reason: String) -> XLSFormError {
                XLSFormError(sheet: choicesSheet, row: record.row, column: column, reason: reason)
            }
            let list = columns.value("list_name", in: record)
            let name = columns.value("name", in: record)
            guard !list.isEmpty else { throw fail("list_name", "the choice has no list_name") }
            guard !name.isEmpty else { throw fail("name", "the choice in list \"\(list)\" has no name") }
            if let earlier = rows[list]?[name] {
                throw fail("name", "duplicate choice \"\(name)\" in list \"\(list)\" (also on row \(earlier))")
            }
            let label = columns.localized("label", in: record, defaultLanguage: defaultLanguage)
            guard let label else { throw fail("label", "the choice \"\(name)\" in list \"\(list)\" has no label") }
            var properties: [String: String] = [:]
            for column in columns.propertyColumns {
                let value = columns.value(column, in: record)
                if !value.isEmpty { properties[column] = value }
            }
            rows[list, default: [:]][name] = record.row
            lists[list, default: []].append(Choice(name: name, label: label, properties: properties))
        }
        return lists
    }

    // MARK: Survey

    private static func compileSurvey(
        _ table: CSVReader.Table, columns: Columns, defaultLanguage: String, choiceLists: [String: [Choice]]
    ) throws -> ([QuestionGroup], [Question]) {
        for column in ["type", "name"] where !columns.has(column) {
            throw XLSFormError(sheet: surveySheet, row: 1, column: column, reason: "the header lacks this column")
        }
        var groups: [QuestionGroup] = []
        var questions: [Question] = []
        var open: [Int] = []  // indices into groups, innermost last
        var nameRows: [String: Int] = [:]

        for record in table.records {
            func fail(_ column: String?, _ reason: String) -> XLSFormError {
                XLSFormError(sheet: surveySheet, row: record.row, column: column, reason: reason)
            }
            func expression(_ column: String) throws -> Expression? {
                let text = columns.value(column, in: record)
                guard !text.isEmpty else { return nil }
                do {
                    return try Expression(text)
                } catch let error as ExpressionError {
                    throw fail(column, "syntax error: \(error.description)")
                }
            }
            func claim(_ name: String) throws {
                guard let first = name.first, first.isLetter || first == "_",
                      name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) })
                else {
                    throw fail("name", "\"\(name)\" is not a valid name: start with a letter or _, then use letters, digits, _, - or .")
                }
                if let earlier = nameRows[name] {
                    throw fail("name", "duplicate name \"\(name)\" (also on row \(earlier))")
                }
                nameRows[name] = record.row
            }

            let rawType = columns.value("type", in: record)
            let typeWords = rawType.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: "_")
            let name = columns.value("name", in: record)
            switch typeWords {
            case "":
                throw fail("type", "the row has no type")
            case "begin_group":
                guard !name.isEmpty else { throw fail("name", "the group has no name") }
                try claim(name)
                groups.append(QuestionGroup(
                    name: name,
                    label: columns.localized("label", in: record, defaultLanguage: defaultLanguage)
                        ?? LocalizedText([:], defaultLanguage: defaultLanguage),
                    relevant: try expression("relevant"),
                    parent: open.last.map { groups[$0].name },
                    row: record.row
                ))
                open.append(groups.count - 1)
            case "end_group":
                guard let index = open.popLast() else {
                    throw fail("type", "end_group without a matching begin_group")
                }
                if !name.isEmpty, name != groups[index].name {
                    throw fail("name", "end_group \"\(name)\" closes group \"\(groups[index].name)\" begun on row \(groups[index].row)")
                }
            case "begin_repeat", "end_repeat":
                throw fail("type", "repeats are not supported")
            default:
                guard let type = QuestionType(xlsform: rawType) else {
                    throw fail("type", "unknown type \"\(rawType)\"; supported: select_one LIST, select_multiple LIST, integer, decimal, text, date, note, calculate, begin_group, end_group")
                }
                guard !name.isEmpty else { throw fail("name", "the \(type.xlsform) question has no name") }
                try claim(name)
                if let list = type.choiceList, choiceLists[list] == nil {
                    throw fail("type", "choice list \"\(list)\" is not in \(choicesSheet)")
                }
                let label = columns.localized("label", in: record, defaultLanguage: defaultLanguage)
                let hint = columns.localized("hint", in: record, defaultLanguage: defaultLanguage)
                if type != .calculate, label == nil, hint == nil {
                    throw fail("label", "the question \"\(name)\" has no label")
                }
                let required: Bool
                switch columns.value("required", in: record).lowercased() {
                case "", "no", "false", "false()", "0", "n": required = false
                case "yes", "true", "true()", "1", "y": required = true
                case let other:
                    throw fail("required", "\"\(other)\" is not yes or no (expressions are not supported here)")
                }
                let calculation = try expression("calculation")
                if type == .calculate, calculation == nil {
                    throw fail("calculation", "the calculate question \"\(name)\" has no calculation")
                }
                let choiceFilter = try expression("choice_filter")
                if choiceFilter != nil, type.choiceList == nil {
                    throw fail("choice_filter", "only select_one and select_multiple questions take a choice_filter")
                }
                if case .selectMultiple(let list) = type,
                   let bad = choiceLists[list]?.first(where: { $0.name.contains(where: \.isWhitespace) }) {
                    throw fail("type", "choice \"\(bad.name)\" of list \"\(list)\" has a space in its name, which a select_multiple answer cannot hold")
                }
                let appearance = columns.value("appearance", in: record).trimmingCharacters(in: .whitespaces)
                var question = Question(
                    name: name, type: type,
                    label: label ?? LocalizedText([:], defaultLanguage: defaultLanguage),
                    hint: hint, required: required,
                    relevant: try expression("relevant"),
                    constraint: try expression("constraint"),
                    constraintMessage: columns.localized("constraint_message", in: record, defaultLanguage: defaultLanguage),
                    choiceFilter: choiceFilter, calculation: calculation,
                    group: open.last.map { groups[$0].name }, row: record.row
                )
                question.appearance = appearance.isEmpty ? nil : appearance
                questions.append(question)
                if let index = open.last { groups[index].questionNames.append(name) }
            }
        }
        if let index = open.last {
            let group = groups[index]
            throw XLSFormError(sheet: surveySheet, row: group.row, column: "type", reason: "begin_group \"\(group.name)\" is never closed with end_group")
        }
        return (groups, questions)
    }

    /// Checks that every `${name}` names a question, and that bare names appear only in a
    /// `choice_filter`, as columns of the choices sheet.
    private static func checkReferences(
        groups: [QuestionGroup], questions: [Question], choiceColumnNames: Set<String>
    ) throws {
        let questionNames = Set(questions.map(\.name))
        let groupNames = Set(groups.map(\.name))
        func check(_ expression: Expression?, row: Int, column: String, isChoiceFilter: Bool = false) throws {
            guard let expression else { return }
            func fail(_ reason: String) -> XLSFormError {
                XLSFormError(sheet: surveySheet, row: row, column: column, reason: reason)
            }
            for name in expression.referencedNames().sorted() where !questionNames.contains(name) {
                if groupNames.contains(name) { throw fail("${\(name)} is a group, not a question") }
                throw fail("unknown question ${\(name)}")
            }
            for name in expression.choiceColumnNames().sorted() {
                if !isChoiceFilter {
                    throw fail("bare name \"\(name)\": write '\(name)' for text or ${\(name)} for a question")
                }
                if !choiceColumnNames.contains(name) {
                    throw fail("\"\(name)\" is not a column of \(choicesSheet)")
                }
            }
        }
        for group in groups {
            try check(group.relevant, row: group.row, column: "relevant")
        }
        for question in questions {
            try check(question.relevant, row: question.row, column: "relevant")
            try check(question.constraint, row: question.row, column: "constraint")
            try check(question.calculation, row: question.row, column: "calculation")
            try check(question.choiceFilter, row: question.row, column: "choice_filter", isChoiceFilter: true)
        }
    }
}

extension XLSFormCompiler {
    /// A sheet's header, read as XLSForm column names with optional `::language` suffixes.
    struct Columns {
        /// Raw header → (normalised base name, language code or nil).
        private var parsed: [(raw: String, base: String, language: String?)] = []

        init(_ header: [String]) {
            for raw in header where !raw.isEmpty {
                let parts = raw.components(separatedBy: "::")
                var base = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
                    .replacingOccurrences(of: " ", with: "_")
                base = Self.aliases[base] ?? base
                let language = parts.count > 1 ? Self.languageCode(parts.dropFirst().joined(separator: "::")) : nil
                parsed.append((raw, base, language?.isEmpty == true ? nil : language))
            }
        }

        static let aliases = [
            "jr:constraintmsg": "constraint_message", "constraint_msg": "constraint_message",
            "listname": "list_name", "choicefilter": "choice_filter",
        ]

        /// `Dutch (nl)` → `nl`; anything else trimmed.
        static func languageCode(_ text: String) -> String {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") {
                let code = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
                if !code.isEmpty { return String(code) }
            }
            return trimmed
        }

        func has(_ base: String) -> Bool { parsed.contains { $0.base == base } }

        /// The trimmed text of the unsuffixed column `base` (then of any suffixed one), `""` when absent.
        func value(_ base: String, in record: CSVReader.Record) -> String {
            let columns = parsed.filter { $0.base == base }.sorted { ($0.language == nil ? 0 : 1) < ($1.language == nil ? 0 : 1) }
            for column in columns {
                let text = (record[column.raw] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { return text }
            }
            return ""
        }

        /// The texts of `base` in every language, or `nil` when all are empty. A plain column is the default language.
        func localized(_ base: String, in record: CSVReader.Record, defaultLanguage: String) -> LocalizedText? {
            var texts: [String: String] = [:]
            for column in parsed where column.base == base {
                let text = (record[column.raw] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { continue }
                let language = column.language ?? defaultLanguage
                if column.language != nil || texts[language] == nil { texts[language] = text }
            }
            return texts.isEmpty ? nil : LocalizedText(texts, defaultLanguage: defaultLanguage)
        }

        /// The language suffixes used by the `bases` columns, in header order.
        func languages(of bases: [String]) -> [String] {
            var result: [String] = []
            for column in parsed where bases.contains(column.base) {
                if let language = column.language, !result.contains(language) { result.append(language) }
            }
            return result
        }

        /// Columns of the choices sheet other than `list_name`, `name` and `label`.
        var propertyColumns: [String] {
            parsed.filter { !["list_name", "name", "label"].contains($0.base) && $0.language == nil }.map(\.base)
        }
    }
}
