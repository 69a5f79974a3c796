import Foundation
import Shared

/// Shows answers and field values in words: question labels and choice labels from the questionnaire.
struct AnswerFormatter: Sendable {
    let form: Questionnaire?
    /// The language of labels; the questionnaire's default when nil.
    var language: String?
    /// The interview's answers, which fill the `${name}` references of labels.
    var answers: [String: JSONValue]

    init(form: Questionnaire?, language: String? = nil, answers: [String: JSONValue] = [:]) {
        self.form = form
        self.language = language
        self.answers = answers
    }

    /// The question's label for an `answers.<q>` or `flags.<q>` field, else the field name.
    func label(forField field: String) -> String {
        for prefix in [Interview.Field.answerPrefix, Interview.Field.flagPrefix] where field.hasPrefix(prefix) {
            let name = String(field.dropFirst(prefix.count))
            if let form, let question = form.question(named: name) {
                let text = form.render(question.label.text(language), answers: answers)
                return text.isEmpty ? name : text
            }
            return name
        }
        return Interview.Field.words(field) ?? field
    }

    /// A value in words: choice labels for select questions, "(empty)" for none.
    func display(_ value: JSONValue?, field: String) -> String {
        guard let value, value != .null else { return localized(nl: "(leeg)", en: "(empty)") }
        if field == Interview.Field.state, let state = value.stringValue.flatMap(Interview.State.init(rawValue:)) { return state.words }
        var question: Question?
        if field.hasPrefix(Interview.Field.answerPrefix) {
            question = form?.question(named: String(field.dropFirst(Interview.Field.answerPrefix.count)))
        } else if field == Interview.Field.mode {
            // The mode copies an answer of the form's mode question: shown with that question's labels.
            question = form?.modeQuestion.flatMap { form?.question(named: $0) }
        }
        let choices = question.flatMap { question in form?.choices(for: question) } ?? []
        func choiceLabel(_ name: String) -> String {
            guard let choice = choices.first(where: { $0.name == name }) else { return name }
            let text = choice.label.text(language)
            return text.isEmpty ? name : text
        }
        switch value {
        case .string(let text): return choices.isEmpty ? text : choiceLabel(text)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? localized(nl: "ja", en: "yes") : localized(nl: "nee", en: "no")
        case .array(let items):
            return items.map { item in item.stringValue.map(choiceLabel) ?? item.canonicalJSON }.joined(separator: "; ")
        case .object, .null: return value.canonicalJSON
        }
    }
}
