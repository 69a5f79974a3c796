import Foundation

/// The kind of a question: what answer it takes. Encoded as its XLSForm spelling, e.g. `"select_one jnw"`.
public enum QuestionType: Hashable, Sendable, CustomStringConvertible {
    /// One choice from `list`; answered with `.string(choiceName)`.
    case selectOne(list: String)
    /// Any number of choices from `list`; answered with `.array` of `.string` names in list order.
    case selectMultiple(list: String)
    /// A whole number; answered with `.int`.
    case integer
    /// A number; answered with `.double` (an `.int` is accepted).
    case decimal
    /// Free text; answered with `.string`.
    case text
    /// A calendar date; answered with `.string("YYYY-MM-DD")`.
    case date
    /// Text shown to the interviewer; takes no answer.
    case note
    /// A value computed from other answers by the question's `calculation`; takes no answer.
    case calculate

    /// Reads an XLSForm `type` cell (`select_one jnw`, `select one jnw`, `integer`, `int`, `text`,
    /// `string`, …), or `nil` when the type is not supported.
    public init?(xlsform: String) {
        let words = xlsform.split(whereSeparator: \.isWhitespace).map(String.init)
        switch words.count {
        case 1:
            switch words[0] {
            case "integer", "int": self = .integer
            case "decimal": self = .decimal
            case "text", "string": self = .text
            case "date": self = .date
            case "note": self = .note
            case "calculate": self = .calculate
            default: return nil
            }
        case 2:
            switch words[0] {
            case "select_one", "select1": self = .selectOne(list: words[1])
            case "select_multiple": self = .selectMultiple(list: words[1])
            default: return nil
            }
        case 3 where words[0] == "select" && words[1] == "one" || words[0] == "select" && words[1] == "multiple":
            self = words[1] == "one" ? .selectOne(list: words[2]) : .selectMultiple(list: words[2])
        default:
            return nil
        }
    }

    /// The XLSForm spelling, e.g. `select_multiple doel`.
    public var xlsform: String {
        switch self {
        case .selectOne(let list): return "select_one \(list)"
        case .selectMultiple(let list): return "select_multiple \(list)"
        case .integer: return "integer"
        case .decimal: return "decimal"
        case .text: return "text"
        case .date: return "date"
        case .note: return "note"
        case .calculate: return "calculate"
        }
    }

    public var description: String { xlsform }

    /// The choice list of a select question, `nil` for other types.
    public var choiceList: String? {
        switch self {
        case .selectOne(let list), .selectMultiple(let list): return list
        default: return nil
        }
    }

    /// Whether a person answers it (`false` for `note` and `calculate`).
    public var isAnswerable: Bool {
        switch self {
        case .note, .calculate: return false
        default: return true
        }
    }

    /// What an answer must be, for messages: e.g. `a whole number`.
    public var expectedAnswer: String {
        switch self {
        case .selectOne: return "one choice name"
        case .selectMultiple: return "a list of choice names"
        case .integer: return "a whole number"
        case .decimal: return "a number"
        case .text: return "text"
        case .date: return "a date written YYYY-MM-DD"
        case .note, .calculate: return "no answer"
        }
    }
}

extension QuestionType: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let type = QuestionType(xlsform: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Unknown question type \"\(text)\".")
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(xlsform)
    }
}
