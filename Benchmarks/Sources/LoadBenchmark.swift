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

    /// The PostgreSQL database the server nodes share (nil: SQLite).
    var postgres: String?
    /// Server nodes on that database; laptops are spread over them in turn.
    var nodes = 1

    /// What one run measured: the three rounds and how many replicas converged.
    struct Outcome {
        var label: String
        var first: Workers.Result
        var push: Workers.Result
        var pull: Workers.Result
        var patchErrors: Int
        var perInterview: Int
        var diverged: Int
    }

    /// "SQLite", "PostgreSQL", "PostgreSQL, 3 nodes".
    var label: String {
        guard postgres != nil else { return "SQLite" }
        return nodes > 1 ? "PostgreSQL, \(nodes) nodes" : "PostgreSQL"
    }

    func run(into report: Report) throws {
        add(try measure(), to: report, named: "")
    }

    /// The figures of one run; `suffix` names the engine when several are compared.
    func add(_ outcome: Outcome, to report: Report, named suffix: String) {
        report.add(outcome.first.figure("Load\(suffix): first sync of \(interviewers) laptops (questionnaire + roster)"))
        report.add(outcome.push.figure("Load\(suffix): \(interviewers) laptops each pushing a new interview (\(outcome.perInterview) changes)"))
        report.add(outcome.pull.figure("Load\(suffix): \(interviewers) laptops pulling \(interviewers) coordinator corrections (\(outcome.patchErrors) PATCH errors)"))
        report.add(
            Figure(
                name: "Load\(suffix): replicas converged with the server at the end", ours: "\(interviewers - outcome.diverged) of \(interviewers)",
                reference: "\(interviewers)", ratio: Double(interviewers - outcome.diverged) / Double(interviewers), target: "all", met: outcome.diverged == 0,
                note: "each laptop's field states (values and clocks) equal the server's in every scope it reads, and its outbox is empty"
            )
        )
    }

    func measure() throws -> Outcome {
        let scratch = try ScratchDirectory("load")
        defer { scratch.remove() }
        let study = try Study(data: scratch.url.appendingPathComponent("server"), postgres: postgres, nodes: nodes)
        defer { study.stop() }
        let codes = try study.municipalities(for: interviewers)
        let (laptops, setupSeconds) = try Stopwatch.time {
            try study.laptops((0..<interviewers).map { ("Interviewer \($0)", [codes[$0]], scratch.url.appendingPathComponent("laptop-\($0)")) })
        }
        let nisOf = Dictionary(uniqueKeysWithValues: laptops.enumerated().map { ($0.element.device, codes[$0.offset]) })
        print("load (\(label)): \(interviewers) interviewers created, assigned and enrolled in \(String(format: "%.1f", setupSeconds)) s; \(inFlight) worker threads at nice \(laptopNiceness)")

        let first = round(laptops) { _ in }
        print("  first sync: p99 \(milliseconds(first.latencies.quantile(0.99))), \(first.errors) errors")

        let maker = try AnswerMaker()
        let perInterview = maker.interview("x", nis: "11001", seed: 1).count
        let second = round(laptops) { laptop in
            try laptop.record(maker.interview(UUID().uuidString.lowercased(), nis: nisOf[laptop.device] ?? "", seed: Int(laptop.device.rawValue.utf8.last ?? 0)))
        }
        print("  push: p99 \(milliseconds(second.latencies.quantile(0.99))), \(second.errors) errors")

        // A coordinator corrects every interview on the server (PATCH, \(inFlight) at once, spread over
        // the nodes), then everyone syncs again.
        let interviews = try study.interviewIDs()
        let nodeURLs = study.servers.map(\.url)
        let token = study.coordinatorToken
        let patches = Workers.run(count: interviews.count, threads: inFlight, niceness: laptopNiceness) { index in
            let body = try JSONEncoder().encode(FieldEditRequest(fields: ["answers.a_aantal_respondenten": .int(2)]))
            let url = nodeURLs[index % nodeURLs.count]
            let response = try CurlClient.perform("PATCH", url + "/v1/interviews/\(interviews[index])", token: token, body: body)
            guard response.status == 200 else { throw BenchError("PATCH answered \(response.status)") }
            return [response.seconds]
        }
        let third = round(laptops) { _ in }
        print("  pull: p99 \(milliseconds(third.latencies.quantile(0.99))), \(third.errors) errors")

        let diverged = try study.diverged(laptops, municipality: nisOf)
        return Outcome(label: label, first: first, push: second, pull: third, patchErrors: patches.errors, perInterview: perInterview, diverged: diverged)
    }

    /// The same load on SQLite, on PostgreSQL with one node and with `nodes` nodes, in one run: each
    /// engine's own figures, then PostgreSQL's p99 as a ratio of SQLite's and 3 nodes' of 1 node's.
    static func compareEngines(_ base: LoadBenchmark, cluster: String, nodes: Int, into report: Report) throws {
        var sqlite = base
        sqlite.postgres = nil
        sqlite.nodes = 1
        let onSQLite = try sqlite.measure()
        sqlite.add(onSQLite, to: report, named: " (SQLite)")

        func onPostgres(_ count: Int) throws -> Outcome {
            let database = try ScratchPostgres(cluster: cluster, "load")
            defer { database.remove() }
            var run = base
            run.postgres = database.url
            run.nodes = count
            let outcome = try run.measure()
            run.add(outcome, to: report, named: " (\(run.label))")
            return outcome
        }
        let single = try onPostgres(1)
        let several = try onPostgres(nodes)

        func compare(_ name: String, _ ours: Outcome, _ reference: Outcome, _ round: KeyPath<Outcome, Workers.Result>) {
            let (a, b) = (ours[keyPath: round].latencies.quantile(0.99), reference[keyPath: round].latencies.quantile(0.99))
            report.add(
                Figure(
                    name: "Load, \(name): \(ours.label) against \(reference.label), p99", ours: milliseconds(a), reference: milliseconds(b),
                    ratio: b > 0 ? a / b : nil, target: "(comparison)", met: nil,
                    note: "same machine, same run, same laptops and requests; ratio is ours ÷ reference"
                )
            )
        }
        for (name, round) in [("first sync", \Outcome.first), ("push", \Outcome.push), ("pull", \Outcome.pull)] {
            compare(name, single, onSQLite, round)
        }
        for (name, round) in [("first sync", \Outcome.first), ("push", \Outcome.push), ("pull", \Outcome.pull)] {
            compare(name, several, single, round)
        }
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
