/// The user-missing codes of numeric SPSS variables; the codebook explains them.
enum MissingCode {
    /// The question was asked (relevant) but not answered.
    static let notAnswered = -99.0
    /// The question was skipped by its relevance, or is not in the interview's questionnaire version.
    static let notApplicable = -98.0

    static let labels: [(Double, nl: String, en: String)] = [
        (notAnswered, "Niet beantwoord", "Not answered"),
        (notApplicable, "Niet van toepassing", "Not applicable"),
    ]
}
