import Foundation
import GRDB
import Testing
import TestSupport

@testable import LogStore
@testable import Shared

@Suite("Change log on SQLite")
struct ChangeLogTests {
    private func makeDatabase(_ directory: TemporaryDirectory) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: directory.appending("log.sqlite").path)
        var migrator = DatabaseMigrator()
        ChangeLog.registerMigrations(&migrator)
        try migrator.migrate(queue)
        return queue
    }

    /// What the SQL tables say: current values and the kept conflicts per field.
    private func snapshot(_ db: Database) throws -> (values: [FieldKey: JSONValue?], conflicts: [FieldKey: Set<ChangeID>]) {
        var values: [FieldKey: JSONValue?] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM field_state") {
            let key = FieldKey(entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"], field: row["field"])
            let text: String? = row["value"]
            values.updateValue(try text.map { try JSONValue(json: $0) }, forKey: key)
        }
        var conflicts: [FieldKey: Set<ChangeID>] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM conflict") {
            let key = FieldKey(entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"], field: row["field"])
            if let id = ChangeID(row["loser_id"]) { conflicts[key, default: []].insert(id) }
        }
        return (values, conflicts)
    }

    @Test("the SQL merge, in pushes of any size, equals the in-memory merge rule in any order, and a rebuild gives the same", arguments: 0..<4)
    func sqlMatchesReference(batch: Int) async throws {
        try await withTemporaryDirectory { directory in
            let database = try makeDatabase(directory)
            for offset in 0..<25 {
                let seed = UInt64(batch * 25 + offset) &+ 4242
                var random = SeededRandom(seed: seed)
                let scenario = EditScenario(seed: seed, replicaCount: Int.random(in: 3...5, using: &random), fieldCount: 3, steps: 40)
                var reference = MergedState()
                scenario.changes.forEach { reference.apply($0) }
                let delivery = scenario.pushes(resending: 5, sizes: 1...15, using: &random)
                let expected = reference
                let changeCount = scenario.changes.count

                try await database.write { db in
                    try db.execute(sql: "DELETE FROM conflict; DELETE FROM field_state; DELETE FROM change_log;")
                    let outcomes = try delivery.flatMap { try ChangeLog.apply($0, in: db) }
                    let applied = outcomes.filter { if case .applied = $0 { return true } else { return false } }
                    #expect(applied.count == changeCount, "seed \(seed)")
                }
                try await database.read { db in
                    let state = try snapshot(db)
                    #expect(state.values == expected.values, "seed \(seed)")
                    #expect(state.conflicts == expected.conflicts, "seed \(seed)")
                }
                try await database.write { db in try ChangeLog.rebuildDerivedState(db) }
                try await database.read { db in
                    let rebuilt = try snapshot(db)
                    #expect(rebuilt.values == expected.values, "seed \(seed): rebuild differs")
                    #expect(rebuilt.conflicts == expected.conflicts, "seed \(seed): rebuild differs")
                }
            }
        }
    }

    @Test("a pull's wire JSON, read straight from the log, decodes to the changes stored, in log order per scope")
    func wireChangesRoundTrip() async throws {
        try await withTemporaryDirectory { directory in
            let database = try makeDatabase(directory)
            let changes = RandomChanges.changes(1_000, seed: 91)
            try await database.write { db in _ = try ChangeLog.apply(changes, in: db) }
            for scope in [Scope.global, .municipality("11001")] {
                let expected = changes.filter { $0.scope == scope }
                let firstPage = try await database.read { db in try ChangeLog.wireChanges(in: scope, after: 0, limit: 100, in: db) }
                let all = try await database.read { db in try ChangeLog.wireChanges(in: scope, after: 0, limit: 10_000, in: db) }
                #expect(try all.map { try $0.decoded() } == expected)
                #expect(all.map(\.id) == expected.map(\.id))
                #expect(firstPage.count == 100)
                let rest = try await database.read { db in try ChangeLog.wireChanges(in: scope, after: firstPage.last?.seq ?? 0, limit: 10_000, in: db) }
                #expect((firstPage + rest).map(\.id) == expected.map(\.id), "paging by seq loses or repeats nothing")
            }
        }
    }

    @Test("authoring edits sets base to the version seen and queues sequence numbers")
    func authorSetsBase() async throws {
        try await withTemporaryDirectory { directory in
            let database = try makeDatabase(directory)
            let device = DeviceID(rawValue: "d-a")!
            let edit = FieldEdit(scope: .municipality("11001"), entity: .interview, entityId: "i", field: "answers.q", value: .string("ja"))
            let changes = try await database.write { db in
                var seq: Int64 = 0
                var clock = HybridClock(device: device)
                let first = try ChangeLog.author([edit], lastSeq: &seq, clock: &clock, author: UserID("u"), physical: 10, in: db)
                var second = edit
                second.value = .string("nee")
                let next = try ChangeLog.author([second], lastSeq: &seq, clock: &clock, author: UserID("u"), physical: 5, in: db)
                return first + next
            }
            #expect(changes.map(\.id.seq) == [1, 2])
            #expect(changes[0].base == nil)
            #expect(changes[1].base == changes[0].hlc)
            #expect(changes[1].hlc > changes[0].hlc, "the clock never goes back, even when the wall clock does")
            let fields = try await database.read { db in try ChangeLog.fields(of: .interview, id: "i", in: db) }
            #expect(fields["answers.q"] == .string("nee"))
        }
    }

    @Test("a resolution change closes a kept conflict")
    func resolutionClosesConflict() async throws {
        try await withTemporaryDirectory { directory in
            let database = try makeDatabase(directory)
            var a = SimulatedReplica(device: DeviceID(rawValue: "d-a")!, author: UserID("u-a"))
            var b = SimulatedReplica(device: DeviceID(rawValue: "d-b")!, author: UserID("u-b"))
            let key = FieldKey(entity: .interview, entityId: "i", field: "answers.q")
            let lost = a.edit(key, value: .string("ja"), physical: 1)
            let won = b.edit(key, value: .string("nee"), physical: 2)
            let open = try await database.write { db in
                try ChangeLog.apply([lost, won], in: db)
                return try ChangeLog.conflicts(in: db)
            }
            #expect(open.count == 1)
            #expect(open.first?.loser.id == lost.id)
            #expect(open.first?.current?.id == won.id)
            let resolution = b.edit(
                FieldKey(entity: .conflict, entityId: lost.id.description, field: "resolution"), value: .object(["choice": .string("current")]),
                physical: 3
            )
            let after = try await database.write { db in
                try ChangeLog.apply(resolution, in: db)
                return (try ChangeLog.conflicts(in: db), try ChangeLog.conflicts(openOnly: false, in: db))
            }
            #expect(after.0.isEmpty)
            #expect(after.1.count == 1)
            #expect(after.1.first?.isOpen == false)
        }
    }
}
