import Foundation

/// Relevance, validation and answer parsing.
///
/// Answers to questions that are not relevant are *ignored*, not errors: they stay stored (a
/// respondent may go back and change the answer that hid them) but ``effectiveAnswers(_:)`` drops
/// them, expressions see them as unanswered, and exports should leave them blank. An empty text
/// (`""`) or empty selection (`[]`) counts as unanswered.
extension Questionnaire {
    /// Whether the question `name` is asked given `answers`: its own `relevant` and those of all its
    /// enclosing groups hold. Answers to questions that are themselves not relevant count as
    /// unanswered. An unknown name is not relevant; a `relevant` that fails to evaluate counts as true.
    public func isRelevant(_ name: String, answers: [String: JSONValue]) -> Bool {
        relevance(answers).relevant[name] ?? false
    }

    /// The questions asked given `answers`, in form order. Includes `note` and `calculate`
    /// questions; use `type.isAnswerable` to pick those a person answers. `repeats` is what `count`,
    /// `sum` and `indexed-repeat` reach (none: 0, 0 and the empty string).
    public func relevantQuestions(answers: [String: JSONValue], repeats: RepeatScope? = nil) -> [Question] {
        let relevant = relevance(answers, repeats: repeats).relevant
        return questions.filter { relevant[$0.name] == true }
    }

    /// Required, relevant questions that have no (non-empty) answer, in form order.
    public func missingRequired(answers: [String: JSONValue]) -> [Question] {
        let (relevant, effective) = relevance(answers)
        // A default or calculated default the person left standing answers the question.
        return questions.filter {
            $0.required && $0.type.isAnswerable && relevant[$0.name] == true && Self.isEmpty(effective[$0.name])
        }
    }

    /// The answers as the form sees them: answers to relevant questions only, plus the value of
    /// each relevant `calculate` question. Answers to names that are not questions are dropped.
    /// `repeats` is what `count`, `sum` and `indexed-repeat` reach (none: 0, 0 and the empty string).
    public func effectiveAnswers(_ answers: [String: JSONValue], repeats: RepeatScope? = nil) -> [String: JSONValue] {
        relevance(answers, repeats: repeats).effective
    }

    /// Checks one answer for the question `name`, given the other answers.
    ///
    /// `nil`, `.null`, `""` and `[]` are no answer: an error only when the question is required and
    /// relevant. Otherwise the value must have the question's type (see ``QuestionType``), a select
    /// answer must use choices of the list (after `choice_filter`), a `select_multiple` may not
    /// repeat a choice, and, when the question is relevant, the constraint must hold with `.` = value.
    /// - Throws: `AnswerError`.
    public func validate(_ value: JSONValue?, for name: String, answers: [String: JSONValue]) throws {
        guard let question = question(named: name) else { throw AnswerError.unknownQuestion(name) }
        guard question.type.isAnswerable else { throw AnswerError.notAnswerable(name) }
        var withValue = answers
        withValue[name] = Self.isEmpty(value) ? nil : value
        let state = relevance(withValue)
        let relevant = state.relevant[name] == true

        guard let value, !Self.isEmpty(value) else {
            if question.required && relevant { throw AnswerError.required(question: name) }
            return
        }
        try checkType(value, for: question, answers: state.effective)

        guard relevant, let constraint = question.constraint else { return }
        let context = ExpressionContext(answers: state.effective, current: value)
        let holds = (try? constraint.evaluateBool(context)) ?? false
        if !holds {
            let message = question.constraintMessage?.text(defaultLanguage)
                ?? "the answer does not meet the condition \(constraint.source)"
            throw AnswerError.constraint(question: name, message: message.isEmpty ? constraint.source : message)
        }
    }

    /// The checks of ``validate(_:for:answers:)`` that hold whatever the other answers say: the
    /// question exists and takes an answer, and a non-empty value has its type (for a choice list
    /// with a `choice_filter`, a choice the other answers offer). Not `required`, not `constraint`.
    ///
    /// What the server checks on synced edits; relevance is only worked out when a filter needs it.
    public func validateStructure(_ value: JSONValue?, for name: String, answers: [String: JSONValue]) throws {
        guard let question = question(named: name) else { throw AnswerError.unknownQuestion(name) }
        guard question.type.isAnswerable else { throw AnswerError.notAnswerable(name) }
        guard let value, !Self.isEmpty(value) else { return }
        guard question.choiceFilter != nil else { return try checkType(value, for: question, answers: answers) }
        var withValue = answers
        withValue[name] = value
        try checkType(value, for: question, answers: relevance(withValue).effective)
    }

    /// Converts text typed on the command line into the answer for question `name`.
    ///
    /// - integer: `42`, `-3` (not `3.5` or `abc`) → `.int`
    /// - decimal: `2.5` or with a decimal comma `2,5` → `.double`
    /// - date: `2025-01-31`, a real calendar date → `.string`
    /// - select_one: a choice name, or its 1-based number in the offered list → `.string(name)`
    /// - select_multiple: names or numbers separated by spaces or commas → `.array` of names, without
    ///   repeats, in list order
    /// - text: the text as typed → `.string`
    ///
    /// A choice name that is itself a number wins over the position. Surrounding spaces are ignored
    /// except for text. Only the type is checked: call ``validate(_:for:answers:)`` for required and constraint.
    /// - Parameter answers: the other answers, for a `choice_filter`.
    /// - Throws: `AnswerError`.
    public func parseAnswer(_ text: String, for name: String, answers: [String: JSONValue] = [:]) throws -> JSONValue {
        guard let question = question(named: name) else { throw AnswerError.unknownQuestion(name) }
        if let character = ControlCharacters.firstForbidden(in: text, as: question.type == .text ? .multiLine : .singleLine) {
            throw AnswerError.controlCharacter(question: name, character: character)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        func wrong() -> AnswerError {
            .wrongType(question: name, expected: question.type.expectedAnswer, got: JSONValue.string(text).canonicalJSON)
        }
        switch question.type {
        case .note, .calculate:
            throw AnswerError.notAnswerable(name)
        case .text:
            return .string(text)
        case .integer:
            let digits = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed)
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }), let value = Int64(trimmed) else {
                throw wrong()
            }
            return .int(value)
        case .decimal:
            var normalized = trimmed
            if !normalized.contains("."), normalized.filter({ $0 == "," }).count == 1 {
                normalized = normalized.replacingOccurrences(of: ",", with: ".")
            }
            if normalized.hasPrefix("+") { normalized.removeFirst() }
            guard let value = ExpressionValue.decimal(normalized), value.isFinite else { throw wrong() }
            return .double(value)
        case .date:
            guard DateText.isDate(trimmed) else { throw wrong() }
            return .string(trimmed)
        case .time:
            guard let time = DateText.time(trimmed) else { throw wrong() }
            return .string(time)
        case .dateTime:
            guard let dateTime = DateText.dateTime(trimmed) else { throw wrong() }
            return .string(dateTime)
        case .acknowledge:
            guard ["ok", "yes", "y", "ja", "j"].contains(trimmed.lowercased()) else { throw wrong() }
            return .string("OK")
        case .geopoint:
            guard let point = DateText.geopoint(trimmed) else { throw wrong() }
            return .string(point)
        case .range:
            var normalized = trimmed
            if !normalized.contains("."), normalized.filter({ $0 == "," }).count == 1 {
                normalized = normalized.replacingOccurrences(of: ",", with: ".")
            }
            guard let number = ExpressionValue.decimal(normalized), let value = Self.rangeValue(number, for: question) else {
                throw AnswerError.wrongType(question: name, expected: Self.rangeDescription(question), got: JSONValue.string(text).canonicalJSON)
            }
            return value
        case .metadata(.today):
            guard DateText.isDate(trimmed) else { throw wrong() }
            return .string(trimmed)
        case .metadata(.start), .metadata(.end):
            guard Timestamp.milliseconds(trimmed) != nil else { throw wrong() }
            return .string(trimmed)
        case .metadata:
            return .string(trimmed)
        case .selectOne:
            let offered = availableChoices(for: question, answers: answers)
            guard !trimmed.isEmpty else { throw wrong() }
            return .string(try Self.choiceName(trimmed, in: offered, question: name))
        case .rank:
            let offered = availableChoices(for: question, answers: answers)
            let items = trimmed.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)
            let order = try items.map { try Self.choiceName($0, in: offered, question: name) }
            guard Set(order) == Set(offered.map(\.name)), order.count == offered.count else {
                throw AnswerError.wrongType(question: name, expected: "each of the \(offered.count) choices once, in order", got: JSONValue.string(text).canonicalJSON)
            }
            return .array(order.map(JSONValue.string))
        case .selectMultiple:
            let offered = availableChoices(for: question, answers: answers)
            let items = trimmed.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)
            guard !items.isEmpty else { throw wrong() }
            let chosen = Set(try items.map { try Self.choiceName($0, in: offered, question: name) })
            return .array(offered.map(\.name).filter(chosen.contains).map(JSONValue.string))
        }
    }

    // MARK: Helpers

    /// Whether `value` is no answer: `nil`, `.null`, `""` or `[]`.
    public static func isEmpty(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return true
        case .string(let text)?: return text.isEmpty
        case .array(let items)?: return items.isEmpty
        default: return false
        }
    }

    /// A text answer keeps newline and tab; a choice name, a date and any other string no control character.
    private static func checkControlCharacters(_ value: JSONValue, for question: Question) throws {
        let kind: ControlCharacters.Kind = question.type == .text ? .multiLine : .singleLine
        let texts: [String]
        switch value {
        case .string(let text): texts = [text]
        case .array(let items): texts = items.compactMap(\.stringValue)
        default: texts = []
        }
        for text in texts {
            if let character = ControlCharacters.firstForbidden(in: text, as: kind) {
                throw AnswerError.controlCharacter(question: question.name, character: character)
            }
        }
    }

    private static func choiceName(_ item: String, in offered: [Choice], question: String) throws -> String {
        if let choice = offered.first(where: { $0.name == item }) { return choice.name }
        if item.allSatisfy({ ("0"..."9").contains($0) }), let number = Int(item), number >= 1, number <= offered.count {
            return offered[number - 1].name
        }
        if let choice = offered.first(where: { $0.name.caseInsensitiveCompare(item) == .orderedSame }) { return choice.name }
        throw AnswerError.unknownChoice(question: question, choice: item, allowed: offered.map(\.name))
    }

    private func checkType(_ value: JSONValue, for question: Question, answers: [String: JSONValue]) throws {
        let name = question.name
        try Self.checkControlCharacters(value, for: question)
        let wrong = AnswerError.wrongType(question: name, expected: question.type.expectedAnswer, got: value.canonicalJSON)
        switch question.type {
        case .note, .calculate:
            throw AnswerError.notAnswerable(name)
        case .integer:
            switch value {
            case .int: return
            case .double(let number) where number.isFinite && number == number.rounded() && abs(number) < 9e15: return
            default: throw wrong
            }
        case .decimal:
            guard let number = value.doubleValue, number.isFinite else { throw wrong }
        case .range:
            guard let number = value.doubleValue, Self.rangeValue(number, for: question) != nil else {
                throw AnswerError.wrongType(question: name, expected: Self.rangeDescription(question), got: value.canonicalJSON)
            }
        case .text:
            guard value.stringValue != nil else { throw wrong }
        case .date:
            guard let text = value.stringValue, DateText.isDate(text) else { throw wrong }
        case .time:
            guard let text = value.stringValue, DateText.time(text) == text else { throw wrong }
        case .dateTime:
            guard let text = value.stringValue, DateText.dateTime(text) == text else { throw wrong }
        case .acknowledge:
            guard value.stringValue == "OK" else { throw wrong }
        case .geopoint:
            guard let text = value.stringValue, DateText.geopoint(text) == text else { throw wrong }
        case .metadata(.today):
            guard let text = value.stringValue, DateText.isDate(text) else { throw wrong }
        case .metadata(.start), .metadata(.end):
            guard let text = value.stringValue, Timestamp.milliseconds(text) != nil else { throw wrong }
        case .metadata:
            guard value.stringValue != nil else { throw wrong }
        case .selectOne:
            guard let choice = value.stringValue else { throw wrong }
            let allowed = availableChoices(for: question, answers: answers).map(\.name)
            if !allowed.contains(choice) {
                throw AnswerError.unknownChoice(question: name, choice: choice, allowed: allowed)
            }
        case .rank:
            guard let order = value.stringArrayValue else { throw wrong }
            let allowed = availableChoices(for: question, answers: answers).map(\.name)
            if let bad = order.first(where: { !allowed.contains($0) }) {
                throw AnswerError.unknownChoice(question: name, choice: bad, allowed: allowed)
            }
            guard Set(order) == Set(allowed), order.count == allowed.count else {
                throw AnswerError.wrongType(question: name, expected: "each of the \(allowed.count) choices once, in order", got: value.canonicalJSON)
            }
        case .selectMultiple:
            guard let choices = value.stringArrayValue else { throw wrong }
            let allowed = availableChoices(for: question, answers: answers).map(\.name)
            if let bad = choices.first(where: { !allowed.contains($0) }) {
                throw AnswerError.unknownChoice(question: name, choice: bad, allowed: allowed)
            }
            if Set(choices).count != choices.count {
                throw AnswerError.wrongType(question: name, expected: "a list of different choice names", got: value.canonicalJSON)
            }
        }
    }

    /// Relevance of every question, and the answers the form sees, found by repeated passes in
    /// form order until nothing changes (a hidden question's answer counts as unanswered, which may
    /// hide further questions).
    private func relevance(_ answers: [String: JSONValue], repeats: RepeatScope? = nil) -> (relevant: [String: Bool], effective: [String: JSONValue]) {
        var effective: [String: JSONValue] = [:]
        for question in questions where question.type != .calculate {
            if let value = answers[question.name], !Self.isEmpty(value) { effective[question.name] = value }
            else if answers[question.name] == nil, let value = defaultAnswer(for: question) { effective[question.name] = value }
        }
        var relevant: [String: Bool] = [:]
        for _ in 0...(questions.count + 1) {
            var changed = false
            var groupRelevant: [String: Bool] = [:]
            for group in groups {
                let parentRelevant = group.parent.map { groupRelevant[$0] ?? true } ?? true
                groupRelevant[group.name] = parentRelevant && Self.holds(group.relevant, answers: effective, current: nil, repeats: repeats)
            }
            for question in questions {
                let inGroups = question.group.map { groupRelevant[$0] ?? true } ?? true
                let isRelevant = inGroups && Self.holds(question.relevant, answers: effective, current: effective[question.name], repeats: repeats)
                relevant[question.name] = isRelevant
                var value: JSONValue?
                if question.type == .calculate {
                    value = isRelevant ? question.calculation.flatMap { Self.calculate($0, answers: effective, repeats: repeats) } : nil
                } else if isRelevant, let answer = answers[question.name] {
                    value = Self.isEmpty(answer) ? nil : answer
                } else if isRelevant {
                    // Never answered: the `default`, else a `calculation` on a typed question (a calculated default).
                    value = defaultAnswer(for: question) ?? question.calculation.flatMap { Self.calculate($0, answers: effective, repeats: repeats) }
                }
                if effective[question.name] != value {
                    effective[question.name] = value
                    changed = true
                }
            }
            if !changed { break }
        }
        return (relevant, effective)
    }

    /// A range answer: the number when it lies between the bounds on a step from `start`, as
    /// `.int` when bounds and step are whole numbers; else `nil`.
    static func rangeValue(_ number: Double, for question: Question) -> JSONValue? {
        let (start, end, step) = question.rangeBounds
        guard number.isFinite, number >= min(start, end) - 1e-9, number <= max(start, end) + 1e-9, step > 0 else { return nil }
        let steps = abs(number - start) / step
        guard abs(steps - steps.rounded()) < 1e-9 else { return nil }
        let whole = [start, end, step].allSatisfy { $0 == $0.rounded() }
        return whole && number == number.rounded() && abs(number) < 9e15 ? .int(Int64(number)) : .double(number)
    }

    /// `a number from 0 to 5 in steps of 0.5`.
    public static func rangeDescription(_ question: Question) -> String {
        let (start, end, step) = question.rangeBounds
        let text = { (number: Double) in ExpressionValue.number(number).text }
        return "a number from \(text(start)) to \(text(end))" + (step == 1 ? "" : " in steps of \(text(step))")
    }

    /// The answer an unanswered question starts with: its `default` read as a typed answer
    /// (`nil` when there is none, or when it is not an answer of the question's type).
    public func defaultAnswer(for question: Question) -> JSONValue? {
        guard let text = question.defaultValue, question.type.isAnswerable else { return nil }
        if let list = question.type.choiceList {
            let names = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            let choices = choiceLists[list] ?? []
            guard !names.isEmpty, names.allSatisfy({ name in choices.contains { $0.name == name } }) else { return nil }
            if case .selectOne = question.type { return names.count == 1 ? .string(names[0]) : nil }
            return .array(choices.map(\.name).filter(names.contains).map { .string($0) })
        }
        return try? parseAnswer(text, for: question.name)
    }

    private static func holds(_ expression: Expression?, answers: [String: JSONValue], current: JSONValue?, repeats: RepeatScope?) -> Bool {
        guard let expression else { return true }
        return (try? expression.evaluateBool(ExpressionContext(answers: answers, current: current, repeats: repeats))) ?? true
    }

    private static func calculate(_ expression: Expression, answers: [String: JSONValue], repeats: RepeatScope?) -> JSONValue? {
        guard let value = try? expression.evaluate(ExpressionContext(answers: answers, repeats: repeats)) else { return nil }
        switch value {
        case .string(let text): return text.isEmpty ? nil : .string(text)
        case .boolean(let flag): return .bool(flag)
        case .number(let number):
            guard number.isFinite else { return nil }
            if number == number.rounded(), abs(number) < 9e15 { return .int(Int64(number)) }
            return .double(number)
        }
    }
}
