import ArgumentParser
import Foundation
import Secrets
import Shared

/// `veldwerk invite NIS`: a link for a local government to fill in the questionnaire itself, in a browser.
struct InviteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Invite a municipality to fill in the questionnaire itself in a browser (works offline; the invitation syncs).",
        discussion: """
            Starts the municipality's interview as a self-completion (its mode is the form's self_completion_mode)
            and prints a link and an invitation text to send yourself; no mail server is involved. The link
            works once the invitation has reached the server (`veldwerk sync`), until it expires or is revoked.
            Only a hash of the link's secret is stored: the link is shown this once.

            Examples:
              veldwerk invite 11001 --email jeugd@gemeente.be
              veldwerk invite 11001 --valid-days 14
              veldwerk invite --revoke 3f9a0c2b
            """
    )

    @Argument(help: "The municipality's NIS code.") var municipality: String?
    @Option(help: "The address the invitation is meant for (kept as personal data; nothing is sent).") var email: String?
    @Option(help: "Days the link stays valid (1–\(Invitation.maximumValidDays)).") var validDays = Invitation.defaultValidDays
    @Option(help: "Revoke an invitation (its id or first characters, from `veldwerk invite --list`).") var revoke: String?
    @Flag(help: "List the invitations on this laptop.") var list = false
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...Invitation.maximumValidDays).contains(validDays) else {
            throw ValidationError(localized(
                nl: "--valid-days ligt tussen 1 en \(Invitation.maximumValidDays).", en: "--valid-days must be between 1 and \(Invitation.maximumValidDays)."
            ))
        }
        if revoke == nil, !list {
            guard let municipality else {
                throw ValidationError(localized(nl: "Geef de NIS-code van de gemeente.", en: "Give the municipality's NIS code."))
            }
            guard Scope.isNIS(municipality) else { throw ValidationError(Scope.notNISSentence(municipality)) }
        }
        try TextArgument.check(email, option: "--email")
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            let me = try store.requireProfile()
            if list { return try printList(store) }
            if let revoke { return try revokeInvitation(revoke, store: store) }
            guard let municipality else { return }
            try requireAssigned(municipality, in: store)
            let form = try store.latestQuestionnaire()
            let now = Date()
            let interview = UUID()
            let invitation = UUID()
            let token = Secret.newToken()
            let stamp = ISO8601DateFormatter()
            let expires = now.addingTimeInterval(Double(validDays) * 86_400)
            let key = interview.uuidString.lowercased()
            let edits = Invitation.edits(
                invitation: invitation, interview: interview, municipality: municipality, form: form, by: me.user, tokenHash: Secret.hash(token),
                email: email, validDays: validDays, now: now
            )
            try store.record(edits, now: now)
            let base = me.serverURL.hasSuffix("/") ? String(me.serverURL.dropLast()) : me.serverURL
            let link = base + "/s/" + token
            let name = try store.roster()[municipality]?.name ?? municipality
            let text = Invitation.text(title: form.title.text(nil), municipality: name, link: link, until: TimeArgument.local(stamp.string(from: expires)), interviewer: me.userName)
            let result = CreatedInvitation(
                invitation: invitation.uuidString.lowercased(), interview: key, municipality: municipality, link: link,
                expiresAt: stamp.string(from: expires), text: text
            )
            let waiting = try store.outboxCount()
            try output.emit(result) {
                text + "\n\n---\n" + localized(
                    nl: "Uitnodiging \(result.invitation.prefix(8)) voor \(name); de link werkt zodra ze gesynchroniseerd is. ",
                    en: "Invitation \(result.invitation.prefix(8)) for \(name); the link works once it is synced. "
                ) + savedSentence(waiting)
            }
        }
    }

    private func invitations(_ store: ClientStore) throws -> [Invitation] {
        try store.invitations().sorted { ($0.createdAt ?? "", $0.id.uuidString) < ($1.createdAt ?? "", $1.id.uuidString) }
    }

    private func printList(_ store: ClientStore) throws {
        let all = try invitations(store)
        struct Row: Encodable {
            var id: String
            var municipality: String?
            var interview: String?
            var createdAt: String?
            var expiresAt: String?
            var revokedAt: String?
            var open: Bool
        }
        let rows = all.map {
            Row(
                id: $0.id.uuidString.lowercased(), municipality: $0.municipality, interview: $0.interview?.uuidString.lowercased(), createdAt: $0.createdAt,
                expiresAt: $0.expiresAt, revokedAt: $0.revokedAt, open: $0.isOpen(at: Date())
            )
        }
        try output.emit(rows) {
            guard !rows.isEmpty else { return localized(nl: "Nog geen uitnodigingen op deze laptop.", en: "No invitations on this laptop yet.") }
            return rows.map { row in
                let state = row.revokedAt != nil
                    ? localized(nl: "ingetrokken", en: "revoked")
                    : row.open ? localized(nl: "geldig tot ", en: "valid until ") + TimeArgument.local(row.expiresAt) : localized(nl: "verlopen", en: "expired")
                return "\(row.id.prefix(8))  \(row.municipality ?? "?")  interview \(row.interview?.prefix(8) ?? "?")  \(state)"
            }.joined(separator: "\n")
        }
    }

    private func revokeInvitation(_ prefix: String, store: ClientStore) throws {
        let matches = try invitations(store).filter { $0.id.uuidString.lowercased().hasPrefix(prefix.lowercased()) }
        guard matches.count == 1, let invitation = matches.first, let municipality = invitation.municipality else {
            throw ClientError.invalidInput(localized(
                nl: "Er is \(matches.isEmpty ? "geen" : "meer dan één") uitnodiging \(prefix) op deze laptop; `veldwerk invite --list` toont ze.",
                en: "There is \(matches.isEmpty ? "no" : "more than one") invitation \(prefix) on this laptop; `veldwerk invite --list` lists them."
            ))
        }
        try requireAssigned(municipality, in: store)
        try store.record([
            FieldEdit(
                scope: .municipality(municipality), entity: .invitation, entityId: invitation.id.uuidString.lowercased(), field: Invitation.Field.revokedAt,
                value: .string(ISO8601DateFormatter().string(from: Date()))
            )
        ])
        let waiting = try store.outboxCount()
        try output.emit(["revoked": invitation.id.uuidString.lowercased()]) {
            localized(
                nl: "Uitnodiging \(invitation.id.uuidString.lowercased().prefix(8)) ingetrokken; de link werkt niet meer zodra dit gesynchroniseerd is. ",
                en: "Revoked invitation \(invitation.id.uuidString.lowercased().prefix(8)); the link stops working once this is synced. "
            ) + savedSentence(waiting)
        }
    }
}
