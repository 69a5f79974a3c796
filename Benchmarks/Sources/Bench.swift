import Foundation

/// `veldwerk-bench [merge|history|wire|incremental|load|replay|all] [--quick] [--equal-priority] [--postgres CLUSTER_URL [--nodes 3]] [--markdown FILE]`:
/// the figures of Benchmarks/README.md. With `--postgres`, `load` runs on SQLite, on PostgreSQL and on
/// PostgreSQL with several nodes, and compares them (`replay` too). `replay` needs `wrk`.
@main
struct Bench {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let quick = arguments.contains("--quick")
        // The simulated laptops run below the server's priority unless asked to compete with it.
        let equalPriority = arguments.contains("--equal-priority")
        arguments.removeAll { $0 == "--quick" || $0 == "--equal-priority" }
        var markdownPath: String?
        if let index = arguments.firstIndex(of: "--markdown"), index + 1 < arguments.count {
            markdownPath = arguments[index + 1]
            arguments.removeSubrange(index...(index + 1))
        }
        var postgres: String?
        if let index = arguments.firstIndex(of: "--postgres"), index + 1 < arguments.count {
            postgres = arguments[index + 1]
            arguments.removeSubrange(index...(index + 1))
        }
        var nodes = 3
        if let index = arguments.firstIndex(of: "--nodes"), index + 1 < arguments.count {
            nodes = Int(arguments[index + 1]) ?? 3
            arguments.removeSubrange(index...(index + 1))
        }
        let selected = Set(arguments.isEmpty || arguments.contains("all") ? ["merge", "history", "wire", "incremental", "load", "replay"] : arguments)
        let report = Report()
        print("Veldwerk benchmarks on \(Report.machine)\(quick ? " (quick)" : "")")
        do {
            if selected.contains("merge") {
                try MergeBenchmark(runs: quick ? 1 : 3).run(into: report)
            }
            if selected.contains("history") {
                try FieldHistoryBenchmark(runs: quick ? 1 : 3).run(into: report)
            }
            if selected.contains("wire") {
                try WireBenchmark(interviews: quick ? 20 : 100).run(into: report)
            }
            if selected.contains("incremental") {
                try IncrementalBenchmark(largeLog: quick ? 100_000 : 1_000_000, syncs: quick ? 60 : 300).run(into: report)
            }
            if selected.contains("load") {
                let load = LoadBenchmark(interviewers: quick ? 100 : 1_000, laptopNiceness: equalPriority ? 0 : 10)
                if let postgres {
                    // SQLite, PostgreSQL and PostgreSQL with several nodes, one after another in this run.
                    try LoadBenchmark.compareEngines(load, cluster: postgres, nodes: nodes, into: report)
                } else {
                    try load.run(into: report)
                }
            }
            if selected.contains("replay") {
                let replay = ReplayBenchmark(interviewers: quick ? 100 : 1_000)
                if let postgres {
                    try ReplayBenchmark.compareEngines(replay, cluster: postgres, nodes: nodes, into: report)
                } else {
                    try replay.run(into: report)
                }
            }
        } catch {
            print("benchmark failed: \(error)")
            exit(1)
        }
        print("\n" + report.markdown)
        if let markdownPath {
            let text = "Machine: \(Report.machine)\n\n" + report.markdown + "\n"
            try? text.write(toFile: markdownPath, atomically: true, encoding: .utf8)
        }
        exit(report.figures.allSatisfy { $0.met != false } ? 0 : 2)
    }
}
