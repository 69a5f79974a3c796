import Foundation
import Shared

extension InterviewPage {
    /// A repeat's instances as a table: one row per live instance, in order, one column per question.
    struct RepeatTable: Sendable {
        struct Text: Sendable {
            var text: String
        }

        struct Row: Sendable {
            var position: Int
            var id: String
            /// The enclosing instance, for a nested repeat: its repeat's label and position.
            var parent: String
            var nested: Bool
            var cells: [Text]
        }

        var name: String
        var label: String
        var nested: Bool
        var headers: [Text]
        var rows: [Row]
    }

    /// The tables of the form's repeats, in form order; repeats without instances are left out.
    static func repeatTables(interview: Interview, form: Questionnaire?, words: AnswerFormatter) -> [RepeatTable] {
        guard let form, let instances = interview.repeats else { return [] }
        let scope = RepeatScope(form: form, instances: instances)
        var positions: [String: (group: String, position: Int)] = [:]
        for (group, list) in instances {
            for (offset, instance) in list.enumerated() { positions[instance.id] = (group, offset + 1) }
        }
        return form.groups.filter(\.repeats).compactMap { group in
            let questions = form.questions(inRepeat: group.name).filter(\.type.isAnswerable)
            let rows = scope.instances(of: group.name)
            guard !rows.isEmpty else { return nil }
            let nested = form.enclosingRepeat(ofGroup: group.parent) != nil
            let label = group.label.text()
            return RepeatTable(
                name: group.name, label: label.isEmpty ? group.name : label, nested: nested,
                headers: questions.map { RepeatTable.Text(text: words.label(forField: Interview.Field.answer($0.name))) },
                rows: rows.map { instance in
                    let parent = instance.parent.flatMap { positions[$0] }.map { enclosing in
                        let label = form.group(named: enclosing.group)?.label.text() ?? ""
                        return "\(label.isEmpty ? enclosing.group : label) \(enclosing.position)"
                    }
                    return RepeatTable.Row(
                        position: positions[instance.id]?.position ?? 0, id: instance.id, parent: parent ?? "", nested: nested,
                        cells: questions.map { question in
                            RepeatTable.Text(text: instance.answers[question.name].map { words.display($0, field: Interview.Field.answer(question.name)) } ?? "—")
                        }
                    )
                }
            )
        }
    }
}
