import Foundation
import Shared

/// Compiles an XLSForm (its `survey`, optional `choices` and optional `settings` sheets as CSV
/// text) into a ``Questionnaire``, reading what pyxform reads.
///
/// Columns read from `survey`: `type`, `name`, `label`, `hint`, `required`, `required_message`,
/// `relevant`, `constraint`, `constraint_message`, `choice_filter`, `calculation` (on a typed
/// question: a calculated default), `default`, `readonly`, `appearance`, under their XLSForm names
/// or pyxform's other spellings (`bind::relevant`, `relevance`, `bind:jr:constraintMsg`, …); from
/// `choices`: `list_name`, `name`, `label` and any other column (kept as ``Choice/properties`` for
/// `choice_filter`); from `settings`: `form_id` (or `id_string`), `version`, `form_title`,
/// `default_language`, and `mode_question` / `respondent_function_question` naming the questions
/// whose answers are the interview's mode and respondent function. Texts take a language suffix in
/// either spelling (`label::nl`, `label::English (en)`, `label:English`); a plain `label` is the
/// default language. Supported types: `select_one LIST`, `select_multiple LIST` (and the older
/// `select one from LIST`, `select all that apply from LIST`), `integer`, `decimal`, `text`,
/// `date`, `time`, `datetime`, `geopoint` (typed as latitude and longitude), `acknowledge`, `note`,
/// `calculate`, `begin_group`/`end_group` and `begin_repeat`/`end_repeat` with `repeat_count`
/// (nesting allowed; see docs/XLSFORM.md for what a repeat's expressions may refer to).
///
/// Never silently different from pyxform: a filled column or a type that XLSForm defines and
/// Veldwerk does not carry out (media, `parameters`, `trigger`, other `bind::` attributes, …)
/// refuses the form naming sheet, row, column and feature; columns outside XLSForm (notes for
/// the team) change nothing, as in pyxform. Every expression is parsed and every `${name}`, also in
/// labels, hints and messages, must be a question of the form, so a form that compiles can be
/// evaluated without surprises.
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
        survey: String, choices: String?, settings: String? = nil, defaultFormID: String? = nil,
        choiceFile: ((String) -> String?)? = nil
    ) throws -> Questionnaire {
        let surveyTable = try table(survey, sheet: surveySheet)
        let choicesTable = try table(choices ?? "", sheet: choicesSheet)
        let settingsTable = try settings.map { try table($0, sheet: settingsSheet) }
        let settingsRecord = settingsTable?.records.first
        let surveyColumns = Columns(surveyTable.header)
        let choiceColumns = Columns(choicesTable.header)
        let settingsColumns = Columns(settingsTable?.header ?? [])
        try checkColumns(surveyTable, columns: surveyColumns, choicesTable, columns: choiceColumns, settingsTable, columns: settingsColumns)

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
        let textColumns = ["label", "hint", "constraint_message", "required_message"]
        let suffixes = surveyColumns.languages(of: textColumns) + choiceColumns.languages(of: ["label"])
        let defaultLanguage = setting("default_language").map(Columns.languageCode)
            ?? suffixes.first
            ?? "default"
        var languages = [defaultLanguage]
        for language in suffixes where !languages.contains(language) { languages.append(language) }

        var choiceLists = try compileChoices(choicesTable, columns: choiceColumns, defaultLanguage: defaultLanguage)
        let (groups, questions) = try compileSurvey(
            surveyTable, columns: surveyColumns, defaultLanguage: defaultLanguage, choiceLists: &choiceLists,
            choiceFile: choiceFile
        )
        try checkReferences(
            groups: groups, questions: questions,
            choiceColumnNames: Set(["name"]).union(choiceColumns.propertyColumns)
                .union(choiceLists.values.flatMap { $0.flatMap(\.properties.keys) })
        )
        try checkTextReferences(groups: groups, questions: questions)

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
        for question in questions {
            guard let text = question.defaultValue else { continue }
            if form.defaultAnswer(for: question) == nil {
                throw XLSFormError(sheet: surveySheet, row: question.row, column: "default", reason: "\"\(text)\" is not \(question.type.expectedAnswer) of this question")
            }
        }
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

    /// A sheet's rows as pyxform reads them: a value in a column without a header does not make a
    /// row, and after 60 empty rows in a row the sheet has ended (what follows is left out).
    private static func table(_ text: String, sheet: String) throws -> CSVReader.Table {
        var table: CSVReader.Table
        do {
            table = try CSVReader.table(text)
        } catch CSVError.unterminatedQuote(let line) {
            throw XLSFormError(sheet: sheet, row: line, column: nil, reason: "a quoted field starts on this line and is never closed")
        }
        var records: [CSVReader.Record] = []
        var previousRow = 1
        for record in table.records where record.values.values.contains(where: { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            if record.row - previousRow - 1 > 60 { break }
            records.append(record)
            previousRow = record.row
        }
        table.records = records
        return table
    }

    // MARK: Choices

    /// The lists of a choices sheet; or, with `fileList`, the one list of a choices file
    /// (`select_one_from_file`), whose rows have no `list_name`.
    private static func compileChoices(
        _ table: CSVReader.Table, columns: Columns, defaultLanguage: String, sheet: String = choicesSheet, fileList: String? = nil
    ) throws -> [String: [Choice]] {
        // No choices sheet, or an empty one, is fine while no question needs a list.
        guard !table.records.isEmpty else { return [:] }
        for column in fileList == nil ? ["list_name", "name"] : ["name"] where !columns.has(column) {
            throw XLSFormError(sheet: sheet, row: 1, column: column, reason: "the header lacks this column")
        }
        var lists: [String: [Choice]] = [:]
        var rows: [String: [String: Int]] = [:]
        for record in table.records {
            func fail(_ column: String?, _ reason: String) -> XLSFormError {
                XLSFormError(sheet: sheet, row: record.row, column: column, reason: reason)
            }
            let list = fileList ?? columns.value("list_name", in: record)
            let name = columns.value("name", in: record)
            guard !list.isEmpty else { throw fail("list_name", "the choice has no list_name") }
            guard !name.isEmpty else { throw fail("name", "the choice in list \"\(list)\" has no name") }
            if let earlier = rows[list]?[name] {
                throw fail("name", "duplicate choice \"\(name)\" in list \"\(list)\" (also on row \(earlier))")
            }
            // pyxform accepts a choice without a label; its name is what people then see.
            let label = columns.localized("label", in: record, defaultLanguage: defaultLanguage)
                ?? LocalizedText([:], defaultLanguage: defaultLanguage)
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
        _ table: CSVReader.Table, columns: Columns, defaultLanguage: String, choiceLists: inout [String: [Choice]],
        choiceFile: ((String) -> String?)?
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
            if !typeWords.isEmpty, typeWords != "begin_repeat", !columns.value("repeat_count", in: record).isEmpty {
                throw fail("repeat_count", "only a begin_repeat row takes a repeat_count")
            }
            switch typeWords {
            case "" where name.isEmpty && columns.localized("label", in: record, defaultLanguage: defaultLanguage) == nil:
                continue  // A comment row, as pyxform reads it: no type, no name, no label.
            case "":
                throw fail("type", "the row has no type")
            case "begin_group", "begin_repeat":
                let isRepeat = typeWords == "begin_repeat"
                let kind = isRepeat ? "repeat" : "group"
                guard !name.isEmpty else { throw fail("name", "the \(kind) has no name") }
                try claim(name)
                let repeatCount = isRepeat ? try expression("repeat_count") : nil
                groups.append(QuestionGroup(
                    name: name,
                    label: columns.localized("label", in: record, defaultLanguage: defaultLanguage)
                        ?? LocalizedText([:], defaultLanguage: defaultLanguage),
                    relevant: try expression("relevant"),
                    parent: open.last.map { groups[$0].name },
                    row: record.row, isRepeat: isRepeat ? true : nil, repeatCount: repeatCount
                ))
                open.append(groups.count - 1)
            case "end_group", "end_repeat":
                let closesRepeat = typeWords == "end_repeat"
                guard let index = open.popLast() else {
                    throw fail("type", "\(typeWords) without a matching \(closesRepeat ? "begin_repeat" : "begin_group")")
                }
                if groups[index].repeats != closesRepeat {
                    let begun = groups[index].repeats ? "begin_repeat" : "begin_group"
                    throw fail("type", "\(typeWords) closes \(begun) \"\(groups[index].name)\" begun on row \(groups[index].row)")
                }
                if !name.isEmpty, name != groups[index].name {
                    throw fail("name", "\(typeWords) \"\(name)\" closes \(closesRepeat ? "repeat" : "group") \"\(groups[index].name)\" begun on row \(groups[index].row)")
                }
            default:
                // `or_other` / `or specify other`, as pyxform: the list gains a choice "other", and a
                // text question NAME_other, asked when it is chosen, follows the question.
                var rawType = rawType
                var orOther = false
                for suffix in [" or_other", " or specify other"] where rawType.hasSuffix(suffix) {
                    rawType = String(rawType.dropLast(suffix.count))
                    orOther = true
                }
                // `select_one_from_file places.csv`: the choices are the rows of a CSV file beside the form
                // (columns name, label, and any for a choice_filter), a list named after the file.
                let fromFile = rawType.split(whereSeparator: \.isWhitespace)
                if fromFile.count == 2, ["select_one_from_file", "select_multiple_from_file"].contains(fromFile[0]) {
                    let file = String(fromFile[1])
                    guard file.lowercased().hasSuffix(".csv") else {
                        throw fail("type", "choices from \(file) are not supported: give the choices as a .csv file")
                    }
                    if choiceLists[file] == nil {
                        guard let text = choiceFile?(file) else {
                            throw fail("type", "the choices file \(file) is not beside the form (or was not sent with it)")
                        }
                        let fileTable = try Self.table(text, sheet: file)
                        let fileColumns = Columns(fileTable.header)
                        let lists = try compileChoices(fileTable, columns: fileColumns, defaultLanguage: defaultLanguage, sheet: file, fileList: file)
                        choiceLists[file] = lists[file] ?? []
                    }
                    rawType = (fromFile[0] == "select_one_from_file" ? "select_one " : "select_multiple ") + file
                }
                if let feature = QuestionType.unsupportedFeature(xlsform: rawType) {
                    throw fail("type", "the form uses \(feature) (type \"\(rawType)\"), which Veldwerk does not support")
                }
                guard let type = QuestionType(xlsform: rawType) else {
                    throw fail("type", "unknown type \"\(rawType)\"; supported: select_one LIST, select_multiple LIST, integer, decimal, text, date, time, datetime, geopoint, acknowledge, note, calculate, begin_group, end_group, begin_repeat, end_repeat")
                }
                guard !name.isEmpty else { throw fail("name", "the \(type.xlsform) question has no name") }
                try claim(name)
                if let list = type.choiceList, choiceLists[list] == nil {
                    throw fail("type", "choice list \"\(list)\" is not in \(choicesSheet)")
                }
                let label = columns.localized("label", in: record, defaultLanguage: defaultLanguage)
                let hint = columns.localized("hint", in: record, defaultLanguage: defaultLanguage)
                if type != .calculate, type.metadataKind == nil, label == nil, hint == nil {
                    throw fail("label", "the question \"\(name)\" has no label")
                }
                func flag(_ column: String) throws -> Bool {
                    switch columns.value(column, in: record).lowercased() {
                    case "", "no", "false", "false()", "0", "n": return false
                    case "yes", "true", "true()", "1", "y": return true
                    case let other:
                        throw fail(column, "\"\(other)\" is not yes or no (expressions are not supported here)")
                    }
                }
                let required = try flag("required")
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
                question.requiredMessage = columns.localized("required_message", in: record, defaultLanguage: defaultLanguage)
                question.parameters = try rangeParameters(columns.value("parameters", in: record), type: type, fail: fail)
                if try flag("readonly") { question.readOnly = true }
                let defaultValue = columns.value("default", in: record)
                if !defaultValue.isEmpty {
                    guard type.isAnswerable else { throw fail("default", "a \(type.xlsform) question takes no default") }
                    if defaultValue.contains("${") || defaultValue.contains("()") {
                        throw fail("default", "the form uses a default computed by an expression (\(defaultValue)), which Veldwerk does not support; write it in the calculation column")
                    }
                    question.defaultValue = defaultValue
                }
                questions.append(question)
                if let index = open.last { groups[index].questionNames.append(name) }
                if orOther {
                    guard let list = type.choiceList, question.choiceFilter == nil else {
                        throw fail("type", "or_other goes with select_one or select_multiple without a choice_filter")
                    }
                    if choiceLists[list]?.contains(where: { $0.name == "other" }) == false {
                        let languages = Set(choiceLists[list, default: []].flatMap { $0.label.texts.keys })
                        let texts = Dictionary(uniqueKeysWithValues: (languages.isEmpty ? [defaultLanguage] : Array(languages)).map { ($0, "Other") })
                        choiceLists[list, default: []].append(Choice(name: "other", label: LocalizedText(texts, defaultLanguage: defaultLanguage)))
                    }
                    let otherName = name + "_other"
                    try claim(otherName)
                    let other = Question(
                        name: otherName, type: .text, label: LocalizedText("Specify other.", language: defaultLanguage),
                        relevant: try Expression("selected(${\(name)}, 'other')"), group: question.group, row: record.row
                    )
                    questions.append(other)
                    if let index = open.last { groups[index].questionNames.append(otherName) }
                }
            }
        }
        if let index = open.last {
            let group = groups[index]
            let (begin, end) = group.repeats ? ("begin_repeat", "end_repeat") : ("begin_group", "end_group")
            throw XLSFormError(sheet: surveySheet, row: group.row, column: "type", reason: "\(begin) \"\(group.name)\" is never closed with \(end)")
        }
        return (groups, questions)
    }

    /// Checks that every `${name}` names a question, and that bare names appear only in a
    /// `choice_filter`, as columns of the choices sheet.
    private static func checkReferences(
        groups: [QuestionGroup], questions: [Question], choiceColumnNames: Set<String>
    ) throws {
        let questionNames = Set(questions.map(\.name)).union(groups.filter(\.repeats).map(\.name))
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
                if !choiceColumnNames.contains(name.lowercased()) {
                    throw fail("\"\(name)\" is not a column of \(choicesSheet)")
                }
            }
        }
        for group in groups {
            try check(group.relevant, row: group.row, column: "relevant")
            try check(group.repeatCount, row: group.row, column: "repeat_count")
        }
        for question in questions {
            try check(question.relevant, row: question.row, column: "relevant")
            try check(question.constraint, row: question.row, column: "constraint")
            try check(question.calculation, row: question.row, column: "calculation")
            try check(question.choiceFilter, row: question.row, column: "choice_filter", isChoiceFilter: true)
        }
        try checkRepeatReferences(groups: groups, questions: questions)
    }
}

extension XLSFormCompiler {
    /// Refuses a form that uses a column Veldwerk does not carry out, naming the sheet, the first
    /// row that fills it, the column as written and the feature; and a header written twice.
    /// Columns outside the XLSForm vocabulary (notes for the team) change nothing, as in pyxform.
    static func checkColumns(
        _ survey: CSVReader.Table, columns surveyColumns: Columns,
        _ choices: CSVReader.Table, columns choiceColumns: Columns,
        _ settings: CSVReader.Table?, columns settingsColumns: Columns
    ) throws {
        for (sheet, columns) in [(surveySheet, surveyColumns), (choicesSheet, choiceColumns), (settingsSheet, settingsColumns)] {
            if let column = columns.duplicate {
                throw XLSFormError(sheet: sheet, row: 1, column: column.raw, reason: "the column is written twice (or under two of its names)")
            }
        }
        let unsupported = Set(surveyColumns.parsed.map(\.base).filter { unsupportedFeature(ofSurveyColumn: $0) != nil })
        if let (record, column) = surveyColumns.firstUse(of: unsupported, in: survey.records) {
            let feature = unsupportedFeature(ofSurveyColumn: column.base) ?? column.base
            throw XLSFormError(sheet: surveySheet, row: record.row, column: column.raw, reason: "the form uses \(feature), which Veldwerk does not support")
        }
        if let (record, column) = choiceColumns.firstUse(of: mediaColumns, in: choices.records) {
            throw XLSFormError(sheet: choicesSheet, row: record.row, column: column.raw, reason: "the form uses media (\(column.base)), which Veldwerk does not support")
        }
        for record in settings?.records ?? [] {
            for column in settingsColumns.parsed {
                guard let feature = unsupportedSettings[column.base] else { continue }
                let value = (record[column.raw] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                // `allow_choice_duplicates` set to no is what Veldwerk does anyway.
                if value.isEmpty || column.base == "allow_choice_duplicates" && ["no", "false", "false()"].contains(value) { continue }
                throw XLSFormError(sheet: settingsSheet, row: record.row, column: column.raw, reason: "the form uses \(feature), which Veldwerk does not support")
            }
        }
    }

    /// The `parameters` of a question: for `range`, `start`, `end` and `step` (ODK's defaults 1, 10,
    /// 1 filled in, as pyxform does); other parameters, or parameters of other types, are refused.
    static func rangeParameters(_ text: String, type: QuestionType, fail: (String?, String) -> XLSFormError) throws -> [String: String]? {
        let pairs = text.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "," }).map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        guard type == .range else {
            if text.isEmpty { return nil }
            throw fail("parameters", "the form uses question parameters (for a \(type.xlsform) question), which Veldwerk does not support")
        }
        var parameters = ["start": "1", "end": "10", "step": "1"]
        for pair in pairs {
            guard pair.count == 2, let key = Optional(pair[0].lowercased()), parameters[key] != nil else {
                throw fail("parameters", "\"\(pair.joined(separator: "="))\" is not supported: a range takes start=, end= and step=")
            }
            guard let number = Double(pair[1]), number.isFinite else { throw fail("parameters", "\(key)=\(pair[1]) is not a number") }
            if key == "step", number <= 0 { throw fail("parameters", "the step must be more than 0") }
            parameters[key] = pair[1]
        }
        return parameters
    }

    /// The CSV files the survey's `select_one_from_file` / `select_multiple_from_file` questions
    /// name, in order, for a client that sends them with the sheets. Unreadable text gives none.
    public static func choiceFileNames(survey: String) -> [String] {
        guard let table = try? CSVReader.table(survey) else { return [] }
        let columns = Columns(table.header)
        var names: [String] = []
        for record in table.records {
            let words = columns.value("type", in: record).split(whereSeparator: \.isWhitespace)
            guard words.count == 2, ["select_one_from_file", "select_multiple_from_file"].contains(words[0]) else { continue }
            if !names.contains(String(words[1])) { names.append(String(words[1])) }
        }
        return names
    }

    /// Settings that change what a device does with the form, which Veldwerk does not do.
    static let unsupportedSettings: [String: String] = [
        "public_key": "encrypting submissions with a public key", "submission_url": "a submission URL",
        "auto_send": "sending automatically", "auto_delete": "deleting after sending",
        "allow_choice_duplicates": "duplicate choice names", "instance_name": "naming interviews by a formula",
        "namespaces": "custom namespaces", "entities_version": "entities",
    ]

    /// The `${name}` references in a text (a label, hint or message), in order.
    static func references(inText text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            names.append(String(rest[start.upperBound..<end]).trimmingCharacters(in: .whitespaces))
            rest = rest[rest.index(after: end)...]
        }
        return names
    }

    /// Checks the `${name}` references of labels, hints and messages: each must name a question.
    static func checkTextReferences(groups: [QuestionGroup], questions: [Question]) throws {
        let names = Set(questions.map(\.name))
        func check(_ text: LocalizedText?, row: Int, column: String) throws {
            for value in text?.texts.values.sorted() ?? [] {
                for name in references(inText: value) where !names.contains(name) {
                    throw XLSFormError(sheet: surveySheet, row: row, column: column, reason: "unknown question ${\(name)} in the text")
                }
            }
        }
        for group in groups { try check(group.label, row: group.row, column: "label") }
        for question in questions {
            try check(question.label, row: question.row, column: "label")
            try check(question.hint, row: question.row, column: "hint")
            try check(question.constraintMessage, row: question.row, column: "constraint_message")
            try check(question.requiredMessage, row: question.row, column: "required_message")
        }
    }
}
