import Foundation
import Shared

/// The frame of every self-completion page: the study's title, the municipality, the page's title.
struct WebChrome: Sendable {
    var title: String
    var study: String
    var municipality: String
    /// `?lang=` link to the other language.
    var otherLanguage: String
}

/// One question as a form field: label tied to its input, hint and error tied by `aria-describedby`.
struct WebQuestionView: Sendable {
    struct Option: Sendable {
        var value: String
        var label: String
        var id: String
        var checked: Bool
    }

    var name: String
    var id: String
    var label: String
    var hint: String?
    var hintID: String
    var required: Bool
    var error: String?
    var errorID: String
    var describedBy: String
    var value: String
    var options: [Option]
    var isNote: Bool
    var isText: Bool
    var isTextArea: Bool
    var isSelectOne: Bool
    var isSelectMultiple: Bool
    /// `numeric`, `decimal` or nil: the keyboard a phone shows.
    var inputMode: String?
    /// `date` for dates, else `text`.
    var inputType: String

    init(_ question: Question, form: Questionnaire, answers: [String: JSONValue], typed: [String]?, error: String?, language: String?) {
        name = question.name
        id = "q-" + question.name
        label = form.render(question.label.text(language), answers: answers)
        let hintText = form.render(question.hint?.text(language) ?? "", answers: answers)
        hint = hintText.isEmpty ? nil : hintText
        hintID = "h-" + question.name
        required = question.required
        self.error = error
        errorID = "e-" + question.name
        describedBy = [hint == nil ? nil : hintID, error == nil ? nil : errorID].compactMap { $0 }.joined(separator: " ")
        isNote = question.type == .note
        if case .selectOne = question.type { isSelectOne = true } else { isSelectOne = false }
        if case .selectMultiple = question.type { isSelectMultiple = true } else { isSelectMultiple = false }
        isText = !isNote && !isSelectOne && !isSelectMultiple
        isTextArea = question.type == .text && question.isMultiline
        inputMode = question.type == .integer ? "numeric" : question.type == .decimal ? "decimal" : nil
        inputType = question.type == .date ? "date" : "text"
        // A stored answer, else the question's default (or calculated default), as the runner offers it.
        let stored = answers[question.name] ?? form.effectiveAnswers(answers)[question.name]
        let chosen: Set<String>
        if let typed {
            chosen = Set(typed)
            value = typed.first ?? ""
        } else {
            switch stored {
            case .string(let text): chosen = [text]; value = text
            case .array(let items): chosen = Set(items.compactMap(\.stringValue)); value = ""
            case .int(let number): chosen = []; value = String(number)
            case .double(let number): chosen = []; value = Self.decimal(number)
            default: chosen = []; value = ""
            }
        }
        let prefix = id
        options = form.availableChoices(for: question, answers: answers).enumerated().map { index, choice in
            let text = choice.label.text(language)
            return Option(value: choice.name, label: text.isEmpty ? choice.name : text, id: "\(prefix)-\(index + 1)", checked: chosen.contains(choice.name))
        }
    }

    /// A decimal as the respondent's language writes it (2,5 in Dutch).
    static func decimal(_ number: Double) -> String {
        let text = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        return localized(nl: text.replacingOccurrences(of: ".", with: ","), en: text)
    }
}

/// A page of questions (one group).
struct WebPageView: Sendable {
    struct ErrorLink: Sendable {
        var id: String
        var label: String
        var message: String
    }

    var chrome: WebChrome
    var action: String
    var csrf: String
    var step: Int
    var steps: Int
    var heading: String
    var questions: [WebQuestionView]
    var errors: [ErrorLink]
    /// Stored, not computed: the templates read properties through reflection.
    var hasErrors: Bool
    /// The questions this page shows, posted back so that questions an answer brings onto the page are
    /// asked rather than reported missing.
    var shown: String
    var canGoBack: Bool
    var notice: String?
}

/// The answers before submitting, with what is still missing.
struct WebSummaryView: Sendable {
    struct Row: Sendable {
        var label: String
        var answer: String
        var link: String
        var missing: Bool
    }

    struct Section: Sendable {
        var heading: String
        var rows: [Row]
    }

    var chrome: WebChrome
    var action: String
    var csrf: String
    var sections: [Section]
    var missing: Int
    var missingText: String
    var canSubmit: Bool
    var lastPage: String
    var submitted: Bool
    var error: String?
}

/// A link that no longer (or never) worked.
struct WebClosedView: Sendable {
    var chrome: WebChrome
    var message: String
}
