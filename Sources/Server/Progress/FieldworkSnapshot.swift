import Foundation
import Shared

/// Everything progress figures are computed from, read from the merged log in one transaction.
///
/// Fieldwork records are keyed by the NIS code of their scope (`municipality:<nis>`): the code the
/// case was made for, which may be a 2024 municipality that merged since.
struct FieldworkSnapshot: Sendable {
    /// A value with the clock of its current version, so the latest of several can be chosen.
    struct Versioned<Value: Sendable>: Sendable {
        var value: Value
        var hlc: HLC
    }

    /// A person, as far as progress needs one.
    struct Person: Sendable, Equatable {
        var id: UserID
        var name: String
        var role: Role
    }

    /// An enrolled laptop.
    struct Laptop: Sendable, Equatable {
        var id: DeviceID
        var user: UserID
        var name: String
        var createdAt: Date
        var lastSyncAt: Date?
        var revokedAt: Date?
    }

    var roster: Roster
    /// Contact attempts by the NIS code of their scope.
    var attempts: [String: [ContactAttempt]] = [:]
    /// Interviews by the NIS code of their scope.
    var interviews: [String: [Interview]] = [:]
    /// Case statuses a coordinator set, by NIS code.
    var overrides: [String: Versioned<CaseStatus>] = [:]
    /// Current assignments, by NIS code.
    var assignments: [String: Versioned<UserID>] = [:]
    var people: [UserID: Person] = [:]
    var laptops: [Laptop] = []
    var openConflicts = 0
    /// Open conflicts per interview id (lowercase), for the review queue.
    var openConflictsByInterview: [String: Int] = [:]
    var logPosition: Int64 = 0
    /// Review statuses as the log derives them (`SQLServerStore.reviewStatus(ofInterview:review:in:)`), by interview.
    var reviewStatuses: [Interview.ID: ReviewStatus] = [:]

    /// An interview's review status: the derived one, or (for an interview this snapshot did not
    /// derive one for) what its `review` field records.
    func reviewStatus(of interview: Interview) -> ReviewStatus? {
        reviewStatuses[interview.id] ?? ReviewStatus.derive(review: interview.review, dataChangedAfterApproval: false)
    }

    /// Every NIS code some fieldwork record is filed under.
    var caseCodes: Set<String> {
        Set(attempts.keys).union(interviews.keys).union(overrides.keys).union(assignments.keys)
    }
}
