import Foundation

/// An XLSForm expression (`relevant`, `constraint`, `calculation`, `choice_filter`), parsed once.
///
/// The syntax is the XPath subset XLSForms use:
/// - operands: `${name}` (an answer), `.` (the answer being checked), `'text'` or `"text"`, numbers,
///   parentheses, and bare names (`name`, `province`), which only mean something in a
///   `choice_filter`, where they are the choice's columns;
/// - operators from loosest to tightest: `or`; `and`; `=` `!=`; `<` `<=` `>` `>=`; `+` `-`;
///   `*` `div` `mod`; unary `-`;
/// - functions: see ``Function``.
///
/// It is Codable as its source text and compares equal by source text.
///
/// ```swift
/// let relevant = try Expression("${a_dienst} = 'andere'")
/// try relevant.evaluateBool(ExpressionContext(answers: ["a_dienst": .string("andere")]))  // true
/// ```
public struct Expression: Hashable, Sendable, CustomStringConvertible {
    /// The text the expression was parsed from.
    public let source: String
    /// The syntax tree.
    public let root: Node

    /// Parses `source`.
    /// - Throws: `ExpressionError` with the position of the first syntax error, an unknown function,
    ///   a wrong number of arguments, or a `regex` pattern that does not compile.
    public init(_ source: String) throws {
        self.source = source
        self.root = try ExpressionParser.parse(source)
    }

    /// A node of the syntax tree.
    public indirect enum Node: Hashable, Sendable {
        /// A string literal.
        case string(String)
        /// A number literal.
        case number(Double)
        /// `${name}`: the answer to a question.
        case reference(String)
        /// `.`: the answer being checked.
        case current
        /// A bare name: a column of the choice a `choice_filter` is testing.
        case choiceColumn(String)
        /// Unary minus.
        case negate(Node)
        /// A binary operator.
        case binary(BinaryOperator, Node, Node)
        /// A function call.
        case call(Function, [Node])
    }

    /// The binary operators, loosest first.
    public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
        case or, and
        case equal = "=", notEqual = "!="
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case add = "+", subtract = "-"
        case multiply = "*", divide = "div", modulo = "mod"
    }

    /// The functions an expression may call.
    public enum Function: String, Hashable, Sendable, CaseIterable {
        /// `selected(list, 'name')`: whether a select answer includes the choice.
        case selected
        /// `count-selected(list)`: how many choices a select answer has (0 when unanswered).
        case countSelected = "count-selected"
        /// `string-length(x)`: the number of characters (`string-length()` is that of `.`).
        case stringLength = "string-length"
        /// `regex(x, 'pattern')`: whether the pattern matches anywhere in the text, as ODK Collect's
        /// Java `Matcher.find()` does; anchor with `^…$` to match the whole text. ICU syntax (NSRegularExpression).
        case regex
        /// `today()`: today's date `YYYY-MM-DD` (from the context).
        case today
        /// `if(condition, then, else)`.
        case `if`
        /// `number(x)`: XPath number conversion; a `YYYY-MM-DD` date becomes days since 1970-01-01.
        case number
        /// `string(x)`: XPath string conversion (`string()` is that of `.`).
        case string
        /// `boolean(x)`: XPath boolean conversion.
        case boolean
        /// `int(x)`: the number truncated toward zero.
        case int
        /// `coalesce(a, b, …)`: the first argument whose text is not empty.
        case coalesce
        /// `concat(a, b, …)`: the texts joined.
        case concat
        /// `contains(text, part)`.
        case contains
        /// `starts-with(text, prefix)`.
        case startsWith = "starts-with"
        /// `not(x)`.
        case not
        /// `true()`.
        case `true`
        /// `false()`.
        case `false`
        /// `position(..)`: the number (from 1) of the repeat instance being asked.
        case position
        /// `count(${repeat})`: how many instances a repeat has (within the current instance of an enclosing repeat).
        case count
        /// `sum(${question})`: the sum of a question's numeric answers over the instances of its repeat.
        case sum
        /// `indexed-repeat(${question}, ${repeat}, n)`: the answer in the repeat's n-th instance.
        case indexedRepeat = "indexed-repeat"

        /// How many arguments the function takes.
        public var arity: ClosedRange<Int> {
            switch self {
            case .today, .true, .false, .position: return 0...0
            case .stringLength, .string: return 0...1
            case .countSelected, .number, .boolean, .int, .not, .count, .sum: return 1...1
            case .selected, .regex, .contains, .startsWith: return 2...2
            case .if, .indexedRepeat: return 3...3
            case .coalesce: return 2...Int.max
            case .concat: return 0...Int.max
            }
        }
    }

    public var description: String { source }

    /// The question names referred to as `${name}`.
    public func referencedNames() -> Set<String> {
        var names: Set<String> = []
        root.visit { if case .reference(let name) = $0 { names.insert(name) } }
        return names
    }

    /// The bare names used (choice columns in a `choice_filter`; an error elsewhere).
    public func choiceColumnNames() -> Set<String> {
        var names: Set<String> = []
        root.visit { if case .choiceColumn(let name) = $0 { names.insert(name) } }
        return names
    }

    /// Whether the expression uses `.`.
    public var usesCurrent: Bool {
        var found = false
        root.visit { if case .current = $0 { found = true } }
        return found
    }

    public static func == (lhs: Expression, rhs: Expression) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}

extension Expression.Node {
    /// Calls `body` on this node and every node below it, parents first.
    func visit(_ body: (Expression.Node) -> Void) {
        body(self)
        switch self {
        case .string, .number, .reference, .current, .choiceColumn: break
        case .negate(let operand): operand.visit(body)
        case .binary(_, let left, let right):
            left.visit(body)
            right.visit(body)
        case .call(_, let arguments):
            for argument in arguments { argument.visit(body) }
        }
    }
}

extension Expression: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let source = try container.decode(String.self)
        do {
            try self.init(source)
        } catch let error as ExpressionError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(source)
    }
}
