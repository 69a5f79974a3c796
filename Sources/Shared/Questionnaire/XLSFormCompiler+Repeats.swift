import Foundation

extension XLSFormCompiler {
    /// Checks how expressions reach into repeats, so every one can be evaluated as ODK does:
    /// - `${q}` of a question in a repeat is the current instance's answer, so outside that repeat it
    ///   may only be the argument of `count`, `sum` or the first of `indexed-repeat`;
    /// - `${r}` of a repeat is only the argument of `count` or the second of `indexed-repeat`;
    /// - `indexed-repeat(${q}, ${r}, n)` needs `q` directly in the repeat `r`; `position(..)` needs a repeat.
    static func checkRepeatReferences(groups: [QuestionGroup], questions: [Question]) throws {
        let byName = Dictionary(groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func chain(_ name: String?) -> [String] {
            var result: [String] = []
            var next = name
            while let current = next, let group = byName[current], !result.contains(current), result.count < 64 {
                if group.repeats { result.append(current) }
                next = group.parent
            }
            return result
        }
        var repeatOfQuestion: [String: String] = [:]
        for question in questions { repeatOfQuestion[question.name] = chain(question.group).first }
        let repeats = Set(groups.filter(\.repeats).map(\.name))

        func check(_ expression: Expression?, row: Int, column: String, within: [String]) throws {
            guard let expression else { return }
            func fail(_ reason: String) -> XLSFormError {
                XLSFormError(sheet: surveySheet, row: row, column: column, reason: reason)
            }
            func visit(_ node: Expression.Node, allowance: Allowance) throws {
                switch node {
                case .reference(let name):
                    if repeats.contains(name), allowance != .repeatName {
                        throw fail("${\(name)} is a repeat: use it as count(${\(name)}) or indexed-repeat(${question}, ${\(name)}, n)")
                    }
                    if let group = repeatOfQuestion[name], !within.contains(group), allowance == .plain {
                        throw fail("${\(name)} is in repeat \"\(group)\"; outside it, use count(), sum() or indexed-repeat(${\(name)}, ${\(group)}, n)")
                    }
                case .call(.position, _):
                    if within.isEmpty { throw fail("position(..) only means something inside a repeat") }
                case .call(.count, let arguments):
                    try visitAggregate(arguments[0], takesRepeat: true)
                case .call(.sum, let arguments):
                    try visitAggregate(arguments[0], takesRepeat: false)
                case .call(.indexedRepeat, let arguments):
                    guard case .reference(let question) = arguments[0], case .reference(let group) = arguments[1], repeats.contains(group),
                          repeatOfQuestion[question] == group
                    else {
                        throw fail("indexed-repeat() takes ${question}, ${repeat} with the question directly in that repeat, then a number")
                    }
                    try visit(arguments[2], allowance: .plain)
                case .call(_, let arguments):
                    for argument in arguments { try visit(argument, allowance: .plain) }
                case .negate(let operand):
                    try visit(operand, allowance: .plain)
                case .binary(_, let left, let right):
                    try visit(left, allowance: .plain)
                    try visit(right, allowance: .plain)
                case .string, .number, .current, .choiceColumn:
                    break
                }
            }
            func visitAggregate(_ argument: Expression.Node, takesRepeat: Bool) throws {
                guard case .reference(let name) = argument, repeatOfQuestion[name] != nil || takesRepeat && repeats.contains(name) else {
                    throw fail("count() and sum() take ${name} of a question in a repeat (count() also the repeat itself)")
                }
                try visit(argument, allowance: repeats.contains(name) ? .repeatName : .repeatQuestion)
            }
            try visit(expression.root, allowance: .plain)
        }
        for group in groups {
            let own = chain(group.name)
            try check(group.relevant, row: group.row, column: "relevant", within: own)
            try check(group.repeatCount, row: group.row, column: "repeat_count", within: Array(own.dropFirst()))
        }
        for question in questions {
            let within = chain(question.group)
            try check(question.relevant, row: question.row, column: "relevant", within: within)
            try check(question.constraint, row: question.row, column: "constraint", within: within)
            try check(question.calculation, row: question.row, column: "calculation", within: within)
            try check(question.choiceFilter, row: question.row, column: "choice_filter", within: within)
        }
    }

    /// What a reference may name where it stands.
    private enum Allowance {
        /// Only a question of the current instance (or outside repeats).
        case plain
        /// Any question in a repeat (the argument of `sum`, `count`, `indexed-repeat`).
        case repeatQuestion
        /// A repeat, or any question in one (the argument of `count`, the second of `indexed-repeat`).
        case repeatName
    }
}
