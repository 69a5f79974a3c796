import Foundation
import Shared

extension ChangeValidator {
    /// The most instances one repeat may have in one interview, deleted ones included, so a laptop
    /// cannot grow an interview without bound.
    static var maxInstancesPerRepeat: Int { 200 }

    /// Checks a repeat field against the questionnaire and the interview's stored fields: a marker
    /// makes an instance of a repeat of the form (inside an existing instance of the enclosing repeat,
    /// for a nested one; at most ``maxInstancesPerRepeat``), and later changes to it only delete or
    /// restore it; an answer goes to an instance that was made (deleted or not) and to a question of
    /// its repeat, with a value of the question's type. Throws an ``DomainError`` (invalid) a person can act on.
    static func checkRepeatEdit(field: String, value: JSONValue?, fields: [String: JSONValue], form: Questionnaire) throws {
        guard let (instance, question) = RepeatInstance.parseField(field) else {
            throw DomainError.invalid("\(field) is not a repeat field: write repeats.<instance>[.<question>].")
        }
        let stored = RepeatInstance.Marker(fields[Interview.Field.repeatInstance(instance)])
        if let question {
            guard let marker = stored else {
                throw DomainError.invalid("Repeat instance \(instance) was never made; send repeats.\(instance) before its answers.")
            }
            guard let asked = form.questions(inRepeat: marker.group).first(where: { $0.name == question }), asked.type.isAnswerable else {
                throw DomainError.invalid("Repeat \"\(marker.group)\" has no question \"\(question)\" that takes an answer.", code: "unknown_question")
            }
            do {
                try form.validateStructure(value, for: question, answers: [:])
            } catch let error as AnswerError {
                if !error.isContextual { throw DomainError.invalid(String(describing: error), code: "invalid_answer") }
            }
            return
        }
        guard let marker = RepeatInstance.Marker(value) else {
            throw DomainError.invalid("\(field) holds a repeat instance: {\"group\", \"order\"}, \"parent\" for a nested repeat, \"deleted\": true to delete it.")
        }
        if let stored {
            var kept = marker
            kept.deleted = stored.deleted
            guard kept == stored else {
                throw DomainError.invalid("Repeat instance \(instance) already exists; a change may only delete or restore it, not move it.")
            }
            return
        }
        try checkNewInstance(marker, fields: fields, form: form)
    }

    /// Refuses `answers.<question>` and `flags.<question>` for a question inside a repeat: its answers
    /// belong to an instance (`repeats.<instance>.<question>`), and a flag cannot name one yet.
    static func checkNotInRepeat(_ question: String, form: Questionnaire, field: String) throws {
        guard let group = form.question(named: question).flatMap({ form.enclosingRepeat(ofGroup: $0.group) }) else { return }
        throw DomainError.invalid(
            "\(question) is a question of repeat \"\(group.name)\": it has no \(field).\(question); its answers are repeats.<instance>.\(question).",
            code: "unknown_question"
        )
    }

    /// A new instance: of a repeat of the form, in an instance of its enclosing repeat, within the cap.
    private static func checkNewInstance(_ marker: RepeatInstance.Marker, fields: [String: JSONValue], form: Questionnaire) throws {
        guard let group = form.group(named: marker.group), group.repeats else {
            throw DomainError.invalid("The questionnaire \(form.id) \(form.version) has no repeat \"\(marker.group)\".", code: "unknown_question")
        }
        guard !marker.order.isEmpty, marker.order.utf8.count <= 64, ControlCharacters.isClean(marker.order) else {
            throw DomainError.invalid("A repeat instance's order is one line of at most 64 bytes (the clock of the change that made it).")
        }
        let markers = fields.compactMap { field, value -> (String, RepeatInstance.Marker)? in
            guard let (id, question) = RepeatInstance.parseField(field), question == nil, let marker = RepeatInstance.Marker(value) else { return nil }
            return (id, marker)
        }
        if let enclosing = form.enclosingRepeat(ofGroup: group.parent) {
            guard let parent = marker.parent, markers.contains(where: { $0.0 == parent && $0.1.group == enclosing.name }) else {
                throw DomainError.invalid("An instance of \"\(group.name)\" goes inside an existing instance of \"\(enclosing.name)\": name it as parent.")
            }
        } else if marker.parent != nil {
            throw DomainError.invalid("Repeat \"\(group.name)\" is not inside another repeat, so its instances have no parent.")
        }
        if markers.filter({ $0.1.group == group.name }).count >= maxInstancesPerRepeat {
            throw DomainError.invalid(
                "Repeat \"\(group.name)\" has \(maxInstancesPerRepeat) instances in this interview (deleted ones count too), the most one interview may hold.",
                code: "too_many_instances"
            )
        }
    }
}
