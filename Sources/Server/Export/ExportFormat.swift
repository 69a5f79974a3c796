/// The files a researcher can export.
enum ExportFormat: String, CaseIterable, Sendable, Codable {
    /// One row per interview, one column per question (select_multiple: the raw list plus a 0/1 column per option).
    case csv
    /// One row per answer: interview, question, value, label.
    case csvLong = "csv-long"
    /// One interview per line, answers as typed JSON values.
    case jsonl
    /// An SPSS system file with variable labels, value labels and user-missing values.
    case sav
    /// The codebook as Markdown.
    case codebook
    /// The codebook as CSV, one row per variable.
    case codebookCSV = "codebook-csv"
    /// The open-text answers of respondents who agreed to be quoted.
    case quotes

    /// The `Content-Type` of the download.
    var contentType: String {
        switch self {
        case .csv, .csvLong, .codebookCSV, .quotes: return "text/csv; charset=utf-8"
        case .jsonl: return "application/x-ndjson; charset=utf-8"
        case .sav: return "application/x-spss-sav"
        case .codebook: return "text/markdown; charset=utf-8"
        }
    }

    /// The file name of a download, e.g. `veldwerk-csv-long-seq1234.csv`, or of a repeat's file, `veldwerk-sav-household-seq1234.sav`.
    func fileName(logPosition: Int64, repeatGroup: String? = nil) -> String {
        let ext: String
        switch self {
        case .csv, .csvLong, .codebookCSV, .quotes: ext = "csv"
        case .jsonl: ext = "jsonl"
        case .sav: ext = "sav"
        case .codebook: ext = "md"
        }
        let name = repeatGroup.map { "-" + SPSSName.sanitise($0) } ?? ""
        return "veldwerk-\(rawValue)\(name)-seq\(logPosition).\(ext)"
    }

    /// Whether the file holds interviews (the codebook describes the questionnaire only).
    var readsInterviews: Bool {
        switch self {
        case .codebook, .codebookCSV: return false
        default: return true
        }
    }
}
