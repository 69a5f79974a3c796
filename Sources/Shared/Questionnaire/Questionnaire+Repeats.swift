import Foundation

extension Questionnaire {
    /// Whether the form has a repeat.
    public var hasRepeats: Bool { groups.contains(where: \.repeats) }

    /// The innermost repeat enclosing the group `name` (the group itself when it is a repeat); nil outside repeats.
    public func enclosingRepeat(ofGroup name: String?) -> QuestionGroup? {
        var next = name
        var seen: Set<String> = []
        while let current = next, let group = group(named: current), seen.insert(current).inserted {
            if group.repeats { return group }
            next = group.parent
        }
        return nil
    }

    /// The repeats enclosing the group `name` (itself included when it is one), outermost first.
    public func repeatChain(ofGroup name: String?) -> [QuestionGroup] {
        var chain: [QuestionGroup] = []
        var next = enclosingRepeat(ofGroup: name)
        while let group = next, !chain.contains(where: { $0.name == group.name }) {
            chain.insert(group, at: 0)
            next = enclosingRepeat(ofGroup: group.parent)
        }
        return chain
    }

    /// The questions directly in the repeat `group` or in plain groups inside it (not in nested repeats), in form order.
    public func questions(inRepeat group: String) -> [Question] {
        questions.filter { enclosingRepeat(ofGroup: $0.group)?.name == group }
    }
}
