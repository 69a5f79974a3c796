import LogStore
import Foundation
import GRDB
import Shared

extension SQLServerStore {
    /// Registers the table where `serve` notes the address laptops reach it at.
    static func registerAddressMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("address-v1") { db in
            try db.execute(sql: "CREATE TABLE server_address (id INTEGER PRIMARY KEY CHECK (id = 1), url TEXT NOT NULL, noted_at REAL NOT NULL)")
        }
        migrator.registerMigration("address-v2-pin") { db in
            // The public key pin of the certificate `serve` was started with (base64url of its SHA-256), if any.
            try db.execute(sql: "ALTER TABLE server_address ADD COLUMN pin TEXT")
        }
    }

    /// Notes the address the running server is reached at, for host-side commands that print it
    /// (the enrolment codes list), with its certificate's key pin when it serves HTTPS itself.
    func noteAddress(_ url: String, pin: CertificatePin? = nil, now: Date) async throws {
        try await engine.write { db in
            try db.run("""
                    INSERT INTO server_address (id, url, noted_at, pin) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET url = excluded.url, noted_at = excluded.noted_at, pin = excluded.pin
                    """,
                [url, now.timeIntervalSince1970, pin?.urlSafe]
            )
        }
    }

    /// The certificate key pin `serve` noted last, if it served HTTPS itself.
    func notedPin() async throws -> CertificatePin? {
        try await engine.read { db in try db.value(String.self, "SELECT pin FROM server_address WHERE id = 1") }.flatMap(CertificatePin.init(text:))
    }

    /// The address `serve` noted last, if it ran on this database.
    func notedAddress() async throws -> String? {
        try await engine.read { db in try db.value(String.self, "SELECT url FROM server_address WHERE id = 1") }
    }
}
