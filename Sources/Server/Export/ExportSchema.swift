import Foundation
import Shared

/// The questions of every stored questionnaire version, merged by question name: the columns of an export.
///
/// Interviews on different versions share a column when their questions share a name. The newest
/// version decides the order, type and labels; questions only older versions have follow in their
/// own order. Choice lists are merged the same way, so a choice's SPSS code (its 1-based position
/// in the merged list) is the same for every version.
struct ExportSchema: Sendable {
    /// One question as exported.
    struct Question: Sendable {
        var name: String
        /// The variable name in the wide CSV, the SPSS file and the codebook (``SPSSName``-safe, unique).
        var variable: String
        var type: QuestionType
        var label: LocalizedText
        var hint: LocalizedText?
        var required: Bool
        /// The question's own `relevant` and that of its enclosing groups, joined with `and`.
        var relevance: String?
        var constraint: String?
        /// The merged choices, for select questions; a choice's code is its index + 1.
        var choices: [Choice]
        /// The variable name of each choice's 0/1 column, for select_multiple; parallel to ``choices``.
        var optionVariables: [String]
        /// The versions this question occurs in, oldest first.
        var versions: [String]
        /// The section (group) label.
        var section: LocalizedText?
        /// The innermost repeat the question is in (in the newest version that has it); nil for a question of the main file.
        var repeatGroup: String?

        /// The 1-based code of a choice name, if it is one of the merged choices.
        func code(of choice: String) -> Int? {
            choices.firstIndex { $0.name == choice }.map { $0 + 1 }
        }

        func choice(named name: String) -> Choice? {
            choices.first { $0.name == name }
        }
    }

    /// The form id of the newest version.
    var questionnaireID: String
    /// `id@version` of every version, oldest first.
    var versionKeys: [String]
    /// The questions of the main files (one row per interview): those outside every repeat.
    var questions: [Question]
    /// The repeats, each exported to its own file; outer repeats before the ones nested in them.
    var repeats: [Repeat]
    /// The compiled forms by `id@version`.
    var forms: [String: Questionnaire]
    /// Questions any of the forms declares as helping identify a respondent (``Questionnaire/quasiIdentifiers``).
    var quasiIdentifiers: Set<String> { forms.values.reduce(into: Set<String>()) { $0.formUnion($1.quasiIdentifiers) } }
    /// The newest version: used for interviews whose version is not stored.
    var newest: Questionnaire
    /// The language texts fall back to.
    var defaultLanguage: String

    /// Merges the questionnaire versions; `reservedNames` are taken by metadata columns already.
    /// - Throws: ``ExportError/noQuestionnaire`` when there is none.
    init(questionnaires: [Questionnaire], reservedNames: [String]) throws {
        let sorted = questionnaires.sorted { lhs, rhs in
            lhs.id == rhs.id
                ? lhs.version.compare(rhs.version, options: .numeric) == .orderedAscending
                : lhs.id < rhs.id
        }
        guard let last = sorted.last else { throw ExportError.noQuestionnaire }
        // One form: the one with the newest version (by id, then version). Other form ids are not merged in.
        let sameForm = sorted.filter { $0.id == last.id }
        let newest = last
        self.newest = newest
        questionnaireID = newest.id
        defaultLanguage = newest.defaultLanguage
        versionKeys = sameForm.map { "\($0.id)@\($0.version)" }
        forms = Dictionary(sameForm.map { ("\($0.id)@\($0.version)", $0) }, uniquingKeysWith: { _, new in new })

        // Newest first decides order and definitions; then older versions add what they alone have.
        var order: [String] = []
        var byName: [String: Question] = [:]
        var repeatOrder: [String] = []
        var repeatsByName: [String: Repeat] = [:]
        for form in [newest] + sameForm.reversed().dropFirst() {
            for group in form.groups where group.repeats && repeatsByName[group.name] == nil {
                repeatsByName[group.name] = Repeat(name: group.name, label: group.label, parent: form.enclosingRepeat(ofGroup: group.parent)?.name, questions: [])
                repeatOrder.append(group.name)
            }
            for question in form.questions where question.type != .note {
                let choices = form.choices(for: question)
                if var known = byName[question.name] {
                    if !known.versions.contains(form.version) { known.versions.append(form.version) }
                    for choice in choices where !known.choices.contains(where: { $0.name == choice.name }) {
                        known.choices.append(choice)
                    }
                    byName[question.name] = known
                } else {
                    let groups = form.enclosingGroups(of: question)
                    let relevance = ([question.relevant?.source] + groups.map { $0.relevant?.source })
                        .compactMap { $0 }.filter { !$0.isEmpty }
                    byName[question.name] = Question(
                        name: question.name, variable: question.name, type: question.type, label: question.label, hint: question.hint,
                        required: question.required,
                        relevance: relevance.isEmpty ? nil : relevance.map { relevance.count > 1 ? "(\($0))" : $0 }.joined(separator: " and "),
                        constraint: question.constraint?.source, choices: choices, optionVariables: [], versions: [form.version],
                        section: groups.last.map(\.label), repeatGroup: form.enclosingRepeat(ofGroup: question.group)?.name
                    )
                    order.append(question.name)
                }
            }
        }
        // Stable variable names: sanitised, unique without regard to case, metadata names first; a
        // repeat's file has its own names, after its linking columns.
        let merged = order.compactMap { byName[$0] }
        var names = SPSSName.Registry(reserved: reservedNames)
        questions = merged.filter { $0.repeatGroup == nil }.map { Self.named($0, in: &names) }
        repeats = repeatOrder.compactMap { repeatsByName[$0] }.map { group in
            var group = group
            var names = SPSSName.Registry(reserved: group.columns.map(\.rawValue))
            group.questions = merged.filter { $0.repeatGroup == group.name }.map { Self.named($0, in: &names) }
            return group
        }
    }

    /// The question with its versions sorted and its variable names claimed from `names`.
    private static func named(_ question: Question, in names: inout SPSSName.Registry) -> Question {
        var question = question
        question.versions.sort { $0.compare($1, options: .numeric) == .orderedAscending }
        question.variable = names.claim(question.name)
        if case .selectMultiple = question.type {
            question.optionVariables = question.choices.map { names.claim(question.variable + "__" + $0.name) }
        }
        return question
    }

    /// The repeat `name`, for `repeat=NAME`.
    /// - Throws: ``ExportError/unknownRepeat(_:known:)`` when the form has no such repeat.
    func repeatGroup(named name: String) throws -> Repeat {
        guard let group = repeats.first(where: { $0.name == name }) else { throw ExportError.unknownRepeat(name, known: repeats.map(\.name)) }
        return group
    }

    /// The form an interview was answered on; the newest when its version is not stored.
    func form(for interview: Interview) -> Questionnaire {
        if let id = interview.questionnaire, let version = interview.questionnaireVersion, let form = forms["\(id)@\(version)"] {
            return form
        }
        return newest
    }

    /// The versions, without the form id, oldest first.
    var versions: [String] { versionKeys.map { String($0.split(separator: "@", maxSplits: 1).last ?? "") } }
}
