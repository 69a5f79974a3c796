import Foundation
import GRDB
import Shared

/// 1,000 simulated interviewers, each with its own local store, syncing against the real server
/// on loopback: ``inFlight`` worker threads each take the next laptop until all 1,000 have synced,
/// so at most that many syncs are in flight at once.
struct LoadBenchmark {
    var interviewers = 1_000
    var inFlight = 64
    /// The nice value of the laptops' threads: their parsing, merging and committing would run on a
    /// thousand laptops, so by default it only gets the CPU the server leaves (0: compete with it).
    var laptopNiceness: Int32 = 10

    func run(into report: Report) throws {
        let scratch = try ScratchDirectory("load")
        defer { scratch.remove() }
        let study = try Study(data: scratch.url.appendingPathComponent("server"))
        defer { study.server.stop() }
        let pool = try study.database()
        // One municipality each: the Flemish roster's current ones, then synthetic ones (NIS 90000…).
        var codes = try pool.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT DISTINCT json_extract(value, '$.nis') FROM field_state WHERE entity = 'municipality' AND json_extract(value, '$.validTo') IS NULL ORDER BY 1"
            )
        }
        if codes.count < interviewers {
            let extra = (0..<(interviewers - codes.count)).map { String(90000 + $0) }
            try study.addMunicipalities(extra)
            codes += extra
        }
        let (laptops, setupSeconds) = try Stopwatch.time {
            try study.laptops((0..<interviewers).map { ("Interviewer \($0)", [codes[$0]], scratch.url.appendingPathComponent("laptop-\($0)")) })
        }
        let nisOf = Dictionary(uniqueKeysWithValues: laptops.enumerated().map { ($0.element.device, codes[$0.offset]) })
        print("load: \(interviewers) interviewers created, assigned and enrolled in \(String(format: "%.1f", setupSeconds)) s; \(inFlight) worker threads at nice \(laptopNiceness)")

        let first = round(laptops) { _ in }
        report.add(first.figure("Load: first sync of \(interviewers) laptops (questionnaire + roster)"))

        let maker = try AnswerMaker()
        let perInterview = maker.interview("x", nis: "11001", seed: 1).count
        let second = round(laptops) { laptop in
            try laptop.record(maker.interview(UUID().uuidString.lowercased(), nis: nisOf[laptop.device] ?? "", seed: Int(laptop.device.rawValue.utf8.last ?? 0)))
        }
        report.add(second.figure("Load: \(interviewers) laptops each pushing a new interview (\(perInterview) changes)"))

        // A coordinator corrects every interview on the server (PATCH, \(inFlight) at once), then everyone syncs again.
        let interviews = try pool.read { db in
            try String.fetchAll(db, sql: "SELECT entity_id FROM field_state WHERE entity = 'interview' AND field = 'municipality'")
        }
        let (url, token) = (study.url, study.coordinatorToken)
        let patches = Workers.run(count: interviews.count, threads: inFlight, niceness: laptopNiceness) { index in
            let body = try JSONEncoder().encode(FieldEditRequest(fields: ["answers.a_aantal_respondenten": .int(2)]))
            let response = try CurlClient.perform("PATCH", url + "/v1/interviews/\(interviews[index])", token: token, body: body)
            guard response.status == 200 else { throw BenchError("PATCH answered \(response.status)") }
            return [response.seconds]
        }
        let third = round(laptops) { _ in }
        report.add(third.figure("Load: \(interviewers) laptops pulling \(interviews.count) coordinator corrections (\(patches.errors) PATCH errors)"))

        var diverged = 0
        for laptop in laptops {
            let scopes = ["global", "municipality:\(nisOf[laptop.device] ?? "")"]
            let server = try pool.read { db in try Study.state(scopes, db) }
            if try laptop.state(scopes: scopes) != server || laptop.outboxCount() != 0 { diverged += 1 }
        }
        report.add(
            Figure(
                name: "Load: replicas converged with the server at the end", ours: "\(interviewers - diverged) of \(interviewers)",
                reference: "\(interviewers)", ratio: Double(interviewers - diverged) / Double(interviewers), target: "all", met: diverged == 0,
                note: "each laptop's field states (values and clocks) equal the server's in every scope it reads, and its outbox is empty"
            )
        )
    }

    /// Every laptop runs `prepare`, then syncs; returns request latencies, whole-sync times and errors.
    func round(_ laptops: [BenchLaptop], prepare: @escaping @Sendable (BenchLaptop) throws -> Void) -> Workers.Result {
        nonisolated(unsafe) let laptops = laptops
        return Workers.run(count: laptops.count, threads: inFlight, niceness: laptopNiceness) { index in
            try prepare(laptops[index])
            return try laptops[index].sync().latencies
        }
    }
}

/// A fixed number of threads taking job indices until all are done.
enum Workers {
    struct Result {
        var latencies: [Double] = []
        var errors = 0
        var seconds = 0.0
        var jobs = 0

        func figure(_ name: String) -> Figure {
            let p50 = latencies.quantile(0.5), p99 = latencies.quantile(0.99)
            return Figure(
                name: name, ours: "p50 \(milliseconds(p50)), p99 \(milliseconds(p99)), \(errors) errors",
                reference: "1 s", ratio: p99, target: "p99 < 1 s, 0 errors", met: p99 < 1.0 && errors == 0,
                note: String(format: "%d laptops, %d requests in %.1f s (%.0f requests/s); ratio is p99 ÷ 1 s", jobs, latencies.count, seconds, Double(latencies.count) / seconds)
            )
        }
    }

    static func run(count: Int, threads: Int, niceness: Int32, job: @escaping @Sendable (Int) throws -> [Double]) -> Result {
        let lock = NSLock()
        nonisolated(unsafe) var next = 0
        nonisolated(unsafe) var result = Result()
        result.jobs = count
        let group = DispatchGroup()
        let start = ContinuousClock.now
        for _ in 0..<min(threads, count) {
            group.enter()
            let thread = Thread {
                #if os(Linux)
                // The laptops' own work (parsing, merging, committing) would run on a thousand
                // laptops, not beside the server: it runs at a lower priority, so it takes only
                // the CPU the server leaves. (On Linux the nice value is per thread.)
                if niceness != 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
                #endif
                while true {
                    let index: Int? = lock.withLock {
                        guard next < count else { return nil }
                        defer { next += 1 }
                        return next
                    }
                    guard let index else { break }
                    do {
                        let latencies = try job(index)
                        lock.withLock { result.latencies += latencies }
                    } catch {
                        lock.withLock { result.errors += 1 }
                        print("  job \(index) failed: \(error)")
                    }
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        result.seconds = Stopwatch.seconds(ContinuousClock.now - start)
        return result
    }
}
