import Foundation
import Shared

/// What coordinators' progress figures, review loop and dashboard sessions need from storage.
///
/// Every method is one transaction. Review actions write server-authored changes, so they reach
/// the laptops that hold the municipality on their next sync.
protocol CoordinationStore: ServerStore {
    /// Everything progress figures are computed from, read in one transaction.
    func fieldworkSnapshot() async throws -> FieldworkSnapshot
    /// A municipality's invitations to fill in the questionnaire in a browser, newest first.
    func invitations(municipality: String) async throws -> [Invitation]
    /// Invites a municipality; returns the invitation and its link's secret (kept nowhere).
    func createInvitation(municipality: String, email: String?, validDays: Int, by author: Principal, now: Date) async throws -> (Invitation, token: String)
    /// The invitation a link's secret opens, if it still does.
    func webInvitation(tokenHash: String, now: Date) async throws -> WebInvitation?
    /// Stores a web respondent's answers (and, with `submit`, completes the interview) as changes of the
    /// invitation's own device; only answers that differ from the stored ones become changes.
    func saveWebAnswers(tokenHash: String, answers: [String: JSONValue], submit: Bool, now: Date) async throws -> [Change]
    /// The address `serve` noted last.
    func notedAddress() async throws -> String?
    /// The `default_language` of the questionnaire published last (the dashboard's default language).
    func studyLanguage() async throws -> String?
    /// A questionnaire version, for labels.
    func questionnaire(id: String, version: String) async throws -> Questionnaire?
    /// People's names by id.
    func userNames() async throws -> [UserID: String]

    /// Approves a complete interview; answered flags become resolved. Refused while a flag is still open.
    func approveInterview(_ id: Interview.ID, comment: String?, despiteOpenConflicts: Bool, by author: Principal, now: Date) async throws -> [Change]
    /// Flags one answer with a comment: a task for the interviewer on the next sync.
    func flagAnswer(_ id: Interview.ID, question: String, comment: String, by author: Principal, now: Date) async throws -> [Change]
    /// Closes a flag (the fix is accepted, or the flag was a mistake).
    func resolveFlag(_ id: Interview.ID, question: String, by author: Principal, now: Date) async throws -> [Change]
    /// Settles a kept conflict: a resolution change plus a change of the field to the chosen value.
    func resolveConflict(_ loser: ChangeID, choice: ConflictChoice, value: JSONValue?, by author: Principal, now: Date) async throws -> [Change]
    /// Kept conflicts with labels, authors and times; optionally only open ones, or only one record's.
    func conflictViews(openOnly: Bool, entityId: String?) async throws -> [ConflictView]

    /// Starts a dashboard session; returns the secret session id for the cookie (only its hash is stored).
    func createDashboardSession(for user: UserID, lifetime: TimeInterval, now: Date) async throws -> String
    /// The coordinator behind a live session, or nil when it is unknown, expired, or its user may no longer coordinate.
    func dashboardPrincipal(session: String, now: Date) async throws -> Principal?
    /// Notes that a session was used (callers note each at most once a minute).
    func noteSessionUse(session: String, at date: Date) async throws
    /// Ends a session (logout).
    func endDashboardSession(_ session: String) async throws
}

extension CoordinationStore {
    /// Approves an interview whatever conflicts it holds (host-side tools and tests).
    func approveInterview(_ id: Interview.ID, comment: String?, by author: Principal, now: Date) async throws -> [Change] {
        try await approveInterview(id, comment: comment, despiteOpenConflicts: true, by: author, now: now)
    }
}
