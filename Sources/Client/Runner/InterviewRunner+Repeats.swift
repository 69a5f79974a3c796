import Foundation
import Shared

/// Repeats in the runner: the interview as a walk of stops (questions, each in its instance, and
/// "add another?" prompts), instances made and deleted as changes, answers in `repeats.<id>.<q>`.
///
/// Rules (documented for interviewers in `docs/CLI.md`):
/// - A repeat without `repeat_count` asks "add one?" / "add another?" after its instances; each yes
///   makes an instance (a change on `repeats.<id>`) and asks its questions.
/// - A repeat with `repeat_count` asks exactly that many instances: live ones are reused in order,
///   missing ones are made when the runner gets there.
/// - Existing instances are walked, never made again; a resumed run stops at the first question
///   without a value in any instance, or at the "add one?" of a repeat without instances.
/// - `delete N` (`verwijder N`) inside a repeat or at its prompt deletes instance N after a yes.
extension InterviewRunner {
    /// A question asked in an instance path, for `back`.
    struct Position: Equatable, Sendable {
        var name: String
        var path: [String]
    }

    /// One place in the walk through the interview.
    enum Stop: Equatable, Sendable {
        /// A question, asked in the instances `path` (empty outside repeats).
        case question(String, path: [String])
        /// "Add another?" for a repeat without `repeat_count`, in its parent instance `path`.
        case add(String, path: [String])
        /// A repeat with `repeat_count` that has fewer instances than it asks: one is made here.
        case create(String, path: [String])

        var path: [String] {
            switch self {
            case .question(_, let path), .add(_, let path), .create(_, let path): return path
            }
        }
    }

    enum Item {
        case question(String)
        case block(String)
    }

    /// The most instances of one repeat an interview may hold (as the server checks).
    static let maxInstances = 200

    // MARK: Instances and answers

    func instance(_ id: String) -> RepeatInstance? {
        for list in instances.values {
            if let found = list.first(where: { $0.id == id }) { return found }
        }
        return nil
    }

    /// The answers questions at `path` see: the main ones and those of each instance on the path.
    func view(_ path: [String]) -> [String: JSONValue] {
        guard !path.isEmpty else { return mainAnswers }
        var result = mainAnswers
        for id in path {
            if let found = instance(id) { result.merge(found.answers) { _, new in new } }
        }
        return result
    }

    /// What expressions at `path` see of the repeats; nil for a form without them.
    func scope(_ path: [String]) -> RepeatScope? {
        guard form.hasRepeats else { return nil }
        return RepeatScope(form: form, instances: instances, path: path.compactMap(instance))
    }

    /// The innermost repeat of a question; nil outside repeats.
    func repeatName(of question: Question) -> String? {
        form.enclosingRepeat(ofGroup: question.group)?.name
    }

    /// The repeat being asked (nil: the main questions).
    var contextRepeat: String? {
        path.last.flatMap(instance)?.group
    }

    /// The live instances of `group` inside `parent` (nil: a repeat at the top), in order.
    func children(of group: String, parent: String?) -> [RepeatInstance] {
        (instances[group] ?? []).filter { $0.parent == parent }
    }

    /// The label of a repeat, as the interviewer reads it.
    func label(ofRepeat group: String) -> String {
        let label = form.group(named: group).map { text($0.label) } ?? ""
        return label.isEmpty ? group : label
    }

    /// The field an answer to `question` is stored in here: `repeats.<instance>.<q>` inside a repeat.
    func field(for question: Question) -> String {
        if let group = repeatName(of: question), let id = path.last(where: { instance($0)?.group == group }) {
            return Interview.Field.repeatAnswer(id, question.name)
        }
        return Interview.Field.answer(question.name)
    }

    mutating func setAnswer(_ value: JSONValue, for question: Question) {
        if let group = repeatName(of: question), let id = path.last(where: { instance($0)?.group == group }),
           let index = instances[group]?.firstIndex(where: { $0.id == id }) {
            instances[group]?[index].answers[question.name] = value
        } else {
            mainAnswers[question.name] = value
        }
    }

    // MARK: The walk

    /// Questions a person answers at `path`: relevant there, and directly in its repeat (or outside repeats).
    func askable(at path: [String]) -> [Question] {
        let context = path.last.flatMap(instance)?.group
        return form.relevantQuestions(answers: view(path), repeats: scope(path)).filter { $0.isEditable && repeatName(of: $0) == context }
    }

    /// The questions and repeats asked at `path`, in form order.
    func items(at path: [String]) -> [Item] {
        let context = path.last.flatMap(instance)?.group
        let asked = Set(askable(at: path).map(\.name))
        let answers = view(path)
        let scope = scope(path)
        var result: [Item] = []
        var seen: Set<String> = []
        for question in form.questions {
            let chain = form.repeatChain(ofGroup: question.group).map(\.name)
            let depth = path.count
            if chain.count == depth, chain.last == context {
                if asked.contains(question.name) { result.append(.question(question.name)) }
            } else if chain.count > depth, depth == 0 || chain[depth - 1] == context {
                let block = chain[depth]
                if seen.insert(block).inserted, isRelevant(group: block, within: context, answers: answers, scope: scope) {
                    result.append(.block(block))
                }
            }
        }
        return result
    }

    /// Whether a repeat (and the groups around it, up to the repeat being asked) is asked.
    func isRelevant(group name: String, within context: String?, answers: [String: JSONValue], scope: RepeatScope?) -> Bool {
        let effective = form.effectiveAnswers(answers, repeats: scope)
        var next: String? = name
        var seen: Set<String> = []
        while let current = next, current != context, seen.insert(current).inserted, let group = form.group(named: current) {
            if let relevant = group.relevant, !((try? relevant.evaluateBool(ExpressionContext(answers: effective, repeats: scope))) ?? true) {
                return false
            }
            next = group.parent
        }
        return true
    }

    /// How many instances a repeat with `repeat_count` asks at `path`; nil without one.
    func repeatLimit(_ group: String, at path: [String]) -> Int? {
        guard let expression = form.group(named: group)?.repeatCount else { return nil }
        let scope = scope(path)
        let effective = form.effectiveAnswers(view(path), repeats: scope)
        guard let number = try? expression.evaluate(ExpressionContext(answers: effective, repeats: scope)).number, number.isFinite, number > 0 else {
            return 0
        }
        return min(Int(number), Self.maxInstances)
    }

    /// Every stop of the interview from `path` on, in order.
    func stops(at path: [String] = []) -> [Stop] {
        var result: [Stop] = []
        for item in items(at: path) {
            switch item {
            case .question(let name):
                result.append(.question(name, path: path))
            case .block(let group):
                let limit = repeatLimit(group, at: path)
                let existing = children(of: group, parent: path.last)
                for child in existing.prefix(limit ?? Int.max) {
                    result += stops(at: path + [child.id])
                }
                if let limit {
                    if existing.count < limit { result.append(.create(group, path: path)) }
                } else {
                    result.append(.add(group, path: path))
                }
            }
        }
        return result
    }

    /// Whether a stop still wants something: a question without a value, a repeat without instances, an instance to make.
    func isOpen(_ stop: Stop) -> Bool {
        switch stop {
        case .question(let name, let path): return view(path)[name] == nil
        case .add(let group, let path): return children(of: group, parent: path.last).isEmpty
        case .create: return true
        }
    }

    /// Where a run resumes.
    var firstOpenStop: Stop? {
        stops().first(where: isOpen)
    }

    /// The stop after `stop`; when it is no longer in the walk (its answer hid it), the next one in
    /// the same instance by form order, else the first open one.
    func stop(after stop: Stop, formIndex: Int) -> Stop? {
        let all = stops()
        if let index = all.firstIndex(of: stop) { return index + 1 < all.count ? all[index + 1] : nil }
        let order = { (name: String) in form.questions.firstIndex { $0.name == name } ?? -1 }
        let next = all.first { candidate in
            if case .question(let name, let path) = candidate { return path == stop.path && order(name) > formIndex }
            return false
        }
        return next ?? all.first(where: isOpen)
    }

    /// Moves to a stop and shows it (nil: the end).
    mutating func go(to stop: Stop?, _ output: inout Output) {
        adding = nil
        pendingDelete = nil
        switch stop {
        case nil:
            path = []
            current = nil
            present(&output)
        case .question(let name, let path)?:
            self.path = path
            current = name
            present(&output)
        case .add(let group, let path)?:
            self.path = path
            current = nil
            adding = group
            presentAdd(&output)
        case .create(let group, let path)?:
            self.path = path
            current = nil
            let id = makeInstance(group, &output)
            enter(id, group: group, &output)
        }
    }

    /// Makes an instance of `group` in the instance being asked (a change on `repeats.<id>`; the store
    /// writes the change's clock as its order).
    mutating func makeInstance(_ group: String, _ output: inout Output) -> String {
        let id = RepeatInstance.newID()
        let parent = path.last
        instances[group, default: []].append(RepeatInstance(id: id, group: group, parent: parent, order: ""))
        let marker = RepeatInstance.Marker(group: group, parent: parent, order: "")
        output.saves.append(.fields([FieldValue(field: Interview.Field.repeatInstance(id), value: marker.value)]))
        let number = children(of: group, parent: parent).count
        let name = label(ofRepeat: group)
        output.lines.append(Line(.success, localized(
            nl: "\(name) \(number) toegevoegd (\(id.prefix(8))).", en: "Added \(name.lowercasedFirst) \(number) (\(id.prefix(8)))."
        )))
        return id
    }

    /// Asks the first question of a new instance (or, when it asks none, what comes after it).
    mutating func enter(_ id: String, group: String, _ output: inout Output) {
        let parentPath = path
        let all = stops()
        if let first = all.first(where: { $0.path.contains(id) }) {
            go(to: first, &output)
        } else if all.contains(.add(group, path: parentPath)) {
            go(to: .add(group, path: parentPath), &output)
        } else {
            go(to: all.first(where: isOpen), &output)
        }
    }

    // MARK: Prompts

    /// "Repeat 2 of 3 · abc12345" for the instance being asked (nested: each level).
    func instanceHeading() -> String? {
        guard !path.isEmpty else { return nil }
        var parts: [String] = []
        var parent: String?
        for id in path {
            guard let here = instance(id) else { continue }
            let siblings = children(of: here.group, parent: parent)
            let number = (siblings.firstIndex { $0.id == id } ?? 0) + 1
            let limit = repeatLimit(here.group, at: Array(path.prefix { $0 != id }))
            let of = limit.map { localized(nl: " van \($0)", en: " of \($0)") } ?? ""
            parts.append("\(label(ofRepeat: here.group)) \(number)\(of) (\(id.prefix(8)))")
            parent = id
        }
        return parts.joined(separator: " › ")
    }

    /// The instances of a repeat as `list` shows them: position, id, the first answers.
    func instanceLines(_ group: String, parent: String?) -> [Line] {
        let questions = form.questions(inRepeat: group).filter(\.isEditable)
        let existing = children(of: group, parent: parent)
        var lines = [Line(.info, localized(
            nl: "\(label(ofRepeat: group)): \(existing.count) (verwijder N verwijdert er een)",
            en: "\(label(ofRepeat: group)): \(existing.count) (delete N deletes one)"
        ))]
        for (offset, item) in existing.enumerated() {
            let answered = questions.compactMap { question -> String? in
                guard let value = item.answers[question.name], !Self.isEmpty(value) else { return nil }
                return "\(question.name)=\(display(value, for: question))"
            }
            let summary = answered.isEmpty ? localized(nl: "(nog geen antwoorden)", en: "(no answers yet)") : answered.prefix(3).joined(separator: ", ")
            let marker = path.contains(item.id) ? "→" : " "
            lines.append(Line(.answer, "\(marker)\(String(offset + 1).leftPadded(to: 3)). \(item.id.prefix(8))  \(summary)"))
        }
        return lines
    }

    /// The instances of the repeats asked here (and of the one whose "add another?" is open), for `list`.
    func repeatListLines() -> [Line] {
        guard form.hasRepeats else { return [] }
        var groups: [String] = []
        for case .block(let group) in items(at: path) { groups.append(group) }
        if let adding, !groups.contains(adding) { groups.append(adding) }
        if let inside = contextRepeat, !groups.contains(inside) {
            // Inside an instance: its siblings too.
            return instanceLines(inside, parent: path.dropLast().last) + groups.flatMap { instanceLines($0, parent: path.last) }
        }
        return groups.flatMap { instanceLines($0, parent: path.last) }
    }

    /// "Add a household? (y/n)", after the household's instances.
    mutating func presentAdd(_ output: inout Output) {
        guard let group = adding else { return }
        let existing = children(of: group, parent: path.last)
        let name = label(ofRepeat: group).lowercasedFirst
        output.lines.append(Line(.info, ""))
        if let heading = instanceHeading() { output.lines.append(Line(.heading, heading)) }
        shownPath = nil
        shownGroup = nil
        if !existing.isEmpty { output.lines.append(contentsOf: instanceLines(group, parent: path.last)) }
        output.lines.append(Line(.question, existing.isEmpty
                ? localized(nl: "Een \(name) toevoegen? (j/n)", en: "Add a \(name)? (y/n)")
                : localized(nl: "Nog een \(name) toevoegen? (j/n)", en: "Add another \(name)? (y/n)")))
        output.lines.append(Line(.hint, localized(
            nl: "Typ j of n. Opdrachten: verwijder N, back, list, help, quit.", en: "Type y or n. Commands: delete N, back, list, help, quit."
        )))
        output.prompt = prompt
    }

    static func yes(_ word: String) -> Bool { ["j", "ja", "y", "yes"].contains(word) }
    static func no(_ word: String) -> Bool { ["n", "nee", "neen", "no"].contains(word) }

    /// A line typed at "add another?" or at a delete's confirmation.
    mutating func answerRepeatPrompt(_ line: String, _ output: inout Output) {
        let word = line.trimmingCharacters(in: .whitespaces).lowercased()
        if let id = pendingDelete {
            pendingDelete = nil
            if Self.yes(word) {
                delete(id, &output)
            } else {
                output.lines.append(Line(.info, localized(nl: "Niet verwijderd.", en: "Not deleted.")))
                present(&output)
            }
            return
        }
        guard let group = adding else { return }
        if Self.yes(word) {
            let id = makeInstance(group, &output)
            enter(id, group: group, &output)
        } else if Self.no(word) {
            let here = Stop.add(group, path: path)
            let all = stops()
            let next = all.firstIndex(of: here).flatMap { $0 + 1 < all.count ? all[$0 + 1] : nil }
            go(to: next, &output)
        } else {
            output.lines.append(Line(.error, localized(nl: "Typ j (ja) of n (nee).", en: "Type y (yes) or n (no).")))
            output.prompt = prompt
        }
    }

    /// `delete N`: asks to confirm deleting instance N of the repeat being asked.
    mutating func askToDelete(_ number: Int, _ output: inout Output) {
        let group: String
        let parent: String?
        if let adding {
            group = adding
            parent = path.last
        } else if let inside = contextRepeat {
            group = inside
            parent = path.dropLast().last
        } else {
            output.lines.append(Line(.error, localized(
                nl: "Hier wordt geen herhaling gevraagd; verwijder N werkt in een herhaling of bij \"nog een toevoegen?\".",
                en: "No repeat is being asked here; delete N works inside a repeat or at \"add another?\"."
            )))
            output.prompt = prompt
            return
        }
        let existing = children(of: group, parent: parent)
        guard number >= 1, number <= existing.count else {
            output.lines.append(Line(.error, existing.isEmpty
                    ? localized(nl: "Er is nog geen \(label(ofRepeat: group).lowercasedFirst).", en: "There is no \(label(ofRepeat: group).lowercasedFirst) yet.")
                    : localized(nl: "Er is geen nummer \(number); kies 1 tot \(existing.count).", en: "There is no number \(number); pick 1 to \(existing.count).")))
            output.prompt = prompt
            return
        }
        let target = existing[number - 1]
        pendingDelete = target.id
        output.lines.append(Line(.warning, localized(
            nl: "\(label(ofRepeat: group)) \(number) (\(target.id.prefix(8))) met al zijn antwoorden verwijderen? (j/n)",
            en: "Delete \(label(ofRepeat: group).lowercasedFirst) \(number) (\(target.id.prefix(8))) with all its answers? (y/n)"
        )))
        output.prompt = prompt
    }

    /// Deletes an instance: the store writes its marker again with `"deleted": true`.
    mutating func delete(_ id: String, _ output: inout Output) {
        guard let target = instance(id) else { return }
        let parentPath = path.firstIndex(of: id).map { Array(path[..<$0]) }
        instances[target.group]?.removeAll { $0.id == id }
        if instances[target.group]?.isEmpty == true { instances[target.group] = nil }
        output.saves.append(.deleteInstance(id))
        output.lines.append(Line(.success, localized(
            nl: "\(label(ofRepeat: target.group)) \(id.prefix(8)) verwijderd.", en: "Deleted \(label(ofRepeat: target.group).lowercasedFirst) \(id.prefix(8))."
        )))
        history.removeAll { $0.path.contains(id) }
        if let parentPath {
            // Deleted the instance being asked: back to its repeat's prompt, or on.
            path = parentPath
            if form.group(named: target.group)?.repeatCount == nil {
                go(to: .add(target.group, path: parentPath), &output)
            } else {
                go(to: firstOpenStop, &output)
            }
        } else {
            present(&output)
        }
    }

    /// The instance path down to and including `id` (its enclosing instances first).
    func path(to id: String) -> [String] {
        var chain: [String] = []
        var next: String? = id
        while let current = next, let found = instance(current), !chain.contains(current) {
            chain.insert(current, at: 0)
            next = found.parent
        }
        return chain
    }

    /// Warnings for repeats holding more live instances than their `repeat_count` asks (two laptops
    /// may each have made some): the extra ones are not asked, but are kept and exported.
    var surplusWarnings: [Line] {
        var lines: [Line] = []
        for group in form.groups where group.repeats && group.repeatCount != nil {
            let byParent = Dictionary(grouping: instances[group.name] ?? [], by: \.parent)
            for (parent, list) in byParent.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
                let parentPath = parent.map { path(to: $0) } ?? []
                guard let limit = repeatLimit(group.name, at: parentPath), list.count > limit else { continue }
                let source = group.repeatCount?.source ?? ""
                let extra = list.dropFirst(limit).map { String($0.id.prefix(8)) }.joined(separator: ", ")
                lines.append(Line(.warning, localized(
                    nl: "\(label(ofRepeat: group.name)): \(list.count) instanties, maar \(source) vraagt er \(limit); niet gevraagd: \(extra). Verwijder wat te veel is (jump naar een vraag erin, dan verwijder N) of pas het aantal aan.",
                    en: "\(label(ofRepeat: group.name)): \(list.count) instances, but \(source) asks for \(limit); not asked: \(extra). Delete the extra ones (jump to a question in one, then delete N) or change the number."
                )))
            }
        }
        return lines
    }

    /// Required questions of an interview without an answer, in its instances too (what `complete` checks).
    static func missingRequired(form: Questionnaire, interview: Interview, language: String? = nil) -> [(name: String, label: String)] {
        let runner = InterviewRunner(
            form: form, answers: interview.answers, instances: interview.repeats ?? [:], language: language, interviewID: interview.id.uuidString.lowercased()
        )
        return runner.missingRequired.map { ($0.name, $0.label) }
    }

    /// Required questions without an answer, in the walk's order, each named with its instance.
    var missingRequired: [(name: String, label: String, stop: Stop)] {
        guard form.hasRepeats else {
            return form.missingRequired(answers: mainAnswers).map { ($0.name, $0.label.text(language), Stop.question($0.name, path: [])) }
        }
        var result = form.missingRequired(answers: mainAnswers).filter { repeatName(of: $0) == nil }.map {
            ($0.name, $0.label.text(language), Stop.question($0.name, path: []))
        }
        for stop in stops() {
            guard case .question(let name, let path) = stop, !path.isEmpty, let question = form.question(named: name), question.required else { continue }
            guard Self.isEmpty(form.effectiveAnswers(view(path), repeats: scope(path))[name]) else { continue }
            let place = path.last.flatMap(instance).map { " (\(label(ofRepeat: $0.group)) \($0.id.prefix(8)))" } ?? ""
            result.append(("\(name)\(place)", question.label.text(language), stop))
        }
        return result
    }
}
