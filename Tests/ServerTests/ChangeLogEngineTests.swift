import Foundation
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// The change log's merge on the engine under test (SQLite, or PostgreSQL when
/// `VELDWERK_TEST_POSTGRES_URL` is set): the statements differ per engine (SQLite's numbers read from
/// the insert, PostgreSQL's `RETURNING`), the result must not.
@Suite("Change log on the test engine")
struct ChangeLogEngineTests {
    @Test("pushes of 1 to 150 changes, with ids sent twice, merge to the in-memory rule's values and conflicts", arguments: 0..<3)
    func mergeMatchesReference(round: Int) async throws {
        try await withTemporaryDirectory { directory in
            let store = try await testStore(path: directory.appending("log.sqlite").path)
            for offset in 0..<6 {
                let seed = UInt64(round * 6 + offset) &+ 9100
                var random = SeededRandom(seed: seed)
                let scenario = EditScenario(seed: seed, replicaCount: Int.random(in: 3...6, using: &random), fieldCount: 4, steps: 160)
                var reference = MergedState()
                scenario.changes.forEach { reference.apply($0) }
                // Pushes past 64 changes take several statements on SQLite.
                let delivery = scenario.pushes(resending: 20, sizes: 1...150, using: &random)
                let applied = try await store.engine.write { db in
                    try db.run("DELETE FROM conflict")
                    try db.run("DELETE FROM field_state")
                    try db.run("DELETE FROM change_log WHERE entity = 'interview' AND entity_id LIKE '00000000-%'")
                    return try delivery.flatMap { try ChangeLog.apply($0, in: db) }.filter { $0 != .duplicate }.count
                }
                #expect(applied == scenario.changes.count, "seed \(seed): each change stored once")
                let (values, conflicts) = try await store.engine.read { db in
                    var values: [FieldKey: JSONValue?] = [:]
                    for row in try db.fetchAll("SELECT entity, entity_id, field, value FROM field_state WHERE entity_id LIKE '00000000-%'") {
                        let text: String? = row["value"]
                        values.updateValue(try text.map { try JSONValue(json: $0) }, forKey: FieldKey(entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"], field: row["field"]))
                    }
                    var conflicts: [FieldKey: Set<ChangeID>] = [:]
                    for row in try db.fetchAll("SELECT entity, entity_id, field, loser_id FROM conflict") {
                        let key = FieldKey(entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"], field: row["field"])
                        if let id = ChangeID(row["loser_id"] as String) { conflicts[key, default: []].insert(id) }
                    }
                    return (values, conflicts)
                }
                #expect(values == reference.values, "seed \(seed)")
                #expect(conflicts == reference.conflicts, "seed \(seed)")
            }
        }
    }
}
