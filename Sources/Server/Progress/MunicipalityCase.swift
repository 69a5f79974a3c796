import Foundation
import Shared

/// One municipality of the chosen list with the fieldwork filed under it.
///
/// With the 2025 list, a case made for a 2024 municipality that merged is part of its successor's
/// record (`mergedCodes` names such codes).
struct MunicipalityCase: Sendable {
    var municipality: Municipality
    /// Other NIS codes whose fieldwork counts here (merged predecessors, or the 2025 code in the 2024 list).
    var mergedCodes: [String]
    var status: CaseStatus
    /// Whether the status is a coordinator's decision rather than derived from contacts and interviews.
    var statusIsOverride: Bool
    var interviewer: UserID?
    var attempts: [ContactAttempt]
    /// Interviews, withdrawn ones included.
    var interviews: [Interview]

    var nis: String { municipality.nis }

    /// Whether fieldwork here is finished: completed, refused or unreachable.
    var isClosed: Bool { [.completed, .refused, .unreachable].contains(status) }

    /// Completed interviews.
    var completedInterviews: [Interview] { interviews.filter { $0.state == .complete } }

    /// The day (`YYYY-MM-DD`) of the first completed interview, if it has a date.
    var firstCompletionDay: String? {
        completedInterviews.compactMap { ProgressCalculator.day(of: $0.completedAt) }.min()
    }

    /// The latest contact attempt's time, ISO text.
    var lastContactAt: String? { attempts.compactMap(\.at).max() }
}
