import Foundation
import Shared

/// The questionnaire cut into pages for self-completion in a browser: one page per top-level group,
/// and one for each run of questions outside any group, in form order.
///
/// Which questions a page asks follows from the answers by the same rules as the terminal runner
/// (``Questionnaire/relevantQuestions(answers:)``); questions the respondent does not answer
/// themselves (the form's mode question, which the invitation sets) are left out.
public struct FormPages: Sendable {
    public struct Page: Sendable, Equatable {
        /// The top-level group, or nil for questions outside any group.
        public var group: String?
        /// The questions on the page, in form order (asked or not).
        public var questions: [String]
    }

    public let form: Questionnaire
    public let pages: [Page]
    /// Questions never shown to a respondent.
    public let hidden: Set<String>

    public init(form: Questionnaire) {
        self.form = form
        hidden = Set([form.modeQuestion].compactMap { $0 })
        var pages: [Page] = []
        for question in form.questions where question.isEditable || question.type == .note {
            guard !hidden.contains(question.name) else { continue }
            let top = form.enclosingGroups(of: question).last?.name
            if let last = pages.last, last.group == top {
                pages[pages.count - 1].questions.append(question.name)
            } else {
                pages.append(Page(group: top, questions: [question.name]))
            }
        }
        self.pages = pages
    }

    /// The questions page `index` asks given the answers: relevant, and typed by a person (or a note to read).
    public func asked(onPage index: Int, answers: [String: JSONValue]) -> [Question] {
        guard pages.indices.contains(index) else { return [] }
        let relevant = Set(form.relevantQuestions(answers: answers).map(\.name))
        return pages[index].questions.compactMap { name in relevant.contains(name) ? form.question(named: name) : nil }
    }

    /// The questions the respondent answers given the answers: every page's asked questions, notes left out.
    public func answerable(answers: [String: JSONValue]) -> [Question] {
        pages.indices.flatMap { asked(onPage: $0, answers: answers) }.filter(\.isEditable)
    }

    /// The pages that ask something given the answers, in order.
    public func shownPages(answers: [String: JSONValue]) -> [Int] {
        pages.indices.filter { index in asked(onPage: index, answers: answers).contains(where: \.isEditable) }
    }

    /// The page after `index` that asks something (nil: the summary comes next).
    public func page(after index: Int, answers: [String: JSONValue]) -> Int? {
        shownPages(answers: answers).first { $0 > index }
    }

    /// The page before `index` that asks something.
    public func page(before index: Int, answers: [String: JSONValue]) -> Int? {
        shownPages(answers: answers).last { $0 < index }
    }

    /// The page that holds a question.
    public func page(of question: String) -> Int? {
        pages.firstIndex { $0.questions.contains(question) }
    }
}
