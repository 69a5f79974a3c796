import Foundation
import Shared

/// What the self-completion form says to a respondent, in the language of the moment.
enum WebFormText {
    static var closed: String {
        localized(
            nl: "Deze link werkt niet (meer): hij is verlopen of ingetrokken, of hij werd verkeerd overgenomen. Vraag wie u uitnodigde om een nieuwe link.",
            en: "This link does not work (any more): it expired or was revoked, or it was copied wrongly. Ask whoever invited you for a new link."
        )
    }

    static var alreadySubmitted: String {
        localized(
            nl: "Deze vragenlijst werd al ingediend; de antwoorden kunnen niet meer gewijzigd worden. Neem contact op met wie u uitnodigde als er iets moet veranderen.",
            en: "This questionnaire was submitted already; its answers can no longer be changed. Contact whoever invited you if something must change."
        )
    }

    static var expiredForm: String {
        localized(
            nl: "Dit formulier is verlopen of kwam niet van deze pagina. Uw eerdere antwoorden zijn bewaard; vul deze pagina opnieuw in.",
            en: "This form expired or did not come from this page. Your earlier answers are kept; fill in this page again."
        )
    }

    static var tooMany: String {
        localized(
            nl: "Te veel verzoeken in korte tijd. Wacht een minuut en probeer opnieuw; uw antwoorden zijn bewaard.",
            en: "Too many requests in a short time. Wait a minute and try again; your answers are kept."
        )
    }

    static var required: String { localized(nl: "Deze vraag is verplicht.", en: "This question is required.") }

    /// A sentence next to the field an answer was refused for.
    static func message(for error: AnswerError, question: Question, language: String?) -> String {
        switch error {
        case .wrongType:
            switch question.type {
            case .integer: return localized(nl: "Vul een geheel getal in, bijvoorbeeld 3.", en: "Enter a whole number, for example 3.")
            case .decimal: return localized(nl: "Vul een getal in, bijvoorbeeld 2,5.", en: "Enter a number, for example 2.5.")
            case .date: return localized(nl: "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2025-01-31.", en: "Enter a date as YYYY-MM-DD, for example 2025-01-31.")
            default: return localized(nl: "Kies een van de mogelijkheden.", en: "Choose one of the options.")
            }
        case .unknownChoice: return localized(nl: "Kies een van de mogelijkheden.", en: "Choose one of the options.")
        case .required: return required
        case .constraint:
            let text = question.constraintMessage?.text(language) ?? ""
            return text.isEmpty ? localized(nl: "Dit antwoord kan niet; kijk het na.", en: "This answer is not possible; please check it.") : text
        case .controlCharacter:
            return localized(nl: "Het antwoord bevat een onzichtbaar stuurteken; typ het opnieuw.", en: "The answer holds an invisible control character; type it again.")
        case .unknownQuestion, .notAnswerable:
            return localized(nl: "Deze vraag neemt geen antwoord.", en: "This question takes no answer.")
        }
    }
}
