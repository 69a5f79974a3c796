import Foundation
import GRDB

extension SQLiteServerStore {
    /// Registers the table where `serve` notes the address laptops reach it at.
    static func registerAddressMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("address-v1") { db in
            try db.execute(sql: "CREATE TABLE server_address (id INTEGER PRIMARY KEY CHECK (id = 1), url TEXT NOT NULL, noted_at REAL NOT NULL)")
        }
    }

    /// Notes the address the running server is reached at, for host-side commands that print it
    /// (the enrolment codes list).
    func noteAddress(_ url: String, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO server_address (id, url, noted_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url, noted_at = excluded.noted_at",
                arguments: [url, now.timeIntervalSince1970]
            )
        }
    }

    /// The address `serve` noted last, if it ran on this database.
    func notedAddress() async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT url FROM server_address WHERE id = 1") }
    }
}
