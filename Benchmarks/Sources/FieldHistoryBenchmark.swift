import Foundation
import GRDB
import LogStore
import Shared

/// One field with many concurrent versions, pushed at once: the merge must cost near-linear time
/// in total, or one laptop's push holds the writer for minutes.
///
/// Workload: n versions of one contact note from one device, none having seen another (base
/// nil), each with its own value: every version but the newest is a kept conflict. One push
/// (`ChangeLog.apply`) per n, timed inside its transaction (the commit's fsync, the same for
/// every n, left out), against raw SQLite inserting the same rows and upserting the field's value.
struct FieldHistoryBenchmark {
    var sizes = [10, 100, 1_000, 10_000]
    var runs = 3

    static func changes(_ count: Int) -> [Change] {
        guard let device = DeviceID(rawValue: "d-bench0") else { return [] }
        let start: Int64 = 1_767_225_600_000
        return (0..<count).map { index in
            Change(
                id: ChangeID(device: device, seq: Int64(index + 1)), scope: .municipality("11001"), entity: .contactAttempt,
                entityId: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", field: "note", value: .string("note \(index)"),
                hlc: HLC(wall: start + Int64(index), counter: 0, device: device), base: nil, author: UserID("u-bench0")
            )
        }
    }

    /// Seconds per version: (ours, raw), medians of `runs`.
    func measure(_ count: Int) throws -> (ours: Double, raw: Double) {
        let changes = Self.changes(count)
        var ours: [Double] = []
        var raw: [Double] = []
        for _ in 0..<runs {
            let scratch = try ScratchDirectory("history")
            defer { scratch.remove() }
            let oursPool = try MergeBenchmark.openPool(scratch.url.appendingPathComponent("ours.sqlite"))
            let rawPool = try MergeBenchmark.openPool(scratch.url.appendingPathComponent("raw.sqlite"))
            let oursSeconds = try oursPool.write { db in try Stopwatch.time { try ChangeLog.apply(changes, in: db) }.1 }
            let rawSeconds = try rawPool.write { db in try Stopwatch.time { try Self.raw(changes, in: db) }.1 }
            let conflicts = try oursPool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict") ?? 0 }
            guard conflicts == count - 1 else { throw BenchError("a push of \(count) versions kept \(conflicts) conflicts, expected \(count - 1)") }
            ours.append(oursSeconds / Double(count))
            raw.append(rawSeconds / Double(count))
        }
        return (ours.quantile(0.5), raw.quantile(0.5))
    }

    func run(into report: Report) throws {
        print("field history: one push each of \(sizes.map(String.init).joined(separator: ", ")) versions of one field, \(runs) runs each, median taken")
        var perVersion: [(count: Int, ours: Double, raw: Double)] = []
        for count in sizes {
            let (ours, raw) = try measure(count)
            print(String(format: "  %6d versions: %.2f µs/version (raw SQLite %.2f µs/version)", count, ours * 1e6, raw * 1e6))
            perVersion.append((count, ours, raw))
        }
        guard let first = perVersion.first else { return }
        for (index, entry) in perVersion.enumerated() {
            let growth = index == 0 ? nil : entry.ours / perVersion[index - 1].ours
            report.add(
                Figure(
                    name: "Field history: \(Self.grouped(entry.count)) versions of one field in one push, time per merged version",
                    ours: String(format: "%.1f µs/version", entry.ours * 1e6),
                    reference: String(format: "raw SQLite %.1f µs/version", entry.raw * 1e6),
                    ratio: entry.ours / entry.raw,
                    target: growth == nil ? "(base)" : "≤ 1.5 × the previous size's",
                    met: growth.map { $0 <= 1.5 },
                    note: String(format: "%.2f × the 10-version figure", entry.ours / first.ours)
                        + (growth.map { String(format: "; %.2f × the previous size's", $0) } ?? "")
                        + (index == perVersion.count - 1 ? String(format: "; whole push %.0f ms", entry.ours * Double(entry.count) * 1000) : "")
                )
            )
        }
    }

    /// `10000` as `10,000`.
    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        return String(digits.enumerated().flatMap { index, digit in
            index > 0 && (digits.count - index) % 3 == 0 ? [",", digit] : [digit]
        })
    }

    /// Raw SQLite: the same rows appended, then the field's value set to the newest.
    static func raw(_ changes: [Change], in db: Database) throws {
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO change_log (device, dseq, scope, entity, entity_id, field, value, hlc, base, author)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
                """
        )
        for change in changes {
            try insert.execute(arguments: [
                change.id.device.rawValue, change.id.seq, change.scope.rawValue, change.entity.rawValue, change.entityId, change.field,
                change.value?.canonicalJSON, change.hlc.encoded, change.author.rawValue,
            ])
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
