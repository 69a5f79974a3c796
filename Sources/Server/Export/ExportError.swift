import Shared

/// Why an export cannot be made, in words a researcher can act on.
enum ExportError: Error, Equatable, CustomStringConvertible {
    /// An option has a value the exporter does not understand.
    case invalidOption(String)
    /// The caller may not export (or not with personal data).
    case forbidden(String)
    /// The database holds no questionnaire to export against.
    case noQuestionnaire
    /// `repeat=NAME` names no repeat of the questionnaire; `known` are the ones it has.
    case unknownRepeat(String, known: [String])

    var description: String {
        switch self {
        case .invalidOption(let message), .forbidden(let message): return message
        case .noQuestionnaire: return "The server has no questionnaire yet, so there is nothing to export; load the study first."
        case .unknownRepeat(let name, let known):
            let list = known.map { "\"\($0)\"" }.joined(separator: ", ")
            return known.isEmpty
                ? localized(
                    nl: "De vragenlijst heeft geen herhaling \"\(name)\"; ze heeft geen herhalingen, dus laat --repeat weg.",
                    en: "The questionnaire has no repeat \"\(name)\"; it has no repeats, so leave out --repeat."
                )
                : localized(
                    nl: "De vragenlijst heeft geen herhaling \"\(name)\"; kies een van: \(list).",
                    en: "The questionnaire has no repeat \"\(name)\"; name one of: \(list)."
                )
        }
    }
}
