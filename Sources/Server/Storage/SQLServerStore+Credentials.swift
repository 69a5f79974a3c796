import LogStore
import Foundation
import GRDB
import Secrets
import Shared

/// People's API tokens, laptops' device tokens and dashboard sessions: listed (never the secret) and revoked.
extension SQLServerStore {
    /// Adds when each credential was last used (noted at most once a minute, see ``LastUseRecorder``).
    static func registerCredentialMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("credentials-v1") { db in
            try db.execute(sql: """
                    ALTER TABLE api_token ADD COLUMN last_used_at REAL;
                    ALTER TABLE device ADD COLUMN last_used_at REAL;
                    ALTER TABLE dashboard_session ADD COLUMN last_used_at REAL;
                    """
            )
        }
    }

    /// How many hex digits of a secret's hash name an API token or session (`t-…`, `s-…`): 64 bits, no secret.
    static let referenceDigits = 16

    /// Every API token and laptop, and the dashboard sessions still live at `now`; optionally one person's.
    func credentials(user: UserID? = nil, now: Date) async throws -> [CredentialInfo] {
        try await engine.read { db in
            let filter = user == nil ? "" : " AND u.id = ?"
            let arguments = user.map { SQLArguments([$0.rawValue]) } ?? SQLArguments()
            var items: [CredentialInfo] = []
            for row in try db.fetchAll("""
                    SELECT t.token_hash, t.user_id, u.name AS user_name, u.role, t.created_at, t.last_used_at, t.revoked_at
                    FROM api_token t JOIN "user" u ON u.id = t.user_id WHERE TRUE\(filter) ORDER BY t.created_at
                    """,
                arguments
            ) {
                if let item = Self.credential(row, kind: .apiToken, id: "t-" + (row["token_hash"] as String).prefix(Self.referenceDigits)) {
                    items.append(item)
                }
            }
            for row in try db.fetchAll("""
                    SELECT d.id, d.name, d.user_id, u.name AS user_name, u.role, d.created_at, d.last_used_at, d.last_sync_at, d.revoked_at
                    FROM device d JOIN "user" u ON u.id = d.user_id WHERE TRUE\(filter) ORDER BY d.created_at
                    """,
                arguments
            ) {
                if let item = Self.credential(row, kind: .device, id: row["id"]) { items.append(item) }
            }
            for row in try db.fetchAll("""
                    SELECT s.id_hash, s.user_id, u.name AS user_name, u.role, s.created_at, s.last_used_at, s.expires_at
                    FROM dashboard_session s JOIN "user" u ON u.id = s.user_id WHERE s.expires_at > ?\(filter) ORDER BY s.created_at
                    """,
                SQLArguments([now.timeIntervalSince1970]) + arguments
            ) {
                if let item = Self.credential(row, kind: .session, id: "s-" + (row["id_hash"] as String).prefix(Self.referenceDigits)) {
                    items.append(item)
                }
            }
            return items
        }
    }

    private static func credential(_ row: SQLRow, kind: CredentialInfo.Kind, id: String) -> CredentialInfo? {
        guard let role = Role(rawValue: row["role"]) else { return nil }
        func date(_ column: String) -> Date? { (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }
        // A laptop synced before last use was recorded: its last sync is a use too.
        let used = [date("last_used_at"), row.hasColumn("last_sync_at") ? date("last_sync_at") : nil].compactMap { $0 }.max()
        return CredentialInfo(
            id: id, kind: kind, user: UserID(row["user_id"] as String), userName: row["user_name"], role: role,
            name: row.hasColumn("name") ? row["name"] as String? : nil, createdAt: Date(timeIntervalSince1970: row["created_at"]), lastUsedAt: used,
            expiresAt: row.hasColumn("expires_at") ? date("expires_at") : nil, revokedAt: row.hasColumn("revoked_at") ? date("revoked_at") : nil
        )
    }

    /// Revokes one credential by its reference (`t-…`, a device id, `s-…`) if `actor` may (``CredentialPolicy``).
    ///
    /// A token or laptop is marked revoked and refused from the next request on; a session is deleted.
    /// Revoking one revoked already changes nothing and answers it as it is.
    func revokeCredential(_ reference: String, by actor: Principal, now: Date) async throws -> CredentialInfo {
        let reference = reference.trimmingCharacters(in: .whitespaces)
        let target = try await engine.read { db in try Self.credentialTarget(reference, now: now, in: db) }
        guard let target else {
            throw DomainError.notFound("There is no credential \(reference); `credentials` lists them (t-… API tokens, d-… laptops, s-… dashboard sessions).")
        }
        try CredentialPolicy.checkRevoke(by: actor, owner: target.info.user, ownerName: target.info.userName, ownerRole: target.info.role)
        let (kind, key) = (target.info.kind, target.key)
        try await engine.write { db in
            switch kind {
            case .apiToken:
                try db.run("UPDATE api_token SET revoked_at = COALESCE(revoked_at, ?) WHERE token_hash = ?", [now.timeIntervalSince1970, key]
                )
            case .device:
                try db.run("UPDATE device SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", [now.timeIntervalSince1970, key])
            case .session:
                try db.run("DELETE FROM dashboard_session WHERE id_hash = ?", [key])
            }
        }
        var info = target.info
        info.revokedAt = info.revokedAt ?? now
        return info
    }

    /// The credential a reference names, with the key of its row; nil when none (or the reference is ambiguous).
    private static func credentialTarget(_ reference: String, now: Date, in db: any SQLDatabase) throws -> (info: CredentialInfo, key: String)? {
        let hex = reference.dropFirst(2)
        let isReference = hex.count == referenceDigits && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
        if reference.hasPrefix("t-") {
            guard isReference else { return nil }
            let rows = try db.fetchAll("""
                    SELECT t.token_hash, t.user_id, u.name AS user_name, u.role, t.created_at, t.last_used_at, t.revoked_at
                    FROM api_token t JOIN "user" u ON u.id = t.user_id WHERE substr(t.token_hash, 1, CAST(? AS INTEGER)) = ?
                    """,
                [referenceDigits, String(hex)]
            )
            guard rows.count == 1, let row = rows.first, let info = credential(row, kind: .apiToken, id: reference) else { return nil }
            return (info, row["token_hash"])
        }
        if reference.hasPrefix("s-") {
            guard isReference else { return nil }
            let rows = try db.fetchAll("""
                    SELECT s.id_hash, s.user_id, u.name AS user_name, u.role, s.created_at, s.last_used_at, s.expires_at
                    FROM dashboard_session s JOIN "user" u ON u.id = s.user_id WHERE substr(s.id_hash, 1, CAST(? AS INTEGER)) = ? AND s.expires_at > ?
                    """,
                [referenceDigits, String(hex), now.timeIntervalSince1970]
            )
            guard rows.count == 1, let row = rows.first, let info = credential(row, kind: .session, id: reference) else { return nil }
            return (info, row["id_hash"])
        }
        guard let row = try db.fetchOne("""
                SELECT d.id, d.name, d.user_id, u.name AS user_name, u.role, d.created_at, d.last_used_at, d.last_sync_at, d.revoked_at
                FROM device d JOIN "user" u ON u.id = d.user_id WHERE d.id = ?
                """,
            [reference]
        ), let info = credential(row, kind: .device, id: reference)
        else { return nil }
        return (info, reference)
    }

    /// Notes that a bearer token (API or device) was used at `date`.
    ///
    /// Joins the next group commit as a write that need not wait for the disk, so it neither adds an
    /// fsync nor holds up a push; callers note a token at most once a minute (``LastUseRecorder``).
    func noteTokenUse(hash: String, at date: Date) async throws {
        try await pushes.write(durable: false) { db in
            if try db.run("UPDATE api_token SET last_used_at = ? WHERE token_hash = ?", [date.timeIntervalSince1970, hash]) == 0 {
                try db.run("UPDATE device SET last_used_at = ? WHERE token_hash = ?", [date.timeIntervalSince1970, hash])
            }
        }
    }

    /// Notes that a dashboard session was used at `date` (as ``noteTokenUse(hash:at:)``).
    func noteSessionUse(session: String, at date: Date) async throws {
        let hash = Secret.hash(session)
        try await pushes.write(durable: false) { db in
            try db.run("UPDATE dashboard_session SET last_used_at = ? WHERE id_hash = ?", [date.timeIntervalSince1970, hash])
        }
    }

    /// Ends the user's unused enrolment codes that are still valid (a newer code replaces them).
    static func endUnusedEnrolmentCodes(of user: UserID, now: Date, in db: any SQLDatabase) throws {
        try db.run("UPDATE enrolment_code SET expires_at = ? WHERE user_id = ? AND used_at IS NULL AND expires_at > ?",
            [now.timeIntervalSince1970, user.rawValue, now.timeIntervalSince1970]
        )
    }
}
