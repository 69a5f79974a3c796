import Foundation
import Shared

/// The load benchmark's server side on its own: 1,000 interviewers' sync requests, recorded from the
/// simulated laptops, replayed by `wrk` (a separate C program, at the same priority as the server) with
/// 64 connections, so no laptop's parsing and merging competes with the server for the two cores.
///
/// Two rounds, each request sent once: every laptop's first sync (no cursors: the questionnaire and
/// roster come back), then every laptop pushing a new interview (48 changes, with the cursors its own
/// first sync left). Between them the laptops sync for real, untimed, to hold those cursors. After the
/// pushes the server must hold each interview once (48,000 changes); then every laptop syncs again and
/// its replica must equal the server's.
struct ReplayBenchmark {
    var interviewers = 1_000
    var connections = 64
    var postgres: String?
    var nodes = 1

    var label: String {
        guard postgres != nil else { return "SQLite" }
        return nodes > 1 ? "PostgreSQL, \(nodes) nodes" : "PostgreSQL"
    }

    struct Outcome {
        var first: Wrk.Result
        var push: Wrk.Result
        var perInterview: Int
        var storedInterviews: Int
        var storedChanges: Int
        var diverged: Int
    }

    func run(into report: Report) throws {
        add(try measure(), to: report, named: " (\(label))")
    }

    /// SQLite, PostgreSQL and PostgreSQL with `nodes` nodes, one after another in this run.
    static func compareEngines(_ base: ReplayBenchmark, cluster: String, nodes: Int, into report: Report) throws {
        var sqlite = base
        sqlite.postgres = nil
        sqlite.nodes = 1
        try sqlite.run(into: report)
        for count in [1, nodes] {
            let database = try ScratchPostgres(cluster: cluster, "replay")
            defer { database.remove() }
            var run = base
            run.postgres = database.url
            run.nodes = count
            try run.run(into: report)
        }
    }

    func add(_ outcome: Outcome, to report: Report, named suffix: String) {
        report.add(outcome.first.figure("Replay\(suffix): first sync of \(interviewers) laptops, sent by wrk"))
        report.add(outcome.push.figure("Replay\(suffix): \(interviewers) pushes of a new interview (\(outcome.perInterview) changes), sent by wrk"))
        let expected = interviewers * outcome.perInterview
        let complete = outcome.storedInterviews == interviewers && outcome.storedChanges == expected && outcome.diverged == 0
        report.add(
            Figure(
                name: "Replay\(suffix): every pushed change stored once, replicas converged",
                ours: "\(outcome.storedInterviews) interviews, \(outcome.storedChanges) changes, \(interviewers - outcome.diverged) converged",
                reference: "\(interviewers) interviews, \(expected) changes, \(interviewers) converged", ratio: complete ? 1 : 0,
                target: "all", met: complete,
                note: "counted on the server after the replayed pushes; then each laptop syncs and its field states must equal the server's"
            )
        )
    }

    func measure() throws -> Outcome {
        let scratch = try ScratchDirectory("replay")
        defer { scratch.remove() }
        let study = try Study(data: scratch.url.appendingPathComponent("server"), postgres: postgres, nodes: nodes)
        defer { study.stop() }
        let codes = try study.municipalities(for: interviewers)
        let laptops = try study.laptops((0..<interviewers).map { ("Interviewer \($0)", [codes[$0]], scratch.url.appendingPathComponent("laptop-\($0)")) })
        let nisOf = Dictionary(uniqueKeysWithValues: laptops.enumerated().map { ($0.element.device, codes[$0.offset]) })
        let nodeURLs = study.servers.map(\.url)
        print("replay (\(label)): \(interviewers) interviewers enrolled; wrk with \(connections) connections over \(nodeURLs.count) node(s)")

        let first = try Wrk.replay(try laptops.map { try $0.request() }, nodes: nodeURLs, connections: connections, in: scratch.url, named: "first")
        print("  first sync: \(first.summary)")

        // Untimed: each laptop syncs for real (its cursors), then records an interview to push.
        nonisolated(unsafe) let shared = laptops
        let catchUp = Workers.run(count: laptops.count, threads: 8, niceness: 0) { index in try shared[index].sync().latencies }
        guard catchUp.errors == 0 else { throw BenchError("\(catchUp.errors) laptops could not sync before the push round") }
        let maker = try AnswerMaker()
        let perInterview = maker.interview("x", nis: "11001", seed: 1).count
        let pushes = try laptops.map { laptop in
            try laptop.record(maker.interview(UUID().uuidString.lowercased(), nis: nisOf[laptop.device] ?? "", seed: Int(laptop.device.rawValue.utf8.last ?? 0)))
            return try laptop.request()
        }
        let push = try Wrk.replay(pushes, nodes: nodeURLs, connections: connections, in: scratch.url, named: "push")
        print("  push: \(push.summary)")

        let storedInterviews = try study.interviewIDs().count
        let storedChanges = try study.count("SELECT COUNT(*) FROM change_log WHERE entity = 'interview'")
        let settle = Workers.run(count: laptops.count, threads: 8, niceness: 0) { index in try shared[index].sync().latencies }
        let diverged = try settle.errors + study.diverged(laptops, municipality: nisOf)
        return Outcome(
            first: first, push: push, perInterview: perInterview, storedInterviews: storedInterviews, storedChanges: storedChanges, diverged: diverged
        )
    }
}

/// `wrk` (Debian's package) replaying recorded requests with Benchmarks/replay.lua.
enum Wrk {
    /// What one round measured; with several nodes, one wrk per node and the worst node's latencies.
    struct Result {
        var requests = 0
        var expected = 0
        var p50 = 0.0
        var p99 = 0.0
        var max = 0.0
        var failed = 0
        var seconds = 0.0

        var summary: String {
            "p50 \(milliseconds(p50)), p99 \(milliseconds(p99)), max \(milliseconds(max)); \(requests) of \(expected) answered, \(failed) failed, in \(String(format: "%.1f", seconds)) s"
        }

        func figure(_ name: String) -> Figure {
            let complete = requests == expected && failed == 0
            return Figure(
                name: name, ours: "p50 \(milliseconds(p50)), p99 \(milliseconds(p99)), \(failed) failed", reference: "1 s", ratio: p99,
                target: "p99 < 1 s, all answered 200", met: p99 < 1.0 && complete,
                note: String(format: "%d of %d requests answered in %.1f s (%.0f requests/s); ratio is p99 ÷ 1 s", requests, expected, seconds, Double(requests) / Swift.max(seconds, 0.001))
            )
        }
    }

    /// Sends each request once, spread over the nodes (request i to node i mod n, one wrk each), with
    /// `connections` in flight in all; returns when every request has had its answer (or after 10 minutes).
    static func replay(_ requests: [BenchLaptop.Request], nodes: [String], connections: Int, in directory: URL, named name: String) throws -> Result {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("replay.lua")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            throw BenchError("wrk is not installed (apt-get install wrk, or scripts/setup.sh)")
        }
        // Two cores: two wrk threads in all.
        let threads = Swift.max(1, 2 / nodes.count)
        var runs: [(process: Process, output: Pipe, done: URL, threads: Int, expected: Int)] = []
        let start = ContinuousClock.now
        for (node, url) in nodes.enumerated() {
            let share = requests.enumerated().filter { $0.offset % nodes.count == node }.map(\.element)
            let file = directory.appendingPathComponent("\(name)-\(node).requests")
            var data = Data()
            for request in share {
                data += Data("\(request.token)\t\(request.gzip ? 1 : 0)\t\(request.body.count)\n".utf8) + request.body + Data("\n".utf8)
            }
            try data.write(to: file)
            let done = directory.appendingPathComponent("\(name)-\(node).done")
            FileManager.default.createFile(atPath: done.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
            let perNode = Swift.max(threads, connections / nodes.count)
            process.arguments = [
                "-t\(threads)", "-c\(perNode)", "-d600s", "--timeout", "120s", "-s", script.path, url, "--", file.path, done.path, String(threads),
            ]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            runs.append((process, output, done, threads, share.count))
        }
        // wrk runs for its -d limit: interrupt each once all its threads are done.
        let deadline = Date().addingTimeInterval(600)
        var outputs: [Data] = []
        for run in runs {
            while Date() < deadline, run.process.isRunning {
                let lines = (try? String(contentsOf: run.done, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if lines >= run.threads { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            if run.process.isRunning { kill(run.process.processIdentifier, SIGINT) }
            outputs.append(run.output.fileHandleForReading.readDataToEndOfFile())
            run.process.waitUntilExit()
        }
        var result = Result(expected: requests.count)
        result.seconds = Stopwatch.seconds(ContinuousClock.now - start)
        struct Printed: Decodable {
            var requests: Int
            var p50_us: Double
            var p99_us: Double
            var max_us: Double
            var not_ok: Int
            var socket_errors: Int
            var timeouts: Int
        }
        for output in outputs {
            let text = String(decoding: output, as: UTF8.self)
            guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
                throw BenchError("wrk printed no figures: \(text)")
            }
            let printed = try JSONDecoder().decode(Printed.self, from: Data(line.utf8))
            result.requests += printed.requests
            result.failed += printed.not_ok + printed.socket_errors + printed.timeouts
            result.p50 = Swift.max(result.p50, printed.p50_us / 1e6)
            result.p99 = Swift.max(result.p99, printed.p99_us / 1e6)
            result.max = Swift.max(result.max, printed.max_us / 1e6)
        }
        return result
    }
}
