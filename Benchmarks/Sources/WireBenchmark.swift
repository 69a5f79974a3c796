import Foundation
import Gzip
import Shared

/// Bytes on the wire per change in a bulk sync, against gzip of the bare JSON array of the same changes.
struct WireBenchmark {
    var interviews = 100

    func run(into report: Report) throws {
        let scratch = try ScratchDirectory("wire")
        defer { scratch.remove() }
        let study = try Study(data: scratch.url.appendingPathComponent("server"))
        defer { study.stop() }
        guard let laptop = try study.laptops([("Wim Wire", ["11001"], scratch.url.appendingPathComponent("laptop"))]).first else { return }
        _ = try laptop.sync()

        let maker = try AnswerMaker()
        var changes: [Change] = []
        for index in 0..<interviews {
            changes += try laptop.record(maker.interview(UUID().uuidString.lowercased(), nis: "11001", seed: index * 13))
        }
        let (bulk, seconds) = try Stopwatch.time { try laptop.sync() }
        guard bulk.pushed == changes.count else { throw BenchError("the server accepted \(bulk.pushed) of \(changes.count) changes") }
        let plain = try JSONEncoder().encode(changes)
        let reference = try Gzip.compress(plain)
        let ours = Double(bulk.sent) / Double(changes.count)
        let ref = Double(reference.count) / Double(changes.count)
        print("wire: \(changes.count) changes in \(bulk.latencies.count) requests; bare JSON \(plain.count) bytes, gzipped \(reference.count)")
        report.add(
            Figure(
                name: "Wire: bytes sent per change, bulk sync of \(changes.count) changes",
                ours: String(format: "%.1f B/change", ours), reference: String(format: "gzip of the bare JSON array: %.1f B/change", ref),
                ratio: ours / ref, target: "≤ 1.5", met: ours / ref <= 1.5,
                note: String(
                    format: "headers included, %d requests of ≤ 500 changes; plain JSON would be %.1f B/change; the push took %.0f ms over HTTP (%.0f changes/s, validation and fsync included)",
                    bulk.latencies.count, Double(plain.count) / Double(changes.count), seconds * 1000, Double(changes.count) / seconds
                )
            )
        )

        guard let interview = changes.first?.entityId else { return }
        try laptop.record([FieldEdit(scope: .municipality("11001"), entity: .interview, entityId: interview, field: "answers.a_aantal_respondenten", value: .int(3))])
        let single = try laptop.sync()
        report.add(
            Figure(
                name: "Wire: a sync sending an edit of one answer",
                ours: "\(single.sent) B sent", reference: "1,024 B", ratio: Double(single.sent) / 1024, target: "< 1 KB (ratio < 1)",
                met: single.sent < 1024, note: "request line, headers (token included) and body; \(single.received) B came back"
            )
        )
    }
}
