import Foundation

/// One measured figure beside its reference: what the README's table lists.
struct Figure: Codable, Sendable {
    var name: String
    var ours: String
    var reference: String
    /// ours ÷ reference (or reference ÷ ours for throughput), as the target states it.
    var ratio: Double?
    var target: String
    var met: Bool?
    var note: String = ""

    var verdict: String {
        switch met {
        case true?: return "met"
        case false?: return "missed"
        case nil: return "—"
        }
    }
}

/// Collects figures and prints them as the README's table.
final class Report {
    private(set) var figures: [Figure] = []

    func add(_ figure: Figure) {
        figures.append(figure)
        let ratio = figure.ratio.map { String(format: "%.2f", $0) } ?? "—"
        print("  \(figure.name): ours \(figure.ours) | reference \(figure.reference) | ratio \(ratio) | target \(figure.target) | \(figure.verdict)")
        if !figure.note.isEmpty { print("    \(figure.note)") }
    }

    var markdown: String {
        var lines = ["| figure | ours | reference | ratio | target | verdict |", "|---|---|---|---|---|---|"]
        for figure in figures {
            let ratio = figure.ratio.map { String(format: "%.2f", $0) } ?? "—"
            lines.append("| \(figure.name) | \(figure.ours) | \(figure.reference) | \(ratio) | \(figure.target) | \(figure.verdict) |")
        }
        return lines.joined(separator: "\n")
    }

    static var machine: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(cores) cores (\(cpu)), \(String(format: "%.0f", memory)) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)"
    }
}

/// Wall-clock timing with a monotonic clock.
enum Stopwatch {
    static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let result = try body()
        return (result, seconds(ContinuousClock.now - start))
    }

    static func time<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let result = try await body()
        return (result, seconds(ContinuousClock.now - start))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension Array where Element == Double {
    /// The q-quantile (0…1) by nearest rank.
    func quantile(_ q: Double) -> Double {
        guard !isEmpty else { return .nan }
        let sorted = self.sorted()
        let rank = Swift.min(sorted.count - 1, Swift.max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank]
    }
}

func milliseconds(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
