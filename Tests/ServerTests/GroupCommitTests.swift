import Foundation
import GRDB
import LogStore
import Synchronization
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("Group commit: concurrent writes share a transaction, each keeps its own outcome")
struct GroupCommitTests {
    /// Counts the commits of a database.
    final class CommitCounter: TransactionObserver, Sendable {
        let commits = Mutex(0)
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    struct Refused: Error, Equatable { var job: Int }

    @Test("50 writes at once: the failing ones store nothing and get their error, the rest commit together")
    func concurrentWrites() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try DatabasePool(path: directory.appending("group.sqlite").path)
            try await pool.write { db in try db.execute(sql: "CREATE TABLE row (job INTEGER PRIMARY KEY, step INTEGER NOT NULL)") }
            let counter = CommitCounter()
            pool.add(transactionObserver: counter, extent: .databaseLifetime)
            let commits = GroupCommit(engine: SQLiteEngine(pool: pool))

            let outcomes = await withTaskGroup(of: (Int, Result<Int, Refused>).self) { group in
                for job in 0..<50 {
                    group.addTask {
                        do {
                            let value = try await commits.write { db in
                                // The first write holds the writer a while, so the others queue up behind it.
                                if job == 0 { Thread.sleep(forTimeInterval: 0.5) }
                                try db.run("INSERT INTO row (job, step) VALUES (?, 1)", [job])
                                // Every seventh fails after writing: its savepoint must take the row back.
                                if job % 7 == 3 { throw Refused(job: job) }
                                return job * 10
                            }
                            return (job, .success(value))
                        } catch {
                            return (job, .failure(error as? Refused ?? Refused(job: -1)))
                        }
                    }
                }
                var outcomes: [Int: Result<Int, Refused>] = [:]
                for await (job, outcome) in group { outcomes[job] = outcome }
                return outcomes
            }

            for job in 0..<50 {
                if job % 7 == 3 {
                    #expect(outcomes[job] == .failure(Refused(job: job)), "job \(job)")
                } else {
                    #expect(outcomes[job] == .success(job * 10), "job \(job)")
                }
            }
            let stored = try await pool.read { db in try db.values(Int.self, "SELECT job FROM row ORDER BY job") }
            #expect(stored == (0..<50).filter { $0 % 7 != 3 })
            let commitCount = counter.commits.withLock { $0 }
            #expect(commitCount < 25, "50 writes took \(commitCount) commits: they were not grouped")
        }
    }

    @Test("a group of notes that need not be durable commits with synchronous = NORMAL and puts FULL back")
    func lightWrites() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try DatabasePool.durable(path: directory.appending("group.sqlite").path)
            let commits = GroupCommit(engine: SQLiteEngine(pool: pool))
            try await commits.write { db in try db.run("CREATE TABLE note (n INTEGER)") }
            let during = try await commits.write(durable: false) { db in
                try db.run("INSERT INTO note VALUES (1)")
                return try db.value(Int.self, "PRAGMA synchronous")
            }
            let durableDuring = try await commits.write { db in try db.value(Int.self, "PRAGMA synchronous") }
            #expect(during == 1, "NORMAL while only notes commit")
            #expect(durableDuring == 2, "FULL again for a durable write")
            #expect(try await pool.read { db in try db.values(Int.self, "SELECT n FROM note") } == [1])
        }
    }

    @Test("a write after a quiet spell still runs (the flusher stops and starts again)")
    func writesAfterIdle() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try DatabasePool(path: directory.appending("group.sqlite").path)
            let commits = GroupCommit(engine: SQLiteEngine(pool: pool))
            try await commits.write { db in try db.run("CREATE TABLE t (n INTEGER)") }
            for n in 1...3 {
                try await Task.sleep(for: .milliseconds(20))
                try await commits.write { db in try db.run("INSERT INTO t VALUES (?)", [n]) }
            }
            #expect(try await pool.read { db in try db.values(Int.self, "SELECT n FROM t") } == [1, 2, 3])
        }
    }
}

@Suite("Durability settings")
struct DurabilityTests {
    @Test("the server store's writer commits with synchronous = FULL (GRDB's WAL set-up would leave NORMAL); on PostgreSQL, synchronous_commit = on")
    func serverWriterIsFull() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await testStore(path: directory.appending("server.sqlite").path)
            if store.engine.dialect == .postgres {
                #expect(try await store.engine.write { db in try db.value(String.self, "SHOW synchronous_commit") } == "on")
                #expect(try await store.engine.write(durable: false) { db in try db.value(String.self, "SHOW synchronous_commit") } == "off")
                return
            }
            #expect(try await store.engine.write { db in try db.value(Int.self, "PRAGMA synchronous") } == 2)
            #expect(try await store.engine.read { db in try db.value(String.self, "PRAGMA journal_mode") } == "wal")
        }
    }
}
