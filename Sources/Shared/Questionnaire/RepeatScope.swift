import Foundation

/// What an expression sees of an interview's repeats: every live instance, and the instances being
/// asked (the current instance of each enclosing repeat, outermost first).
///
/// Inside a repeat, `${q}` of a question in it (or in an enclosing repeat) is that instance's answer;
/// `count`, `sum` and `indexed-repeat` reach the instances within the current instance of the
/// repeat's enclosing repeat, or all of them from outside.
public struct RepeatScope: Sendable {
    /// Live instances of each repeat, in order (``RepeatInstance/instances(inFields:)``).
    public var instances: [String: [RepeatInstance]]
    /// The instance of each enclosing repeat being asked, outermost first.
    public var path: [RepeatInstance]
    /// The innermost repeat of each question inside a repeat.
    let repeatOfQuestion: [String: String]
    /// The enclosing repeat of each nested repeat.
    let parentRepeat: [String: String]
    /// The repeats' names.
    let repeatNames: Set<String>

    /// A scope for `form` with `instances`, asking `path`.
    public init(form: Questionnaire, instances: [String: [RepeatInstance]], path: [RepeatInstance] = []) {
        self.instances = instances
        self.path = path
        var repeatOfQuestion: [String: String] = [:]
        for question in form.questions {
            if let group = form.enclosingRepeat(ofGroup: question.group) { repeatOfQuestion[question.name] = group.name }
        }
        var parentRepeat: [String: String] = [:]
        for group in form.groups where group.repeats {
            if let parent = form.enclosingRepeat(ofGroup: group.parent) { parentRepeat[group.name] = parent.name }
        }
        self.repeatOfQuestion = repeatOfQuestion
        self.parentRepeat = parentRepeat
        self.repeatNames = Set(form.groups.filter(\.repeats).map(\.name))
    }

    /// The scope asking `instance` inside the current path.
    public func entering(_ instance: RepeatInstance) -> RepeatScope {
        var scope = self
        scope.path.append(instance)
        return scope
    }

    /// The answer `${name}` means here, when `name` is a question in a repeat; `.some(nil)` when it is
    /// one but no instance of its repeat is being asked; nil when it is not in a repeat.
    func answer(_ name: String) -> JSONValue?? {
        guard let group = repeatOfQuestion[name] else { return nil }
        return .some(path.last { $0.group == group }?.answers[name])
    }

    /// The repeat a `count`, `sum` or `indexed-repeat` argument names: the repeat itself or a question in it.
    func repeatNamed(byReference name: String) -> String? {
        repeatNames.contains(name) ? name : repeatOfQuestion[name]
    }

    /// The live instances of `group` reachable from here: within the current instance of its enclosing
    /// repeat when one is asked, else within every reachable instance of it.
    public func instances(of group: String) -> [RepeatInstance] {
        let all = instances[group] ?? []
        guard let parent = parentRepeat[group] else { return all }
        if let current = path.last(where: { $0.group == parent }) { return all.filter { $0.parent == current.id } }
        let parents = Set(instances(of: parent).map(\.id))
        return all.filter { $0.parent.map(parents.contains) ?? false }
    }

    /// `position(..)`: the number, from 1, of the innermost instance being asked; 0 outside a repeat.
    var position: Int {
        guard let current = path.last else { return 0 }
        return (instances(of: current.group).firstIndex { $0.id == current.id } ?? -1) + 1
    }
}
