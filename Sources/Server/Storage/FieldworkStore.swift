import Foundation
import Shared

/// What fieldwork set-up needs from storage: people, codes, laptops, assignments, cases, the quarantine,
/// credentials, questionnaires and the roster (``FieldworkOperations``, the fieldwork and credential routes).
///
/// Every method is one transaction; refusals are ``DomainError``s.
protocol FieldworkStore: ServerStore {
    func users(role: Role?) async throws -> [User]
    /// Users from a CSV (name,email[,role]): interviewers with an enrolment code, others with an API token. All or none.
    func createUsers(csv: String, codeLifetime: TimeInterval, now: Date, creator: Role) async throws -> [CreatedUser]
    func devices() async throws -> [DeviceInfo]
    func assignments() async throws -> [AssignmentInfo]
    /// Assignments from a CSV (nis_code,interviewer by id, e-mail or exact name). All or none.
    func assign(csv: String, by author: Principal, now: Date) async throws -> [Change]
    /// Sets a case's status by hand; nil lets it follow its contacts again.
    func setCaseStatus(_ nis: String, to status: CaseStatus?, by author: Principal, now: Date) async throws -> Change
    func quarantine(status: QuarantinedChange.Status?) async throws -> [QuarantinedChange]
    func resolveQuarantine(_ id: ChangeID, accept: Bool, now: Date) async throws -> QuarantinedChange
    func credentials(user: UserID?, now: Date) async throws -> [CredentialInfo]
    /// Revokes an API token, a laptop or a dashboard session, as ``CredentialPolicy`` allows the actor.
    func revokeCredential(_ reference: String, by actor: Principal, now: Date) async throws -> CredentialInfo
    func questionnaireSummaries() async throws -> [QuestionnaireSummary]
    func publishQuestionnaire(_ form: Questionnaire, by author: Principal, now: Date) async throws -> PublishResult
    func loadRoster(_ roster: Roster, by author: Principal, now: Date) async throws -> RosterLoadResult
}

extension SQLServerStore: FieldworkStore {}
