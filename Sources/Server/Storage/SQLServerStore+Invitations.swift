import Foundation
import GRDB
import LogStore
import Secrets
import Shared

/// What an invitation's link opens: the invitation, its interview, the questionnaire version, and the municipality's name.
struct WebInvitation: Sendable {
    var invitation: Invitation
    var interview: Interview
    var form: Questionnaire
    var municipalityName: String
}

extension SQLServerStore {
    /// The invitation whose link's secret hashes to `tokenHash`, if it exists and still opens its interview:
    /// not revoked, not expired, and its interview is of the invitation's own municipality.
    func webInvitation(tokenHash: String, now: Date) async throws -> WebInvitation? {
        try await engine.read { [sealing] db in try Self.webInvitation(tokenHash: tokenHash, now: now, sealing: sealing, in: db) }
    }

    static func webInvitation(tokenHash: String, now: Date, sealing: PersonalDataSealing, in db: any SQLDatabase) throws -> WebInvitation? {
        let ids = try db.values(String.self, "SELECT entity_id FROM field_state WHERE entity = ? AND field = ? AND value = ?",
            [Entity.invitation.rawValue, Invitation.Field.tokenHash, JSONValue.string(tokenHash).canonicalJSON]
        )
        // A hash names one invitation; two that share one (a laptop copying another's) open neither.
        guard ids.count == 1, let id = ids.first.flatMap(UUID.init(uuidString:)) else { return nil }
        let invitation = Invitation(id: id, fields: try sealing.fields(of: .invitation, id: ids[0], in: db))
        guard invitation.isOpen(at: now), let nis = invitation.municipality, let interviewID = invitation.interview else { return nil }
        let fields = try sealing.fields(of: .interview, id: key(interviewID), in: db)
        let interview = Interview(id: interviewID, fields: fields)
        guard interview.municipality == nis, interview.state != .withdrawn,
            let formID = interview.questionnaire, let version = interview.questionnaireVersion,
            let form = try questionnaire(id: formID, version: version, in: db)
        else { return nil }
        let name = try roster(in: db).current(nis: nis)?.name ?? nis
        return WebInvitation(invitation: invitation, interview: interview, form: form, municipalityName: name)
    }

    /// Stores a respondent's answers (and, on `submit`, completes the interview) as changes authored by the
    /// invitation's own device, in one transaction; only answers that differ from the stored ones become changes.
    ///
    /// - Throws: ``DomainError`` (gone) when the link stopped working meanwhile, conflict when the interview was submitted already.
    func saveWebAnswers(tokenHash: String, answers: [String: JSONValue], submit: Bool, now: Date) async throws -> [Change] {
        try await engine.write { [sealing] db in
            guard let web = try Self.webInvitation(tokenHash: tokenHash, now: now, sealing: sealing, in: db) else {
                throw DomainError.gone(WebFormText.closed, code: "invitation_closed")
            }
            guard web.interview.state != .complete else {
                throw DomainError.conflict(WebFormText.alreadySubmitted, code: "already_submitted")
            }
            let nis = web.invitation.municipality ?? ""
            let key = Self.key(web.interview.id)
            var edits: [FieldEdit] = []
            for (name, value) in answers.sorted(by: { $0.key < $1.key }) where web.interview.answers[name] != value {
                edits.append(FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: Interview.Field.answer(name), value: value))
            }
            if submit {
                let stamp = ProgressCalculator.isoTime(now)
                edits.append(FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: Interview.Field.state, value: .string(Interview.State.complete.rawValue)))
                edits.append(FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: Interview.Field.completedAt, value: .string(stamp)))
                if let mode = web.form.selfCompletionMode, web.interview.mode != mode {
                    edits.append(FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: Interview.Field.mode, value: .string(mode)))
                }
            }
            guard !edits.isEmpty else { return [] }
            return try Self.author(edits, as: web.invitation, now: now, sealing: sealing, in: db)
        }
    }

    /// Authors edits as the invitation's own device: its own sequence numbers, and a clock that has seen
    /// everything the server holds (the respondent answered on the server's current state).
    private static func author(_ edits: [FieldEdit], as invitation: Invitation, now: Date, sealing: PersonalDataSealing, in db: any SQLDatabase) throws -> [Change] {
        let device = invitation.device
        var seq = try db.value(Int64.self, "SELECT MAX(dseq) FROM change_log WHERE device = ?", [device.rawValue]) ?? 0
        var clock = HybridClock(device: device)
        if let seen = try ChangeLog.maxClock(in: db) { clock.receive(seen, physical: now.millisecondsSince1970) }
        let sealed = try sealing.sealed(edits, in: db)
        let changes = try ChangeLog.author(sealed, lastSeq: &seq, clock: &clock, author: invitation.respondent, physical: now.millisecondsSince1970, in: db)
        return zip(changes, edits).map { change, edit in change.withValue(edit.value) }
    }

    /// Invites a municipality from the server (the dashboard's button, `POST /v1/cases/{nis}/invitations`):
    /// a new self-completion interview on the newest questionnaire and its invitation. Returns the link's secret.
    func createInvitation(municipality nis: String, email: String?, validDays: Int, by author: Principal, now: Date) async throws -> (Invitation, token: String) {
        let token = Secret.newToken()
        let invitationID = UUID()
        try await engine.write { db in
            guard try Self.roster(in: db).municipalities.contains(where: { $0.nis == nis }) else {
                throw DomainError.notFound(localized(nl: "Er is geen gemeente \(nis).", en: "There is no municipality \(nis)."))
            }
            guard let form = try Self.latestQuestionnaire(in: db) else {
                throw DomainError.conflict(localized(nl: "Er is nog geen vragenlijst gepubliceerd.", en: "No questionnaire is published yet."))
            }
            if let group = form.groups.first(where: \.repeats) {
                // The web form asks questions one page at a time and has no way yet to add instances of a repeat.
                throw DomainError.conflict(localized(
                    nl: "De vragenlijst \(form.id) \(form.version) heeft een herhaling (\(group.name)), die het webformulier nog niet kan vragen; laat deze gemeente door een interviewer bevragen.",
                    en: "Questionnaire \(form.id) \(form.version) has a repeat (\(group.name)), which the web form cannot ask yet; have an interviewer interview this municipality."
                ), code: "web_form_repeats")
            }
            let edits = Invitation.edits(
                invitation: invitationID, interview: UUID(), municipality: nis, form: form, by: author.user, tokenHash: Secret.hash(token), email: email,
                validDays: validDays, now: now
            )
            _ = try Self.author(edits, by: author.user, now: now, sealing: self.sealing, in: db)
        }
        let fields = try await engine.read { [sealing] db in try sealing.fields(of: .invitation, id: invitationID.uuidString.lowercased(), in: db) }
        return (Invitation(id: invitationID, fields: fields), token)
    }

    /// The newest published questionnaire version.
    static func latestQuestionnaire(in db: any SQLDatabase) throws -> Questionnaire? {
        try ChangeLog.records(of: .questionnaire, in: db).values
            .compactMap { try $0["definition"]?.decode(as: Questionnaire.self) }
            .max { Questionnaire.versionOrder($0.version, $1.version) }
    }

    /// The invitations of a municipality, newest first.
    func invitations(municipality nis: String) async throws -> [Invitation] {
        try await engine.read { [sealing] db in
            try sealing.records(of: .invitation, scope: .municipality(nis), in: db)
                .compactMap { id, fields in UUID(uuidString: id).map { Invitation(id: $0, fields: fields) } }
                .sorted { ($0.createdAt ?? "") > ($1.createdAt ?? "") }
        }
    }
}
