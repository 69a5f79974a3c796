import Foundation

extension Expression {
    /// Evaluates the expression with XPath 1.0 semantics.
    ///
    /// An unanswered question is the empty string, so `${x} = 'ja'` is false and `${x} != 'ja'` is
    /// true while `x` is unanswered, `${n} > 3` is false (the empty string is NaN as a number), and
    /// `count-selected(${x})` is 0.
    /// - Throws: `ExpressionError` when a `regex` pattern computed at run time does not compile.
    public func evaluate(_ context: ExpressionContext) throws -> ExpressionValue {
        try root.evaluate(context, source: source)
    }

    /// Evaluates the expression and converts the result with XPath `boolean()`.
    public func evaluateBool(_ context: ExpressionContext) throws -> Bool {
        try evaluate(context).bool
    }
}

extension Expression.Node {
    func evaluate(_ context: ExpressionContext, source: String) throws -> ExpressionValue {
        switch self {
        case .string(let text): return .string(text)
        case .number(let value): return .number(value)
        case .reference(let name):
            if let inRepeat = context.repeats?.answer(name) { return ExpressionValue(answer: inRepeat) }
            return ExpressionValue(answer: context.answers[name])
        case .current: return ExpressionValue(answer: context.current)
        case .choiceColumn(let name): return .string(context.choice?[name] ?? context.choice?[name.lowercased()] ?? "")
        case .negate(let operand): return .number(-(try operand.evaluate(context, source: source).number))
        case .binary(let op, let left, let right):
            return try Self.apply(op, left, right, context, source: source)
        case .call(let function, let arguments):
            return try Self.call(function, arguments, context, source: source)
        }
    }

    private static func apply(
        _ op: Expression.BinaryOperator, _ leftNode: Expression.Node, _ rightNode: Expression.Node,
        _ context: ExpressionContext, source: String
    ) throws -> ExpressionValue {
        let left = try leftNode.evaluate(context, source: source)
        switch op {
        case .or:
            if left.bool { return .boolean(true) }
            return .boolean(try rightNode.evaluate(context, source: source).bool)
        case .and:
            if !left.bool { return .boolean(false) }
            return .boolean(try rightNode.evaluate(context, source: source).bool)
        default: break
        }
        let right = try rightNode.evaluate(context, source: source)
        switch op {
        case .equal: return .boolean(equal(left, right))
        case .notEqual: return .boolean(!equal(left, right))
        case .less: return .boolean(left.number < right.number)
        case .lessOrEqual: return .boolean(left.number <= right.number)
        case .greater: return .boolean(left.number > right.number)
        case .greaterOrEqual: return .boolean(left.number >= right.number)
        case .add: return .number(left.number + right.number)
        case .subtract: return .number(left.number - right.number)
        case .multiply: return .number(left.number * right.number)
        case .divide: return .number(left.number / right.number)
        case .modulo: return .number(fmod(left.number, right.number))
        case .or, .and: return .boolean(false)  // handled above
        }
    }

    /// XPath `=`: as booleans if either side is one, else as numbers if either is one, else as text.
    private static func equal(_ left: ExpressionValue, _ right: ExpressionValue) -> Bool {
        switch (left, right) {
        case (.boolean, _), (_, .boolean): return left.bool == right.bool
        case (.number, _), (_, .number): return left.number == right.number
        default: return left.text == right.text
        }
    }

    private static func call(
        _ function: Expression.Function, _ arguments: [Expression.Node], _ context: ExpressionContext, source: String
    ) throws -> ExpressionValue {
        func argument(_ index: Int) throws -> ExpressionValue {
            guard index < arguments.count else { return ExpressionValue(answer: context.current) }
            return try arguments[index].evaluate(context, source: source)
        }
        func items(_ value: ExpressionValue) -> [Substring] {
            value.text.split(whereSeparator: \.isWhitespace)
        }

        switch function {
        case .selected:
            let wanted = try argument(1).text.trimmingCharacters(in: .whitespaces)
            return .boolean(items(try argument(0)).contains { $0 == wanted })
        case .countSelected:
            return .number(Double(items(try argument(0)).count))
        case .stringLength:
            return .number(Double(try argument(0).text.count))
        case .regex:
            let text = try argument(0).text
            let pattern = try argument(1).text
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: pattern)
            } catch {
                throw ExpressionError(message: "regex pattern '\(pattern)' does not compile", source: source)
            }
            let range = NSRange(text.startIndex..<text.endIndex, in: text)
            return .boolean(regex.firstMatch(in: text, range: range) != nil)
        case .today:
            return .string(context.today)
        case .if:
            return try argument(0).bool ? argument(1) : argument(2)
        case .number:
            return .number(try argument(0).number)
        case .string:
            return .string(try argument(0).text)
        case .boolean:
            return .boolean(try argument(0).bool)
        case .int:
            let value = try argument(0).number
            return .number(value.isFinite ? value.rounded(.towardZero) : value)
        case .coalesce:
            for index in arguments.indices {
                let value = try argument(index)
                if !value.text.isEmpty { return value }
            }
            return .string("")
        case .concat:
            return .string(try arguments.indices.map { try argument($0).text }.joined())
        case .contains:
            let whole = try argument(0).text
            let part = try argument(1).text
            return .boolean(part.isEmpty || whole.contains(part))
        case .startsWith:
            let whole = try argument(0).text
            return .boolean(whole.hasPrefix(try argument(1).text))
        case .not:
            return .boolean(!(try argument(0).bool))
        case .true:
            return .boolean(true)
        case .false:
            return .boolean(false)
        case .position, .count, .sum, .indexedRepeat:
            return try repeatCall(function, arguments, context, source: source)
        }
    }

    /// `position(..)`, `count(${repeat})`, `sum(${question})`, `indexed-repeat(${question}, ${repeat}, n)`
    /// over the instances ``RepeatScope`` reaches. Without repeats: 0, 0, 0 and the empty string.
    private static func repeatCall(
        _ function: Expression.Function, _ arguments: [Expression.Node], _ context: ExpressionContext, source: String
    ) throws -> ExpressionValue {
        let scope = context.repeats
        func instances(_ index: Int) -> [RepeatInstance] {
            guard case .reference(let name) = arguments[index], let scope, let group = scope.repeatNamed(byReference: name) else { return [] }
            return scope.instances(of: group)
        }
        func question(_ index: Int) -> String? {
            if case .reference(let name) = arguments[index] { return name }
            return nil
        }
        switch function {
        case .position:
            return .number(Double(scope?.position ?? 0))
        case .count:
            return .number(Double(instances(0).count))
        case .sum:
            // XPath sum(): an unanswered instance is NaN, as in ODK Collect.
            guard let name = question(0) else { return .number(0) }
            return .number(instances(0).reduce(0) { $0 + ExpressionValue(answer: $1.answers[name]).number })
        case .indexedRepeat:
            let index = try arguments[2].evaluate(context, source: source).number
            let found = instances(1)
            guard let name = question(0), index >= 1, index < Double(found.count) + 1 else { return .string("") }
            return ExpressionValue(answer: found[Int(index) - 1].answers[name])
        default:
            return .string("")
        }
    }
}
