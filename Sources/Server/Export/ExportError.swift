/// Why an export cannot be made, in words a researcher can act on.
enum ExportError: Error, Equatable, CustomStringConvertible {
    /// An option has a value the exporter does not understand.
    case invalidOption(String)
    /// The caller may not export (or not with personal data).
    case forbidden(String)
    /// The database holds no questionnaire to export against.
    case noQuestionnaire

    var description: String {
        switch self {
        case .invalidOption(let message), .forbidden(let message): return message
        case .noQuestionnaire: return "The server has no questionnaire yet, so there is nothing to export; load the study first."
        }
    }
}
