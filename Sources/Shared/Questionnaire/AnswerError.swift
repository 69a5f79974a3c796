import Foundation

/// An answer the questionnaire does not accept, described so an interviewer can correct it.
public enum AnswerError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No question has this name.
    case unknownQuestion(String)
    /// The question is a `note` or `calculate` and takes no answer.
    case notAnswerable(String)
    /// The answer is not of the question's type; `got` is the offending input, quoted.
    case wrongType(question: String, expected: String, got: String)
    /// The choice is not in the question's (filtered) list.
    case unknownChoice(question: String, choice: String, allowed: [String])
    /// The question is required and relevant but has no answer.
    case required(question: String)
    /// The answer fails the question's constraint; `message` is the form's `constraint_message`.
    case constraint(question: String, message: String)
    /// The answer holds a control character it may not: a text answer keeps only newline and tab,
    /// every other answer none (see ``ControlCharacters``).
    case controlCharacter(question: String, character: Unicode.Scalar)

    /// The question concerned.
    public var question: String {
        switch self {
        case .unknownQuestion(let name), .notAnswerable(let name): return name
        case .wrongType(let name, _, _), .unknownChoice(let name, _, _), .required(let name), .constraint(let name, _),
            .controlCharacter(let name, _):
            return name
        }
    }

    /// E.g. `a_aantal_respondenten expects a whole number; got "abc"`.
    public var description: String {
        switch self {
        case .unknownQuestion(let name):
            return "there is no question \(name) in this questionnaire"
        case .notAnswerable(let name):
            return "\(name) is a note or calculation and takes no answer"
        case .wrongType(let name, let expected, let got):
            return "\(name) expects \(expected); got \(got)"
        case .unknownChoice(let name, let choice, let allowed):
            let numbered = allowed.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", ")
            return "\(name) has no choice \"\(choice)\"; choose one of: \(numbered)"
        case .required(let name):
            return "\(name) is required; give an answer"
        case .constraint(let name, let message):
            return "\(name): \(message)"
        case .controlCharacter(let name, let character):
            return "\(name): \(Self.controlCharacterSentence(character))"
        }
    }

    /// `The answer holds U+001B (escape, as an arrow key sends): type it again without arrow keys`.
    public static func controlCharacterSentence(_ character: Unicode.Scalar) -> String {
        let advice = character == "\u{1B}" ? "type it again without arrow keys" : "type it again without it"
        return "The answer holds \(ControlCharacters.describe(character)): \(advice)"
    }

    public var errorDescription: String? { description }
}

extension AnswerError {
    /// Whether the error depends on other answers or on completeness rather than on the value's type.
    public var isContextual: Bool {
        switch self {
        case .required, .constraint: return true
        default: return false
        }
    }
}
