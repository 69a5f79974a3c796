import Foundation
import GRDB
import Shared

/// A sync with nothing new, against a server log of 1,000 and of 1,000,000 changes.
struct IncrementalBenchmark {
    var smallLog = 1_000
    var largeLog = 1_000_000
    var syncs = 300

    struct Side {
        let scratch: ScratchDirectory
        let study: Study
        let laptop: BenchLaptop
    }

    func prepare(_ size: Int) throws -> Side {
        let scratch = try ScratchDirectory("incremental-\(size)")
        let study = try Study(data: scratch.url.appendingPathComponent("server"))
        let (_, seconds) = try Stopwatch.time { try fill(study, to: size) }
        guard let laptop = try study.laptops([("Ina \(size)", ["11001"], scratch.url.appendingPathComponent("laptop"))]).first else {
            throw BenchError("no laptop")
        }
        let first = try laptop.sync()
        print("incremental: a log of \(size) changes written in \(String(format: "%.1f", seconds)) s; the laptop's first sync pulled \(first.pulled)")
        return Side(scratch: scratch, study: study, laptop: laptop)
    }

    /// Brings the log to `size` changes: interview answers spread over every municipality of the
    /// roster (so the laptop's own scope holds its share), with their derived field states.
    func fill(_ study: Study, to size: Int) throws {
        let pool = try study.database()
        try pool.write { db in
            let have = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log") ?? 0
            let missing = max(0, size - have)
            let nis = try String.fetchAll(db, sql: "SELECT DISTINCT json_extract(value, '$.nis') FROM field_state WHERE entity = 'municipality' ORDER BY 1")
            try db.execute(sql: "CREATE TEMP TABLE bench_nis (n INTEGER PRIMARY KEY, nis TEXT)")
            for (index, code) in nis.enumerated() {
                try db.execute(sql: "INSERT INTO bench_nis VALUES (?, ?)", arguments: [index, code])
            }
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO change_log (device, dseq, scope, entity, entity_id, field, value, hlc, base, author)
                    SELECT 'd-filler', i, 'municipality:' || b.nis, 'interview', 'filler-' || (i / 45), 'answers.q' || (i % 45),
                        '"antwoord ' || i || '"', printf('%016x-%08x-d-filler', 1700000000000 + i, 0), NULL, 'u-filler'
                    FROM n JOIN bench_nis b ON b.n = (i / 45) % ?
                    """,
                arguments: [missing, nis.count]
            )
            try db.execute(
                sql: """
                    INSERT INTO field_state (entity, entity_id, field, scope, value, hlc, change_seq)
                    SELECT entity, entity_id, field, scope, value, MAX(hlc), seq FROM change_log WHERE device = 'd-filler' GROUP BY entity, entity_id, field
                    ON CONFLICT (entity, entity_id, field) DO NOTHING
                    """
            )
        }
        // Fold the bulk load's write-ahead log into the database, as after any bulk import.
        try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    func run(into report: Report) throws {
        let small = try prepare(smallLog)
        defer { small.study.stop(); small.scratch.remove() }
        let large = try prepare(largeLog)
        defer { large.study.stop(); large.scratch.remove() }
        var smallTimes: [Double] = []
        var largeTimes: [Double] = []
        var smallRequests: [Double] = []
        var largeRequests: [Double] = []
        for round in 0..<(syncs + 20) {
            // Alternate which goes first so drift on the machine hits both alike; the first 20 warm up.
            for isLarge in round % 2 == 0 ? [false, true] : [true, false] {
                let side = isLarge ? large : small
                let (result, seconds) = try Stopwatch.time { try side.laptop.sync() }
                guard result.pulled == 0, result.pushed == 0 else { throw BenchError("a sync with nothing new moved changes") }
                guard round >= 20 else { continue }
                if isLarge {
                    largeTimes.append(seconds)
                    largeRequests += result.latencies
                } else {
                    smallTimes.append(seconds)
                    smallRequests += result.latencies
                }
            }
        }
        let ratio = largeTimes.quantile(0.5) / smallTimes.quantile(0.5)
        report.add(
            Figure(
                name: "Incremental: a sync with nothing new, log of \(largeLog) vs \(smallLog) changes (median of \(syncs))",
                ours: "\(milliseconds(largeTimes.quantile(0.5))) (\(largeLog))", reference: "\(milliseconds(smallTimes.quantile(0.5))) (\(smallLog))",
                ratio: ratio, target: "≤ 1.2", met: ratio <= 1.2,
                note: "whole sync as a laptop runs it (request, server, local commit); p90 \(milliseconds(largeTimes.quantile(0.9))) vs \(milliseconds(smallTimes.quantile(0.9))); "
                    + "the HTTP request alone: median \(milliseconds(largeRequests.quantile(0.5))) vs \(milliseconds(smallRequests.quantile(0.5)))"
            )
        )
    }
}
