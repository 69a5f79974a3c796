import Foundation
import GRDB
import LogStore

/// SQLite through GRDB: WAL, `synchronous = FULL`, one writer, readers on snapshots.
struct SQLiteEngine: SQLEngine {
    let pool: DatabasePool

    var dialect: SQLDialect { .sqlite }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await pool.read { db in try body(db) }
    }

    func write<T: Sendable>(durable: Bool, _ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            try Self.withSynchronousNormal(unless: durable, db) {
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { preconditionFailure("a transaction returned without running its body") }
                return result
            }
        }
    }

    func snapshot() async throws -> any SQLSnapshot {
        Snapshot(snapshot: try pool.makeSnapshot())
    }

    /// `VACUUM`, then empties the write-ahead log.
    func compact() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// A GRDB snapshot: a connection holding one read transaction (WAL keeps its pages while it lives).
    private struct Snapshot: SQLSnapshot {
        let snapshot: DatabaseSnapshot

        func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
            try await snapshot.read { db in try body(db) }
        }

        func close() async {}
    }

    /// Runs `body` with `synchronous = NORMAL` unless `durable`, then puts the connection's level back:
    /// the commit does not wait for the disk, and the next durable commit puts it there with its own.
    private static func withSynchronousNormal<T>(unless durable: Bool, _ db: Database, _ body: () throws -> T) throws -> T {
        guard !durable else { return try body() }
        let level = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 2
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        do {
            let result = try body()
            try db.execute(sql: "PRAGMA synchronous = \(level)")
            return result
        } catch {
            try? db.execute(sql: "PRAGMA synchronous = \(level)")
            throw error
        }
    }
}
