import Shared

/// The columns before the answers in the wide CSV and the SPSS file (and their codebook rows).
enum MetadataColumn: String, CaseIterable, Sendable {
    case interviewID = "interview_id"
    case nis2024 = "municipality_nis_2024"
    case nis2025 = "municipality_nis_2025"
    case province
    case interviewer
    case mode
    case questionnaireVersion = "questionnaire_version"
    case state
    case startedAt = "started_at"
    case completedAt = "completed_at"
    case reviewStatus = "review_status"
    case respondentFunction = "respondent_function"
    // Personal data: only with --include-personal-data.
    case interviewerID = "interviewer_id"
    case interviewerName = "interviewer_name"
    case respondentName = "respondent_name"
    case respondentEmail = "respondent_email"

    var isPersonal: Bool {
        switch self {
        case .interviewerID, .interviewerName, .respondentName, .respondentEmail: return true
        default: return false
        }
    }

    /// The columns an export has: the personal ones only when asked for.
    static func columns(includePersonalData: Bool) -> [MetadataColumn] {
        allCases.filter { includePersonalData || !$0.isPersonal }
    }

    /// Whether the value is a timestamp (SPSS DATETIME) rather than text.
    var isTimestamp: Bool { self == .startedAt || self == .completedAt }

    /// The variable label, in Dutch and English.
    var label: LocalizedText {
        let texts: (String, String)
        switch self {
        case .interviewID: texts = ("Interview-id", "Interview id")
        case .nis2024: texts = ("NIS-code gemeente (2024)", "Municipality NIS code (2024)")
        case .nis2025: texts = ("NIS-code gemeente (vanaf 2025)", "Municipality NIS code (from 2025)")
        case .province: texts = ("Provincie", "Province")
        case .interviewer: texts = ("Interviewer (pseudoniem)", "Interviewer (pseudonym)")
        case .mode: texts = ("Wijze van afname", "Interview mode")
        case .questionnaireVersion: texts = ("Versie vragenlijst", "Questionnaire version")
        case .state: texts = ("Status interview", "Interview state")
        case .startedAt: texts = ("Begonnen op", "Started at")
        case .completedAt: texts = ("Afgerond op", "Completed at")
        case .reviewStatus: texts = ("Reviewstatus", "Review status")
        case .respondentFunction: texts = ("Functie respondent", "Respondent's position")
        case .interviewerID: texts = ("Interviewer-id (persoonsgegeven)", "Interviewer id (personal data)")
        case .interviewerName: texts = ("Naam interviewer (persoonsgegeven)", "Interviewer name (personal data)")
        case .respondentName: texts = ("Naam respondent (persoonsgegeven)", "Respondent name (personal data)")
        case .respondentEmail: texts = ("E-mail respondent (persoonsgegeven)", "Respondent e-mail (personal data)")
        }
        return LocalizedText(["nl": texts.0, "en": texts.1], defaultLanguage: "nl")
    }

    /// The values a column takes, with their labels, for the codebook (`approved = goedgekeurd / approved; …`);
    /// empty for free values.
    func values(languages: [String]) -> String {
        guard self == .reviewStatus else { return "" }
        return ReviewStatus.allCases.map { status in
            "\(status.rawValue) = " + languages.map { status.label.text($0) }.joined(separator: " / ")
        }.joined(separator: "; ")
    }

    /// The value in a record, as text; `nil` when empty.
    func value(in record: ExportRecord) -> String? {
        let interview = record.interview
        switch self {
        case .interviewID: return record.id
        case .nis2024: return record.nis2024
        case .nis2025: return record.nis2025
        case .province: return record.province
        case .interviewer: return record.interviewerPseudonym
        case .mode: return interview.mode
        case .questionnaireVersion: return interview.questionnaireVersion
        case .state: return interview.state.rawValue
        case .startedAt: return interview.startedAt
        case .completedAt: return interview.completedAt
        case .reviewStatus: return record.reviewStatus
        case .respondentFunction: return interview.respondentFunction
        case .interviewerID: return interview.interviewer?.rawValue
        case .interviewerName: return record.interviewerName
        case .respondentName: return interview.respondentName
        case .respondentEmail: return interview.respondentEmail
        }
    }

    /// The interview field the value comes from, for measuring SPSS string widths; `nil` when derived.
    var storedField: String? {
        switch self {
        case .mode: return Interview.Field.mode
        case .questionnaireVersion: return Interview.Field.questionnaireVersion
        case .respondentFunction: return Interview.Field.respondentFunction
        case .respondentName: return Interview.Field.respondentName
        case .respondentEmail: return Interview.Field.respondentEmail
        case .interviewerID: return Interview.Field.interviewer
        case .startedAt: return Interview.Field.startedAt
        case .completedAt: return Interview.Field.completedAt
        default: return nil
        }
    }
}
