import Foundation

/// Which values are personal data: what a name, an e-mail address or a phone number of a person could be in.
///
/// - the respondent fields the system knows (``Interview/Field/plain`` marks them: `respondentName`,
///   `respondentEmail`);
/// - answers to the questions a form declares in its settings column `personal_data` (in a repeat
///   instance too), and the review flags on those questions (a flag may quote the answer);
/// - every contact attempt's `note`;
/// - the e-mail address an invitation was meant for.
///
/// The purge of personal data (`veldwerk-server admin purge-personal-data`) removes exactly these.
public enum PersonalData {
    /// Whether `field` of `entity` holds personal data, given the questions the forms declare.
    public static func isPersonal(entity: Entity, field: String, personalQuestions: Set<String>) -> Bool {
        if entity == .contactAttempt { return field == ContactAttempt.Field.note }
        if entity == .invitation { return field == Invitation.Field.email }
        guard entity == .interview else { return false }
        for prefix in [Interview.Field.answerPrefix, Interview.Field.flagPrefix] where field.hasPrefix(prefix) {
            return personalQuestions.contains(String(field.dropFirst(prefix.count)))
        }
        if let (_, question) = RepeatInstance.parseField(field) {
            return question.map(personalQuestions.contains) ?? false
        }
        return Interview.Field.plain[field] == true
    }
}
