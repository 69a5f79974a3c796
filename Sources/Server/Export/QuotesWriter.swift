import Shared

/// The open-text answers for qualitative coding, one row per answer, only from respondents who
/// agreed to be quoted (`f_citaat_toestemming = ja` in the study).
///
/// Rows name the interview and the municipality by pseudonym and give the province, so a quote
/// cannot be joined back to a municipality through the other exports. Answers the form declares as
/// quasi-identifiers (the respondent's function, a free-text department) are left out unless
/// `context=true` (`--with-context`).
struct QuotesWriter: ExportWriter {
    let schema: ExportSchema
    let options: ExportOptions
    private let csv: CSVWriter
    private let textQuestions: [ExportSchema.Question]

    init(schema: ExportSchema, options: ExportOptions) {
        self.schema = schema
        self.options = options
        csv = options.csvWriter
        // A quote beside the respondent's function and department can name the person: those stay out unless asked for.
        let identifying = options.withContext ? [] : schema.quasiIdentifiers
        textQuestions = schema.questions.filter { $0.type == .text && !identifying.contains($0.name) }
    }

    mutating func begin(into out: inout [UInt8]) {
        if options.byteOrderMark { out += CSVWriter.byteOrderMark }
        csv.appendLine(["interview", "municipality", "province", "question", "question_label", "answer"], to: &out)
    }

    /// Whether the respondent agreed to be quoted: the consent question answered `ja` (and asked).
    func hasConsent(_ record: ExportRecord) -> Bool {
        record.cell(options.quoteConsentQuestion) == .value(.string(options.quoteConsentValue))
    }

    mutating func write(_ record: ExportRecord, into out: inout [UInt8]) {
        guard hasConsent(record) else { return }
        for question in textQuestions {
            guard case .value(.string(let answer)) = record.cell(question.name), !answer.isEmpty else { continue }
            csv.appendLine(
                [
                    record.interviewPseudonym ?? "", record.municipalityPseudonym ?? "", record.province ?? "", question.variable,
                    question.label.text(options.language), answer,
                ],
                to: &out
            )
        }
    }
}
