import Foundation
import LogStore

/// A database engine the server's store runs on: SQLite (one file, the embedded default) or
/// PostgreSQL (several server nodes on one database). The store's SQL is written once, against
/// ``SQLDatabase``; an engine only opens transactions.
///
/// Writes are serial, as SQLite's are, on PostgreSQL too: every write transaction first takes one
/// lock that all nodes share, so log positions are handed out in commit order and a pull can never
/// pass over a change that commits later with a lower position.
protocol SQLEngine: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in a read-only transaction that sees one consistent state.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T
    /// Runs `body` in a write transaction, one writer at a time.
    ///
    /// - Parameter durable: false for writes that may be lost in a power cut (a laptop's last sync
    ///   time): the commit does not wait for the disk.
    func write<T: Sendable>(durable: Bool, _ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T
    /// Holds one read transaction open until ``SQLSnapshot/close()``: every read through it sees the same state (exports).
    func snapshot() async throws -> any SQLSnapshot
    /// Rewrites the stored data so that no copy of a removed or replaced value stays in free pages or logs.
    func compact() async throws
}

extension SQLEngine {
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await write(durable: true, body)
    }
}

/// A read transaction held open across several reads.
protocol SQLSnapshot: Sendable {
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T
    func close() async
}
