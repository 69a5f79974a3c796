import Foundation

/// One question of a questionnaire (a row of the `survey` sheet that is not a group boundary).
public struct Question: Codable, Equatable, Sendable {
    /// The unique name answers are stored under, e.g. `a_modus`.
    public var name: String
    /// What answer it takes.
    public var type: QuestionType
    /// The question text.
    public var label: LocalizedText
    /// Guidance for the interviewer, if any.
    public var hint: LocalizedText?
    /// Whether a relevant question must be answered before the interview is complete.
    public var required: Bool
    /// When the question is asked; `nil` means always (within its groups).
    public var relevant: Expression?
    /// What a non-empty answer must satisfy; `.` is the answer.
    public var constraint: Expression?
    /// The message shown when the constraint fails.
    public var constraintMessage: LocalizedText?
    /// Which choices are offered: evaluated per choice, bare names are the choice's columns.
    public var choiceFilter: Expression?
    /// How a `calculate` question's value is computed.
    public var calculation: Expression?
    /// The name of the innermost enclosing group, if any.
    public var group: String?
    /// The row of the survey sheet it came from (the header is row 1).
    public var row: Int
    /// The XLSForm `appearance` (e.g. `multiline`: a text answer of several lines), if any.
    public var appearance: String?

    /// The `default` column as written: the answer an unanswered question starts with (see
    /// ``Questionnaire/defaultAnswer(for:)``).
    public var defaultValue: String?
    /// `readonly`: the question shows its value (a default or a calculation) and takes no typed answer.
    public var readOnly: Bool?
    /// The message shown when a required question is left unanswered (`required_message`).
    public var requiredMessage: LocalizedText?

    /// The `parameters` column, read for `range` (`start`, `end`, `step`, with ODK's defaults 1, 10, 1).
    public var parameters: [String: String]?

    /// A range question's bounds and step, from ``parameters``.
    public var rangeBounds: (start: Double, end: Double, step: Double) {
        let number = { (key: String, fallback: Double) in self.parameters?[key].flatMap(Double.init) ?? fallback }
        return (number("start", 1), number("end", 10), number("step", 1))
    }

    /// Whether a person may type an answer: an answerable type that is not read-only.
    public var isEditable: Bool {
        if case .metadata = type { return false }
        return type.isAnswerable && readOnly != true
    }

    /// Whether a text answer may take several lines (`appearance` `multiline`); otherwise Enter ends it.
    public var isMultiline: Bool {
        appearance?.split(separator: " ").contains { $0.lowercased() == "multiline" } ?? false
    }

    /// Creates a question.
    public init(
        name: String, type: QuestionType, label: LocalizedText, hint: LocalizedText? = nil, required: Bool = false,
        relevant: Expression? = nil, constraint: Expression? = nil, constraintMessage: LocalizedText? = nil,
        choiceFilter: Expression? = nil, calculation: Expression? = nil, group: String? = nil, row: Int = 0
    ) {
        self.name = name
        self.type = type
        self.label = label
        self.hint = hint
        self.required = required
        self.relevant = relevant
        self.constraint = constraint
        self.constraintMessage = constraintMessage
        self.choiceFilter = choiceFilter
        self.calculation = calculation
        self.group = group
        self.row = row
    }
}
