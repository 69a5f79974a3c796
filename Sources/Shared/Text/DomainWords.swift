import Foundation

// The names people read for the domain's internal values, in the language of the moment: a screen
// says "niet gecontacteerd", never `notContacted`. Scripts (`--json`, the API, exports' codes) keep
// the internal values.

extension CaseStatus {
    /// "niet gecontacteerd", "not contacted", …
    public var words: String {
        switch self {
        case .notContacted: return localized(nl: "niet gecontacteerd", en: "not contacted")
        case .contacted: return localized(nl: "gecontacteerd", en: "contacted")
        case .appointment: return localized(nl: "afspraak", en: "appointment")
        case .inProgress: return localized(nl: "bezig", en: "in progress")
        case .completed: return localized(nl: "afgewerkt", en: "completed")
        case .refused: return localized(nl: "geweigerd", en: "refused")
        case .unreachable: return localized(nl: "onbereikbaar", en: "unreachable")
        }
    }
}

extension ContactAttempt.Outcome {
    /// "geen antwoord", "no answer", …
    public var words: String {
        switch self {
        case .noAnswer: return localized(nl: "geen antwoord", en: "no answer")
        case .callback: return localized(nl: "terugbellen", en: "call back")
        case .appointment: return localized(nl: "afspraak", en: "appointment")
        case .refused: return localized(nl: "geweigerd", en: "refused")
        case .wrongContact: return localized(nl: "verkeerde contactpersoon", en: "wrong contact")
        case .interviewed: return localized(nl: "geïnterviewd", en: "interviewed")
        }
    }
}

extension ContactAttempt.Mode {
    /// "telefoon", "phone", …
    public var words: String {
        switch self {
        case .phone: return localized(nl: "telefoon", en: "phone")
        case .email: return localized(nl: "e-mail", en: "e-mail")
        case .visit: return localized(nl: "bezoek", en: "visit")
        case .video: return localized(nl: "videogesprek", en: "video call")
        }
    }
}

extension Role {
    /// "interviewer", "coördinator", …
    public var words: String {
        switch self {
        case .interviewer: return localized(nl: "interviewer", en: "interviewer")
        case .coordinator: return localized(nl: "coördinator", en: "coordinator")
        case .researcher: return localized(nl: "onderzoeker", en: "researcher")
        case .admin: return localized(nl: "beheerder", en: "administrator")
        }
    }
}

extension Interview.State {
    /// "ontwerp", "afgewerkt", …
    public var words: String {
        switch self {
        case .draft: return localized(nl: "ontwerp", en: "draft")
        case .complete: return localized(nl: "afgewerkt", en: "complete")
        case .withdrawn: return localized(nl: "ingetrokken", en: "withdrawn")
        }
    }
}

extension ReviewStatus {
    /// "goedgekeurd", "approved", …: the status's label in the language of the moment.
    public var words: String { label.text(Language.current.rawValue) }

    /// The words for a stored review status, `nl`/`en` "niet beoordeeld" when there is none.
    public static func words(_ status: ReviewStatus?) -> String {
        status?.words ?? localized(nl: "niet beoordeeld", en: "not reviewed")
    }
}

/// The words for a review flag's status (`open`, `answered`, `resolved`); another value unchanged.
public func flagStatusWords(_ status: String) -> String {
    switch status {
    case "open": return localized(nl: "open", en: "open")
    case "answered": return localized(nl: "beantwoord", en: "answered")
    case "resolved": return localized(nl: "opgelost", en: "resolved")
    default: return status
    }
}

extension Interview.Field {
    /// The name people read for an interview's own field ("toestand", "state"); nil for answers and flags.
    public static func words(_ field: String) -> String? {
        switch field {
        case municipality: return localized(nl: "gemeente", en: "municipality")
        case questionnaire: return localized(nl: "vragenlijst", en: "questionnaire")
        case questionnaireVersion: return localized(nl: "versie van de vragenlijst", en: "questionnaire version")
        case mode: return localized(nl: "wijze van afname", en: "mode")
        case respondentFunction: return localized(nl: "functie respondent", en: "respondent function")
        case respondentName: return localized(nl: "naam respondent", en: "respondent name")
        case respondentEmail: return localized(nl: "e-mail respondent", en: "respondent e-mail")
        case state: return localized(nl: "toestand", en: "state")
        case startedAt: return localized(nl: "begonnen", en: "started")
        case completedAt: return localized(nl: "afgerond", en: "completed")
        case interviewer: return "interviewer"
        case review: return localized(nl: "beoordeling", en: "review")
        default: return nil
        }
    }
}
