import Foundation
import Shared

/// The fieldwork administration, once: what `veldwerk-server admin …` runs on the database and what the
/// API's coordinator routes (`FieldworkRoutes`, `CredentialRoutes`) run for `veldwerk admin …` and the
/// dashboard, with the same checks and limits for both. The arguments' shapes are shared too
/// (`CommandLineOptions/AdminArguments.swift`).
///
/// Refusals are ``DomainError``s: the routes answer with their status, the host's commands print their sentence.
struct FieldworkOperations {
    let store: any FieldworkStore
    /// Who acts: the signed-in coordinator or admin, or the host's operator (``hostOperator``).
    let principal: Principal
    let now: Date
    /// How long a new enrolment code stays valid when the caller does not say.
    var codeLifetime: TimeInterval = ServerConfig().enrolmentCodeLifetime

    func users(role: Role?) async throws -> [User] {
        try await store.users(role: role)
    }

    /// One new user: an interviewer gets an enrolment code, anyone else an API token. Only an admin makes an admin.
    func createUser(_ request: CreateUserRequest) async throws -> CreatedUser {
        guard request.role != .admin || principal.role == .admin else {
            throw DomainError.forbidden(localized(
                nl: "Enkel een beheerder mag een andere beheerder aanmaken; je bent aangemeld als \(principal.role.words).",
                en: "Only an admin may create another admin; you are signed in as \(principal.role.words)."
            ))
        }
        let csv = CSVWriter.text([["name", "email", "role"], [request.name, request.email ?? "", request.role.rawValue]])
        guard let created = try await importUsers(csv: csv).first else { throw DomainError.invalid("No user was created.") }
        return created
    }

    /// Users from a CSV (name,email[,role]), each with an enrolment code or an API token.
    func importUsers(csv: String) async throws -> [CreatedUser] {
        try await store.createUsers(csv: csv, codeLifetime: codeLifetime, now: now, creator: principal.role)
    }

    /// A single-use enrolment code for an interviewer's laptop, valid `validHours` (at most 90 days).
    func enrolmentCode(for id: UserID, validHours: Double?) async throws -> EnrolmentCode {
        let hours = validHours ?? codeLifetime / 3600
        guard EnrolmentCodeRequest.isValid(hours: hours) else { throw DomainError.invalid(EnrolmentCodeRequest.invalidHoursSentence) }
        guard let user = try await store.user(id) else {
            throw DomainError.notFound(localized(nl: "Er is geen gebruiker \(id).", en: "There is no user \(id)."))
        }
        guard user.role == .interviewer else {
            throw DomainError.invalid(localized(
                nl: "\(user.name) is \(user.role.words); aanmeldcodes zijn voor laptops van interviewers.",
                en: "\(user.name) is a \(user.role.words); enrolment codes are for interviewers' laptops."
            ))
        }
        return try await store.issueEnrolmentCode(for: id, lifetime: hours * 3600, now: now)
    }

    func devices() async throws -> [DeviceInfo] {
        try await store.devices()
    }

    /// Revokes a laptop (the same operation and checks as revoking any credential); returns it as listed now.
    func revokeDevice(_ text: String) async throws -> DeviceInfo {
        guard let id = DeviceID(rawValue: text) else {
            throw DomainError.malformed(localized(
                nl: "\"\(text)\" is geen toestel-id (a-z, 0-9 en '-', bv. d-3f9a0c2b7e41).",
                en: "\"\(text)\" is not a device id (a-z, 0-9 and '-', e.g. d-3f9a0c2b7e41)."
            ))
        }
        _ = try await store.revokeCredential(id.rawValue, by: principal, now: now)
        guard let device = try await store.devices().first(where: { $0.id == id }) else {
            throw DomainError.notFound(localized(nl: "Er is geen toestel \(id).", en: "There is no device \(id)."))
        }
        return device
    }

    func assignments() async throws -> [AssignmentInfo] {
        try await store.assignments()
    }

    /// Gives municipalities to an interviewer, moving them from whoever had them.
    func assign(_ request: AssignRequest) async throws -> [Change] {
        guard !request.municipalities.isEmpty else {
            throw DomainError.invalid(localized(nl: "Noem minstens één gemeente (NIS-code).", en: "Name at least one municipality (NIS code)."))
        }
        for nis in request.municipalities where !Scope.isNIS(nis) {
            throw DomainError.invalid(
                Scope.notNISSentence(nis),
                code: "unknown_municipality"
            )
        }
        return try await store.assign(request.municipalities, to: request.user, by: principal, now: now)
    }

    /// Assignments from a CSV (nis_code,interviewer).
    func assign(csv: String) async throws -> [Change] {
        try await store.assign(csv: csv, by: principal, now: now)
    }

    /// Sets a case's status by hand; nil lets it follow its contacts again.
    func setCaseStatus(_ nis: String, to status: CaseStatus?) async throws -> Change {
        guard Scope.isNIS(nis) else {
            throw DomainError.malformed(Scope.notNISSentence(nis))
        }
        return try await store.setCaseStatus(nis, to: status, by: principal, now: now)
    }

    func quarantine(status: QuarantinedChange.Status?) async throws -> [QuarantinedChange] {
        try await store.quarantine(status: status)
    }

    /// Accepts (merges) or discards a quarantined change.
    func resolveQuarantine(_ text: String, accept: Bool) async throws -> QuarantinedChange {
        guard let id = ChangeID(text) else {
            throw DomainError.malformed(localized(
                nl: "\"\(text)\" is geen id van een wijziging (toestel:volgnummer, bv. d-3f9a0c2b7e41:17).",
                en: "\"\(text)\" is not a change id (device:seq, e.g. d-3f9a0c2b7e41:17)."
            ))
        }
        return try await store.resolveQuarantine(id, accept: accept, now: now)
    }

    func credentials(user: UserID?) async throws -> [CredentialInfo] {
        try await store.credentials(user: user, now: now)
    }

    func revokeCredential(_ reference: String) async throws -> CredentialInfo {
        try await store.revokeCredential(reference, by: principal, now: now)
    }
}
