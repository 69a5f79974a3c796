import ArgumentParser
import Foundation
import Shared

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Send this laptop's changes to the server and fetch what is new.",
        discussion: "Safe to repeat and to interrupt: nothing is lost or sent twice."
    )

    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            let (summary, rejections, contents): (SyncSession.Summary, [Rejection], ClientStore.Contents)
            do {
                (summary, rejections, contents) = try await syncProfile()
            } catch let error as ClientError where error == .wrongPassphrase || error == .passphraseNeeded {
                // Unsent personal values cannot be opened. A lost laptop in other hands ends up here: if the
                // server says it was revoked, its study data goes all the same.
                guard let wiped = try await removeIfRevoked() else { throw error }
                try output.emit(wiped) { Self.revokedWithoutPassphrase(wiped) }
                throw ClientError.revoked
            }
            if summary.revoked {
                // The store is closed: the laptop's copy of the study goes, as the coordinator's revocation asks.
                try ClientStore.removeStudyData(home: profile.homeURL)
                try output.emit(summary) { Self.revokedSentence(summary, contents: contents) }
                throw ClientError.revoked
            }
            try output.emit(summary) {
                var lines = [localized(
                    nl: "Gesynchroniseerd: \(summary.acknowledged) wijzigingen verstuurd, \(summary.pulled) ontvangen.",
                    en: "Synced: sent \(summary.acknowledged) changes, received \(summary.pulled)."
                )]
                if summary.rejected > 0 {
                    lines.append(localized(
                        nl: "\(summary.rejected) wijzigingen werden niet aanvaard; `veldwerk status` toont ze (ze blijven op deze laptop).",
                        en: "\(summary.rejected) changes were not accepted; `veldwerk status` lists them (they stay on this laptop)."
                    ))
                }
                if !rejections.isEmpty && summary.rejected == 0 { lines.append(localized(
                    nl: "\(rejections.count) eerdere wijzigingen werden niet aanvaard; zie `veldwerk status`.",
                    en: "\(rejections.count) earlier changes were not accepted; see `veldwerk status`."
                )) }
                lines.append(waitingSentence(summary.waiting))
                return lines.joined(separator: "\n")
            }
        }
    }

    /// One sync with the profile's store open only here, so a revoked laptop can remove the files afterwards.
    private func syncProfile() async throws -> (SyncSession.Summary, [Rejection], ClientStore.Contents) {
        let store = try profile.openStore()
        let me = try store.requireProfile()
        let contents = try store.contents()
        let api = APIClient(transport: makeTransport(me.security), baseURL: me.serverURL, token: me.token)
        let summary: SyncSession.Summary
        do {
            summary = try await SyncCommand.runWithProgress(SyncRunner(store: store, api: api), outbox: try store.outboxCount())
        } catch ClientError.transport(let message) {
            throw ClientError.offline(message)
        }
        return (summary, try store.rejections(), contents)
    }

    /// Asks the server whether this laptop was revoked (`GET /v1/me` answers 401 `device_revoked`); if so
    /// removes the study's data and returns what was there, else nil.
    private func removeIfRevoked() async throws -> ClientStore.Contents? {
        let (me, contents) = try {
            let store = try profile.openStore()
            return (try store.requireProfile(), try store.contents())
        }()
        let api = APIClient(transport: makeTransport(me.security), baseURL: me.serverURL, token: me.token)
        do {
            let _: UserSummary = try await api.send("GET", "/v1/me")
            return nil
        } catch ClientError.server(status: 401, code: "device_revoked", _, _) {
            try ClientStore.removeStudyData(home: profile.homeURL)
            return contents
        } catch {
            return nil
        }
    }

    static func revokedWithoutPassphrase(_ contents: ClientStore.Contents) -> String {
        localized(
            nl: """
                Deze laptop werd ingetrokken door een coördinator.
                \(contents.unsentChanges) niet-verstuurde wijzigingen konden zonder de wachtzin niet overgedragen worden en werden verwijderd.
                De gegevens van de studie op deze laptop (\(contents.interviews) interviews, \(contents.contacts) contactpogingen) werden verwijderd.
                """,
            en: """
                This laptop was revoked by a coordinator.
                \(contents.unsentChanges) unsent changes could not be handed over without the passphrase and were deleted.
                The study's data on this laptop (\(contents.interviews) interviews, \(contents.contacts) contact attempts) has been deleted.
                """
        )
    }

    static func revokedSentence(_ summary: SyncSession.Summary, contents: ClientStore.Contents) -> String {
        var lines = [localized(nl: "Deze laptop werd ingetrokken door een coördinator.", en: "This laptop was revoked by a coordinator.")]
        let handed = summary.acknowledged + summary.rejected
        if handed > 0 {
            lines.append(localized(
                nl: "\(handed) niet-verstuurde wijzigingen werden aan de server overgedragen, waar een coördinator ze aanvaardt of verwerpt.",
                en: "\(handed) unsent changes were handed to the server, where a coordinator accepts or discards them."
            ))
        }
        if summary.waiting > 0 {
            lines.append(localized(
                nl: "\(summary.waiting) wijzigingen konden niet overgedragen worden.", en: "\(summary.waiting) changes could not be handed over."
            ))
        }
        lines.append(localized(
            nl: "De gegevens van de studie op deze laptop (\(contents.interviews) interviews, \(contents.contacts) contactpogingen) werden verwijderd. "
                + "Vraag je coördinator om een nieuwe aanmeldcode om verder te werken.",
            en: "The study's data on this laptop (\(contents.interviews) interviews, \(contents.contacts) contact attempts) has been deleted. "
                + "To work on, ask your coordinator for a new enrolment code."
        ))
        return lines.joined(separator: "\n")
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show who this laptop is enrolled as, what waits to be synced, and the last sync.")

    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    struct Output: Encodable {
        var user: String
        var role: Role
        var device: DeviceID
        var server: String
        var pendingChanges: Int
        var lastSync: Date?
        var rejected: [Rejection]
        var home: String
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            let me = try store.requireProfile()
            let result = Output(
                user: me.userName, role: me.role, device: me.device, server: me.serverURL, pendingChanges: try store.outboxCount(),
                lastSync: me.lastSyncAt, rejected: try store.rejections(), home: profile.homeURL.path
            )
            try output.emit(result) {
                var lines = [
                    localized(
                        nl: "Aangemeld als \(me.userName) (\(me.role.words)), toestel \(me.device), server \(me.serverURL).",
                        en: "Enrolled as \(me.userName) (\(me.role.words)), device \(me.device), server \(me.serverURL)."
                    ),
                    localized(nl: "Laatste synchronisatie: ", en: "Last sync: ")
                        + (me.lastSyncAt.map { ISO8601DateFormatter().string(from: $0) } ?? localized(nl: "nooit", en: "never")) + ".",
                    waitingSentence(result.pendingChanges),
                ]
                for rejection in result.rejected {
                    lines.append(localized(nl: "Niet aanvaard", en: "Not accepted") + " (\(rejection.code.rawValue)) \(rejection.changeId): \(rejection.reason)")
                }
                return lines.joined(separator: "\n")
            }
        }
    }
}

struct Municipalities: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the municipalities assigned to you (as of the last sync).")

    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    struct Row: Encodable {
        var nis: String
        var name: String?
        var province: String?
        var mergedInto: String?
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let roster = try store.roster()
            let rows = try store.assignedMunicipalities().map { nis in
                Row(nis: nis, name: roster[nis]?.name, province: roster[nis]?.province, mergedInto: roster[nis]?.mergedInto)
            }
            try output.emit(rows) {
                guard !rows.isEmpty else { return noMunicipalitiesSentence }
                return rows.map { "\($0.nis)  \($0.name ?? "?")  (\($0.province ?? "?"))" }.joined(separator: "\n")
            }
        }
    }
}
