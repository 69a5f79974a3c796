import LogStore
import Foundation
import GRDB
import Secrets
import Shared

extension SQLServerStore {
    /// Registers the dashboard's session table: a random session id per login, stored only as a hash.
    static func registerDashboardMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("dashboard-v1") { db in
            try db.execute(sql: """
                    CREATE TABLE dashboard_session (
                        id_hash TEXT PRIMARY KEY,
                        user_id TEXT NOT NULL REFERENCES "user" (id),
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    CREATE INDEX dashboard_session_by_expiry ON dashboard_session (expires_at);
                    """
            )
        }
    }

    func createDashboardSession(for user: UserID, lifetime: TimeInterval, now: Date) async throws -> String {
        let session = Secret.newToken()
        try await engine.write { db in
            try db.run("DELETE FROM dashboard_session WHERE expires_at <= ?", [now.timeIntervalSince1970])
            try db.run("INSERT INTO dashboard_session (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                [Secret.hash(session), user.rawValue, now.timeIntervalSince1970, now.addingTimeInterval(lifetime).timeIntervalSince1970]
            )
        }
        return session
    }

    func dashboardPrincipal(session: String, now: Date) async throws -> Principal? {
        try await engine.read { db in
            guard let row = try db.fetchOne("""
                    SELECT u.id, u.name, u.role FROM dashboard_session s JOIN "user" u ON u.id = s.user_id
                    WHERE s.id_hash = ? AND s.expires_at > ?
                    """,
                [Secret.hash(session), now.timeIntervalSince1970]
            ), let role = Role(rawValue: row["role"]), role != .interviewer  // a researcher reaches the downloads only (DashboardAuthMiddleware)
            else { return nil }
            return Principal(user: UserID(row["id"] as String), name: row["name"], role: role, device: nil)
        }
    }

    func endDashboardSession(_ session: String) async throws {
        try await engine.write { db in
            try db.run("DELETE FROM dashboard_session WHERE id_hash = ?", [Secret.hash(session)])
        }
    }
}
