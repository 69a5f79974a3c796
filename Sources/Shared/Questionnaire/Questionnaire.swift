import Foundation
import Shared

/// A compiled, versioned questionnaire: the XLSForm vocabulary as a Codable model.
///
/// Build one with ``XLSFormCompiler``; relevance, validation and answer parsing are in
/// `Questionnaire+Validation.swift`.
public struct Questionnaire: Codable, Equatable, Sendable {
    /// The form id (`form_id`), e.g. `flankerend_onderwijsbeleid`.
    public var id: String
    /// The form version; interviews record it.
    public var version: String
    /// The form title.
    public var title: LocalizedText
    /// The language texts fall back to, e.g. `nl`.
    public var defaultLanguage: String
    /// All languages with texts, the default first.
    public var languages: [String]
    /// The groups in the order they begin; nested groups name their parent.
    public var groups: [QuestionGroup]
    /// All questions in form order.
    public var questions: [Question]
    /// The choice lists by list name, each in sheet order.
    public var choiceLists: [String: [Choice]]
    /// The question whose answer is the interview's mode (settings `mode_question`), if the form names one.
    public var modeQuestion: String?
    /// The choice of the mode question that means the respondent filled the form in themselves (settings
    /// `self_completion_mode`): a web self-completion stores it as the interview's mode.
    public var selfCompletionMode: String?
    /// The question whose answer is the respondent's function (settings `respondent_function_question`).
    public var respondentFunctionQuestion: String?
    /// Open questions whose answers help identify a respondent when read beside a quote (settings
    /// `quasi_identifiers`, names separated by spaces; the respondent function is one too).
    public var quasiIdentifierQuestions: [String]?
    /// Questions whose answers are personal data (settings `personal_data`, names separated by spaces):
    /// names, e-mail addresses, phone numbers of the people interviewed. Handled as ``PersonalData`` says.
    public var personalDataQuestions: [String]?

    /// The questions this form declares as personal data.
    public var personalQuestions: Set<String> { Set(personalDataQuestions ?? []) }

    /// Every question whose answer can help identify the respondent: the respondent function and the declared ones.
    public var quasiIdentifiers: Set<String> {
        Set((quasiIdentifierQuestions ?? []) + [respondentFunctionQuestion].compactMap { $0 })
    }

    /// Creates a questionnaire.
    public init(
        id: String, version: String, title: LocalizedText, defaultLanguage: String, languages: [String],
        groups: [QuestionGroup], questions: [Question], choiceLists: [String: [Choice]]
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.defaultLanguage = defaultLanguage
        self.languages = languages
        self.groups = groups
        self.questions = questions
        self.choiceLists = choiceLists
    }

    /// The question called `name`, if any.
    public func question(named name: String) -> Question? {
        questions.first { $0.name == name }
    }

    /// Orders version strings: numerically when both are numbers, else as text.
    public static func versionOrder(_ lhs: String, _ rhs: String) -> Bool {
        if let left = Double(lhs), let right = Double(rhs) { return left < right }
        return lhs < rhs
    }

    /// The group called `name`, if any.
    public func group(named name: String) -> QuestionGroup? {
        groups.first { $0.name == name }
    }

    /// All choices of a select question's list, in list order, ignoring any `choice_filter`;
    /// empty for other types.
    public func choices(for question: Question) -> [Choice] {
        question.type.choiceList.flatMap { choiceLists[$0] } ?? []
    }

    /// The choices offered given the answers so far: those of ``choices(for:)`` that pass the
    /// question's `choice_filter` (all of them without a filter). A filter that cannot be evaluated keeps the choice.
    public func availableChoices(for question: Question, answers: [String: JSONValue]) -> [Choice] {
        let all = choices(for: question)
        guard let filter = question.choiceFilter else { return all }
        return all.filter { choice in
            var columns = choice.properties
            columns["name"] = choice.name
            let context = ExpressionContext(answers: answers, current: answers[question.name], choice: columns)
            return (try? filter.evaluateBool(context)) ?? true
        }
    }

    /// The groups enclosing `question`, innermost first.
    public func enclosingGroups(of question: Question) -> [QuestionGroup] {
        var result: [QuestionGroup] = []
        var next = question.group
        while let name = next, let group = group(named: name), !result.contains(where: { $0.name == name }) {
            result.append(group)
            next = group.parent
        }
        return result
    }
}

extension Interview {
    /// The interview with its mode and respondent function taken from the answers to the questions
    /// the form names for them (``Questionnaire/modeQuestion``), where the interview does not set
    /// them itself. An answer that is not applicable, or empty, sets nothing.
    public func withMetadata(from form: Questionnaire) -> Interview {
        guard form.modeQuestion != nil || form.respondentFunctionQuestion != nil, mode == nil || respondentFunction == nil else { return self }
        let effective = form.effectiveAnswers(answers)
        func text(_ question: String?) -> String? {
            guard let question, let value = effective[question] else { return nil }
            let text: String
            switch value {
            case .string(let single): text = single
            case .array(let items): text = items.compactMap(\JSONValue.stringValue).joined(separator: " ")
            default: return nil
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : text
        }
        var interview = self
        interview.mode = mode ?? text(form.modeQuestion)
        interview.respondentFunction = respondentFunction ?? text(form.respondentFunctionQuestion)
        return interview
    }
}
