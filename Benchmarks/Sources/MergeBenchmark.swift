import Foundation
import GRDB
import LogStore
import Shared

/// The server merging pushed changes (ChangeLog.apply: log append, state update, conflict
/// detection) against raw SQLite on the same rows in the same run, and pycrdt beside it.
///
/// Workload: 3 devices × 10,000 field edits. Half of each device's edits touch 5,000 fields all
/// three devices edit concurrently (overlapping: two kept conflicts per field), half touch fields
/// only that device edits (disjoint). 30,000 changes, 20,000 fields.
struct MergeBenchmark {
    var devicesCount = 3
    var editsPerDevice = 10_000
    var runs = 3

    func changes() -> [Change] {
        let shared = editsPerDevice / 2
        let start: Int64 = 1_767_225_600_000
        var result: [Change] = []
        for d in 0..<devicesCount {
            guard let device = DeviceID(rawValue: "d-bench\(d)") else { continue }
            var clock = HybridClock(device: device)
            for i in 0..<editsPerDevice {
                let overlapping = i < shared
                let interview = overlapping ? "i-\(i / 40)" : "i-\(d)-\(i / 40)"
                let field = "answers.q\(i % 40)"
                let value: JSONValue = i % 3 == 0 ? .int(Int64(i % 10 + d)) : .string("antwoord \(d)-\(i)")
                result.append(
                    Change(
                        id: ChangeID(device: device, seq: Int64(i + 1)), scope: .municipality(String(11001 + (i / 40) % 50)),
                        entity: .interview, entityId: interview, field: field, value: value,
                        hlc: clock.tick(physical: start + Int64(i) * 7 + Int64(d)), base: nil, author: UserID("u-bench\(d)")
                    )
                )
            }
        }
        return result
    }

    func run(into report: Report) throws {
        let changes = changes()
        print("merge: \(changes.count) changes, \(runs) runs each, median taken")
        var ours: [Double] = []
        var raw: [Double] = []
        var sameState = true
        for _ in 0..<runs {
            let scratch = try ScratchDirectory("merge")
            defer { scratch.remove() }
            let oursPool = try Self.openPool(scratch.url.appendingPathComponent("ours.sqlite"))
            let rawPool = try Self.openPool(scratch.url.appendingPathComponent("raw.sqlite"))
            let (_, rawSeconds) = try Stopwatch.time { try Self.raw(changes, in: rawPool) }
            let (_, oursSeconds) = try Stopwatch.time { try oursPool.write { db in try ChangeLog.apply(changes, in: db) } }
            ours.append(oursSeconds)
            raw.append(rawSeconds)
            sameState = try sameState && Self.state(oursPool) == Self.state(rawPool)
            let conflicts = try oursPool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict") ?? 0 }
            let expected = (editsPerDevice / 2) * (devicesCount - 1)
            guard conflicts == expected else { throw BenchError("merge kept \(conflicts) conflicts, expected \(expected)") }
        }
        let oursRate = Double(changes.count) / ours.quantile(0.5)
        let rawRate = Double(changes.count) / raw.quantile(0.5)
        report.add(
            Figure(
                name: "Merge: 30,000 pushed changes (3 devices × 10,000, disjoint + overlapping), throughput",
                ours: String(format: "%.0f changes/s", oursRate), reference: String(format: "raw SQLite %.0f changes/s", rawRate),
                ratio: oursRate / rawRate, target: "≥ 0.8", met: oursRate / rawRate >= 0.8,
                note: "same final field values as raw: \(sameState ? "yes" : "NO"); ours also keeps \((editsPerDevice / 2) * (devicesCount - 1)) conflicts"
            )
        )
        if let peer = try pycrdt(changes) {
            report.add(
                Figure(
                    name: "Merge: the same 30,000 updates, ours against pycrdt (Yrs)",
                    ours: String(format: "%.0f changes/s", oursRate), reference: String(format: "pycrdt %.0f updates/s", Double(changes.count) / peer),
                    ratio: oursRate / (Double(changes.count) / peer), target: "(peer, no target)", met: nil,
                    note: "pycrdt applies one update per change to an in-memory document (no disk, no conflict record)"
                )
            )
        }
    }

    /// The same database set-up as the server: WAL, `synchronous = FULL`, the change-log schema.
    static func openPool(_ url: URL) throws -> DatabasePool {
        let pool = try DatabasePool.durable(path: url.path)
        var migrator = DatabaseMigrator()
        ChangeLog.registerMigrations(&migrator)
        try migrator.migrate(pool)
        return pool
    }

    /// The physical limit: one transaction appending every row to the same log table, then one
    /// set-based last-writer-wins upsert of the field states.
    static func raw(_ changes: [Change], in pool: DatabasePool) throws {
        let rows = changes.map { change in
            (change.id.device.rawValue, change.id.seq, change.scope.rawValue, change.entityId, change.field, change.value?.canonicalJSON, change.hlc.encoded, change.author.rawValue)
        }
        try pool.write { db in
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO change_log (device, dseq, scope, entity, entity_id, field, value, hlc, base, author)
                    VALUES (?, ?, ?, 'interview', ?, ?, ?, ?, NULL, ?)
                    """
            )
            for row in rows {
                try insert.execute(arguments: [row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7])
            }
            try db.execute(
                sql: """
                    INSERT INTO field_state (entity, entity_id, field, scope, value, hlc, change_seq)
                    SELECT entity, entity_id, field, scope, value, MAX(hlc), seq FROM change_log GROUP BY entity, entity_id, field
                    ON CONFLICT (entity, entity_id, field) DO UPDATE SET
                        scope = excluded.scope, value = excluded.value, hlc = excluded.hlc, change_seq = excluded.change_seq
                    WHERE excluded.hlc > field_state.hlc
                    """
            )
        }
    }

    static func state(_ pool: DatabasePool) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT entity || ' ' || entity_id || ' ' || field || ' ' || IFNULL(value, 'null') || ' ' || hlc FROM field_state ORDER BY 1")
        }
    }

    /// Runs Benchmarks/pycrdt_merge.py on the same updates; nil when pycrdt is not installed.
    func pycrdt(_ changes: [Change]) throws -> Double? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("pycrdt_merge.py")
        let scratch = try ScratchDirectory("pycrdt")
        defer { scratch.remove() }
        let input = scratch.url.appendingPathComponent("changes.jsonl")
        var lines = ""
        for change in changes {
            let record = PeerUpdate(
                device: change.id.device.rawValue, seq: change.id.seq, key: "\(change.entityId)/\(change.field)", value: change.value?.canonicalJSON ?? "null"
            )
            lines += String(decoding: try JSONEncoder().encode(record), as: UTF8.self) + "\n"
        }
        try lines.write(to: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, input.path, String(runs)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print("  pycrdt: not measured (python3 or pycrdt missing: pip install pycrdt)")
            return nil
        }
        struct Result: Decodable { var seconds: Double }
        return try JSONDecoder().decode(Result.self, from: data).seconds
    }

    struct PeerUpdate: Encodable {
        var device: String
        var seq: Int64
        var key: String
        var value: String
    }
}
