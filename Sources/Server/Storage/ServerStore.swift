import Foundation
import LogStore
import Shared

/// The server's storage, one implementation per database engine.
///
/// Every method is one transaction. Methods are named for what the server does, not for tables.
protocol ServerStore: ThrottleStore, Sendable {
    /// The change log's history: a new one after a restore from backup, so laptops send again what the server lost.
    var logEpoch: String { get }
    /// Interview ids that start with `prefix` (lowercase hex and dashes), at most `limit` of them.
    func interviewIDs(startingWith prefix: String, limit: Int) async throws -> [Interview.ID]
    /// Loads the roster and the questionnaire into an empty log; returns false when a study was loaded before.
    func loadStudyIfEmpty(roster: Roster, questionnaire: Questionnaire, now: Date) async throws -> Bool

    /// The person and laptop behind a token hash, unless unknown or revoked.
    func principal(forTokenHash hash: String) async throws -> Principal?
    /// The laptop behind a device token that was revoked; nil for a live, unknown or API token.
    func revokedDevice(forTokenHash hash: String) async throws -> Principal?
    /// A revoked laptop's last push: nothing is merged. A change the log holds already is accepted; every
    /// other change of that laptop waits in the quarantine for a coordinator (rejected as `quarantined`).
    func holdFinalPush(_ changes: [Change], from device: DeviceID, now: Date) async throws -> PushResult
    /// Notes that a token was used (callers note each token at most once a minute).
    func noteTokenUse(hash: String, at date: Date) async throws
    func createUser(name: String, role: Role, email: String?, now: Date) async throws -> User
    func user(_ id: UserID) async throws -> User?
    func issueAPIToken(for user: UserID, now: Date) async throws -> String
    /// A new single-use code for the user's laptop; the user's unused older codes end with it.
    func issueEnrolmentCode(for user: UserID, lifetime: TimeInterval, now: Date) async throws -> EnrolmentCode
    func enrol(code: String, deviceName: String, now: Date) async throws -> EnrolResponse

    /// Gives municipalities to an interviewer (moving them from whoever had them): assignment changes in each scope.
    func assign(_ nisCodes: [String], to user: UserID, by author: Principal, now: Date) async throws -> [Change]

    /// Merges a pushed batch in one transaction; returns what was accepted and what was not. With a
    /// clock offset, notes the pushing device's sync time and offset in the same transaction.
    func push(_ changes: [Change], from principal: Principal, now: Date, clockOffsetMs: Int64?) async throws -> PushResult
    /// The scopes a caller may read.
    func readableScopes(for principal: Principal) async throws -> [Scope]
    /// Changes after the cursors in the given scopes, at most `limit`, leaving out the device's own.
    func pull(scopes: [Scope], cursors: [String: Int64], excluding device: DeviceID?, limit: Int) async throws -> PullResult
    /// Notes a device's sync time and measured clock offset.
    func recordSync(device: DeviceID, at: Date, clockOffsetMs: Int64) async throws
    /// Notes that a device pushed changes stamped too far ahead (refused with `clockSkew`).
    func recordClockSkew(device: DeviceID, changes: Int, at now: Date) async throws
    /// Devices whose clock is off by more than `limitMs` or that pushed changes stamped too far ahead.
    func flaggedDevices(limitMs: Int64) async throws -> [FlaggedDevice]

    /// A coordinator's edit of interview fields, as server-authored changes.
    func editInterview(_ id: Interview.ID, fields: [String: JSONValue?], by author: Principal, now: Date) async throws -> [Change]
    func interviewDetail(_ id: Interview.ID) async throws -> InterviewDetail?
    func conflicts(openOnly: Bool) async throws -> [KeptConflict]
}



extension ServerStore {
    /// Merges a pushed batch without noting a sync (imports, tests).
    func push(_ changes: [Change], from principal: Principal, now: Date) async throws -> PushResult {
        try await push(changes, from: principal, now: now, clockOffsetMs: nil)
    }
}

/// The outcome of a push.
struct PushResult: Equatable, Sendable {
    var accepted: [ChangeID] = []
    var rejected: [Rejection] = []
    /// How many of the accepted changes were new to the log (the rest were stored by an earlier push).
    var merged = 0
    /// Versions the push made lose to a concurrent one, kept for review.
    var conflictsKept = 0
}

/// The outcome of a pull: the changes in wire form, ready to send.
struct PullResult: Sendable {
    var changes: [ChangeLog.WireChange] = []
    var cursors: [String: Int64] = [:]
    var more = false

    /// The changes decoded (for tests and tools; a sync sends ``changes`` as they are).
    func decodedChanges() throws -> [Change] {
        try changes.map { try $0.decoded() }
    }
}

/// One interview with everything a reviewer needs.
struct InterviewDetail: Codable, Equatable, Sendable {
    var interview: Interview
    /// The review status derived from the log (`approved`, `flagged`, `editedAfterApproval`); absent when not reviewed.
    var reviewStatus: ReviewStatus?
    var conflicts: [KeptConflict]
    var history: [Change]
}
