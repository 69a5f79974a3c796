import Foundation

/// Where a coordinator's review of an interview stands, derived from the log.
///
/// The `review` field records a verdict: `{"status": "approved" | "flagged", "by": …, "at": …}`; an
/// approval also records `approvedThrough`, the server's log position it approved. The status shown
/// everywhere (review queue, dashboard, `GET /v1/interviews/{id}`, every export) is that verdict,
/// except that an approved interview whose data changed after that position is
/// ``editedAfterApproval`` (as ODK Central marks an edited submission) until it is approved again.
///
/// What counts as a change of the data: a field in ``countsAsDataEdit(_:)`` (the answers and every
/// plain field but `review`, by anyone, a coordinator's correction included) whose current value
/// differs from its value at the approved position. Flags and the review itself are the review's own
/// bookkeeping, not data; a conflict resolution counts only when it changes the value (choosing the
/// current version does not); a late change that lost the merge changes nothing and does not count.
public enum ReviewStatus: String, Codable, Sendable, CaseIterable {
    /// A coordinator flagged answers for the interviewer to check.
    case flagged
    /// A coordinator approved the interview, and its data is still what they approved.
    case approved
    /// Approved, but an answer or field changed after the approval: to review again.
    case editedAfterApproval

    /// The `status` member of a `review` object.
    public static let statusKey = "status"
    /// The `approvedThrough` member: the server log position (change-log seq) an approval saw.
    public static let approvedThroughKey = "approvedThrough"

    /// The status a `review` value records, without looking at later edits; `nil` when not reviewed
    /// (or the value is not a review object with a known status).
    public static func recorded(_ review: JSONValue?) -> ReviewStatus? {
        review?.objectValue?[statusKey]?.stringValue.flatMap(ReviewStatus.init(rawValue:)).flatMap { $0 == .editedAfterApproval ? nil : $0 }
    }

    /// The log position an approval recorded; `nil` for anything else (or an approval from before positions were recorded).
    public static func approvedThrough(_ review: JSONValue?) -> Int64? {
        guard recorded(review) == .approved else { return nil }
        switch review?.objectValue?[approvedThroughKey] {
        case .int(let position)? where position >= 0: return position
        case .double(let number)? where number >= 0 && number < 9_007_199_254_740_992 && number == number.rounded(): return Int64(number)
        default: return nil
        }
    }

    /// The status: the recorded one, with an approval turned into ``editedAfterApproval`` when the data changed after it.
    ///
    /// - Parameter dataChangedAfterApproval: whether some data field's current value differs from its
    ///   value at ``approvedThrough(_:)`` (the store works that out from the log).
    public static func derive(review: JSONValue?, dataChangedAfterApproval: Bool) -> ReviewStatus? {
        let status = recorded(review)
        if status == .approved, dataChangedAfterApproval, approvedThrough(review) != nil { return .editedAfterApproval }
        return status
    }

    /// Whether a change of this interview field is a change of the interview's data for review:
    /// `answers.*` and the plain fields, not `review` and not `flags.*`.
    public static func countsAsDataEdit(_ field: String) -> Bool {
        if field.hasPrefix(Interview.Field.answerPrefix) { return true }
        return field != Interview.Field.review && Interview.Field.plain[field] != nil
    }

    /// How people read the status, in Dutch and English.
    public var label: LocalizedText {
        switch self {
        case .flagged: return LocalizedText(["nl": "gemarkeerd", "en": "flagged"], defaultLanguage: "nl")
        case .approved: return LocalizedText(["nl": "goedgekeurd", "en": "approved"], defaultLanguage: "nl")
        case .editedAfterApproval: return LocalizedText(["nl": "gewijzigd na goedkeuring", "en": "edited after approval"], defaultLanguage: "nl")
        }
    }
}
