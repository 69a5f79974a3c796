import Dispatch
import Foundation
import LogStore
import Shared
import Synchronization
import Testing
import TestSupport

@testable import VeldwerkServer

/// Log positions on PostgreSQL with two server nodes writing at once.
///
/// A position drawn from a sequence before its transaction commits can become visible after a later
/// one: a reader that sees 12 moves its cursor past 11 and never pulls 11. The engine keeps positions
/// in commit order (one advisory lock held from the draw to the commit); these tests hold a writer
/// between its draw and its commit and show that a pull in that window cannot pass over it.
@Suite("PostgreSQL: log positions in commit order across nodes", .enabled(if: TestEngine.isPostgres, "two nodes on one PostgreSQL database"))
struct CommitOrderTests {
    /// Holds the first write transaction that adds to the log, before its commit, until released.
    final class CommitGate: Sendable {
        private let armed = Atomic<Bool>(false)
        private let logged = Atomic<Int64>(0)
        let held = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)

        func arm(afterPosition position: Int64) {
            logged.store(position, ordering: .sequentiallyConsistent)
            armed.store(true, ordering: .sequentiallyConsistent)
        }

        @Sendable func beforeCommit(_ db: any SQLDatabase) throws {
            guard armed.load(ordering: .sequentiallyConsistent), try ChangeLog.lastSeq(in: db) > logged.load(ordering: .sequentiallyConsistent) else { return }
            guard armed.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged else { return }
            held.signal()
            _ = release.wait(timeout: .now() + 60)
        }
    }

    @Test("a pull while node A holds position n uncommitted and node B pushes: B waits, and the next pull brings both")
    func pullNeverSkipsAnUncommittedPosition() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending("nodes.sqlite").path
            let url = try #require(try TestEngine.postgresDatabase(for: path).flatMap { PostgresURL($0) })
            let gate = CommitGate()
            let nodeA = try await SQLServerStore.connect(postgres: url, beforeCommit: gate.beforeCommit)
            let nodeB = try await testStore(path: path)
            let seed = try await StudySeed.make(nodeB)
            let nis = seed.order[0]
            let user = seed.interviewers[0]
            var first = TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "first"), user: user)
            var second = TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "second"), user: user)
            let interview = try #require(seed.interviews[nis]?.first).uuidString.lowercased()
            let wall = StudySeed.now.millisecondsSince1970
            let fromA = first.change(
                FieldKey(entity: .interview, entityId: interview, field: "answers.a_dienst"), scope: .municipality(nis), value: .string("onderwijs"),
                wall: wall + 1000, base: nil
            )
            let fromB = second.change(
                FieldKey(entity: .interview, entityId: interview, field: "answers.a_functie"), scope: .municipality(nis), value: .string("schepen"),
                wall: wall + 2000, base: nil
            )

            let start = try await nodeB.pull(scopes: [.municipality(nis)], cursors: [:], excluding: nil, limit: 100_000)
            #expect(start.more == false)
            let before = try await nodeB.engine.read { db in try ChangeLog.lastSeq(in: db) }
            gate.arm(afterPosition: before)

            let pushA = Task { try await nodeA.push([fromA], from: first.principal, now: StudySeed.now) }
            // Node A has drawn its position and stopped before committing.
            let held = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
                DispatchQueue.global().async { done.resume(returning: gate.held.wait(timeout: .now() + 60) == .success) }
            }
            try #require(held, "node A's push reached its commit (it was not refused)")
            let pushB = Task { try await nodeB.push([fromB], from: second.principal, now: StudySeed.now) }
            try await Task.sleep(for: .milliseconds(500))

            // A reader in the window: without commit order it would see B's change at n+1 and move past n.
            let during = try await nodeB.pull(scopes: [.municipality(nis)], cursors: start.cursors, excluding: nil, limit: 100_000)
            let duringIDs = try during.decodedChanges().map(\.id)
            #expect(duringIDs.isEmpty, "nothing is visible while the earlier position is uncommitted; saw \(duringIDs)")

            gate.release.signal()
            let resultA = try await pushA.value
            let resultB = try await pushB.value
            #expect(resultA.accepted == [fromA.id] && resultB.accepted == [fromB.id])

            let after = try await nodeB.pull(scopes: [.municipality(nis)], cursors: during.cursors, excluding: nil, limit: 100_000)
            let pulled = try (during.decodedChanges() + after.decodedChanges()).map(\.id)
            #expect(pulled == [fromA.id, fromB.id], "both changes, each once, in commit order")

            // Positions follow commit order: A, held first, committed first.
            let positions = try await nodeB.engine.read { db in
                try db.values(Int64.self, "SELECT seq FROM change_log WHERE seq > ? ORDER BY seq", [before])
            }
            #expect(positions.count == 2 && positions == positions.sorted())
        }
    }

    @Test("pushes from two nodes at once: every pull sequence taken meanwhile sees every change exactly once")
    func concurrentPushesNeverSkip() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending("nodes.sqlite").path
            let nodeA = try await testStore(path: path)
            let nodeB = try await testStore(path: path)
            let seed = try await StudySeed.make(nodeA)
            let nis = seed.order[0]
            let user = seed.interviewers[0]
            let interview = try #require(seed.interviews[nis]?.first).uuidString.lowercased()
            let start = try await nodeB.pull(scopes: [.municipality(nis)], cursors: [:], excluding: nil, limit: 100_000)
            var laptops: [TestLaptop] = []
            for index in 0..<4 {
                laptops.append(TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "laptop \(index)"), user: user))
            }
            var changes: [(TestLaptop, Change)] = []
            for round in 0..<25 {
                for index in laptops.indices {
                    let change = laptops[index].change(
                        FieldKey(entity: .interview, entityId: interview, field: "answers.a_functie"), scope: .municipality(nis),
                        value: .string("ronde \(round), laptop \(index)"), wall: StudySeed.now.millisecondsSince1970 + Int64(round), base: nil
                    )
                    changes.append((laptops[index], change))
                }
            }
            let all = changes
            let expected = Set(all.map(\.1.id))
            // Readers pull continuously from their own cursor while four laptops push one change at a time through both nodes.
            async let reader: [ChangeID] = {
                var cursors = start.cursors
                var seen: [ChangeID] = []
                let deadline = Date().addingTimeInterval(60)
                while seen.count < expected.count, Date() < deadline {
                    let page = try await nodeB.pull(scopes: [.municipality(nis)], cursors: cursors, excluding: nil, limit: 1000)
                    seen += try page.decodedChanges().map(\.id)
                    cursors = page.cursors
                    if page.changes.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
                }
                return seen
            }()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, laptop) in laptops.enumerated() {
                    let mine = all.filter { $0.0.device == laptop.device }.map(\.1)
                    let node = index.isMultiple(of: 2) ? nodeA : nodeB
                    group.addTask {
                        for change in mine {
                            let result = try await node.push([change], from: laptop.principal, now: StudySeed.now)
                            #expect(result.accepted == [change.id])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seen = try await reader
            #expect(seen.count == expected.count && Set(seen) == expected, "every pushed change pulled exactly once")
        }
    }
}
