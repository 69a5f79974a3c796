import Foundation
import Shared

extension InterviewRunner {
    /// The relevant notes (`note` rows) between the previous question a person answers and
    /// `question` (`nil`: the end of the form), their `${name}` references filled in, as lines to
    /// show before it. Read-only questions with a value among them show as `label: value`.
    func notes(before question: String?) -> [Line] {
        let questions = form.questions
        var index = question.flatMap { name in questions.firstIndex { $0.name == name } } ?? questions.count
        let scope = scope(path)
        let relevant = Set(form.relevantQuestions(answers: answers, repeats: scope).map(\.name))
        let effective = form.effectiveAnswers(answers, repeats: scope)
        var lines: [Line] = []
        while index > 0, !questions[index - 1].isEditable {
            index -= 1
            let item = questions[index]
            guard relevant.contains(item.name) else { continue }
            switch item.type {
            case .note:
                var shown = [Line(.info, text(item.label))]
                let hint = text(item.hint)
                if !hint.isEmpty { shown.append(Line(.hint, hint)) }
                lines.insert(contentsOf: shown, at: 0)
            case .calculate:
                continue
            default:
                // A read-only question: its value (a default or calculation) is shown, not asked.
                guard let value = effective[item.name] else { continue }
                lines.insert(Line(.info, "\(text(item.label)): \(display(value, for: item))"), at: 0)
            }
        }
        return lines
    }
}
