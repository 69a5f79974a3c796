import Foundation

/// The real `veldwerk-server` program, started beside the harness on a free loopback port.
final class ServerProcess {
    let process = Process()
    let url: String

    /// Starts `veldwerk-server serve` on `data` (or on the PostgreSQL `database`) and waits until it listens.
    init(data: URL, database: String? = nil) throws {
        let binary = Self.binary()
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("veldwerk-server is not built beside the harness (\(binary.path)); run `swift build -c release` first.")
        }
        process.executableURL = binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--log-level", "error"] + Self.databaseArguments(data: data, database: database)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("\nDatabase:") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty, Date() < deadline else { throw BenchError("veldwerk-server did not start: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            throw BenchError("could not read the port from: \(text)")
        }
        url = String(text[range])
    }

    /// `--database URL` for PostgreSQL, else `--data DIR`.
    static func databaseArguments(data: URL, database: String?) -> [String] {
        database.map { ["--database", $0] } ?? ["--data", data.path]
    }

    static func binary() -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("veldwerk-server")
    }

    /// Stops the server (SIGTERM: graceful shutdown) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A temporary folder removed at the end.
struct ScratchDirectory {
    let url: URL

    init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("veldwerk-bench-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A throw-away PostgreSQL database for one benchmark, made in the cluster of `clusterURL` (a URL
/// from `scripts/postgres.sh`, whose user may create databases) and dropped at the end, with `psql`.
struct ScratchPostgres {
    let url: String
    private let cluster: String
    private let name: String

    init(cluster clusterURL: String, _ label: String) throws {
        cluster = clusterURL
        name = "bench_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        guard let slash = clusterURL.range(of: "/", options: .backwards), clusterURL.hasPrefix("postgres") else {
            throw BenchError("--postgres takes a URL, postgres://USER@HOST:PORT/DATABASE")
        }
        url = String(clusterURL[..<slash.upperBound]) + name
        _ = try Self.psql(clusterURL, "CREATE DATABASE \(name)")
    }

    func remove() { _ = try? Self.psql(cluster, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    /// Runs `sql` with `psql` and returns the rows' first column, unaligned.
    static func psql(_ url: String, _ sql: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("psql failed: \(String(decoding: message, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}
