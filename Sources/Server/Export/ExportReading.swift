import Foundation
import Shared

/// One consistent read of the dataset for an export: every call sees the same database state.
///
/// An implementation holds one read transaction open from ``ExportStore/beginExport()`` until it is
/// released, so a page read late in a long download sees exactly what the first page saw.
protocol ExportReading: Sendable {
    /// The last change-log position this read reflects.
    var logPosition: Int64 { get }
    /// The questionnaires, roster, people and pseudonym key, as of ``logPosition``.
    func study() async throws -> ExportStudy
    /// The next interviews in id order after `id` (from the first when `nil`), at most `limit`,
    /// each with its non-empty fields; with `changedAfter`, only interviews with a change after that position.
    func interviews(after id: String?, limit: Int, changedAfter: Int64?) async throws -> [InterviewFields]
    /// The longest value, in UTF-8 bytes, of each named interview field that holds strings (for fixed-width SPSS strings).
    /// A ``RepeatAnswerPattern`` field stands for a question's answers in every repeat instance.
    func longestStrings(of fields: [String]) async throws -> [String: Int]
}

/// A field name standing for a question's answer in every repeat instance (`repeats.*.<question>`),
/// for ``ExportReading/longestStrings(of:)``.
enum RepeatAnswerPattern {
    static let prefix = Interview.Field.repeatPrefix + "*."

    static func field(_ question: String) -> String { prefix + question }

    /// The question a pattern field names; nil for another field.
    static func question(in field: String) -> String? {
        field.hasPrefix(prefix) ? String(field.dropFirst(prefix.count)) : nil
    }
}

/// The store behind exports: opens one consistent read.
protocol ExportStore: Sendable {
    func beginExport() async throws -> any ExportReading
}

/// One interview as stored: its id, its current non-empty fields, and its review status as the log derives it.
struct InterviewFields: Sendable, Equatable {
    var id: String
    var fields: [String: JSONValue]
    /// From `SQLServerStore.reviewStatus(ofInterview:review:in:)`, in the export's snapshot.
    var reviewStatus: ReviewStatus? = nil
}

/// What an export needs besides the interviews, read in the same snapshot.
struct ExportStudy: Sendable {
    /// Every stored questionnaire version.
    var questionnaires: [Questionnaire]
    var roster: Roster
    /// People by id (for names, only shown with personal data).
    var users: [UserID: User]
    /// The server's secret key for pseudonyms.
    var pseudonymKey: [UInt8]
    var logPosition: Int64
}
