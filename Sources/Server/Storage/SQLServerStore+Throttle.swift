import LogStore
import Foundation
import GRDB

/// The sign-in throttle's records (``AttemptThrottle``), one row per key, JSON, in the server's database.
extension SQLServerStore {
    static func registerThrottleMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("throttle-v1") { db in
            try db.execute(sql: """
                    CREATE TABLE sign_in_throttle (
                        key TEXT PRIMARY KEY,
                        record TEXT NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX sign_in_throttle_updated ON sign_in_throttle (updated_at);
                    """
            )
        }
    }

    func throttleRecords(_ keys: [String]) async throws -> [String: ThrottleRecord] {
        try await engine.read { db in try Self.throttleRecords(keys, in: db) }
    }

    func updateThrottleRecords<T: Sendable>(
        _ keys: [String], now: Date, forgetBefore: Date?, _ body: @escaping @Sendable (inout [String: ThrottleRecord]) -> T
    ) async throws -> T {
        // A lost count in a power cut costs a guesser nothing worth an fsync.
        try await pushes.write(durable: false) { db in
            if let forgetBefore {
                try db.run("DELETE FROM sign_in_throttle WHERE updated_at < ?", [forgetBefore.timeIntervalSince1970])
            }
            var records = try Self.throttleRecords(keys, in: db)
            let result = body(&records)
            for (key, record) in records {
                try db.run(
                    """
                    INSERT INTO sign_in_throttle (key, record, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at
                    """,
                    [key, String(decoding: try JSONEncoder().encode(record), as: UTF8.self), now.timeIntervalSince1970]
                )
            }
            return result
        }
    }

    private static func throttleRecords(_ keys: [String], in db: any SQLDatabase) throws -> [String: ThrottleRecord] {
        var records: [String: ThrottleRecord] = [:]
        for key in Set(keys) {
            if let text = try db.value(String.self, "SELECT record FROM sign_in_throttle WHERE key = ?", [key]) {
                records[key] = try JSONDecoder().decode(ThrottleRecord.self, from: Data(text.utf8))
            }
        }
        return records
    }
}
