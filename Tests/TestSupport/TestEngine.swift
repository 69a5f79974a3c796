import Foundation
import Synchronization

/// The database engine the server's tests run against: SQLite files in each test's own folder, or,
/// when `VELDWERK_TEST_POSTGRES_URL` names a PostgreSQL cluster (`scripts/test.sh` starts one with
/// `scripts/postgres.sh`), a database of their own in that cluster for each such file.
///
/// The suites are written once: a test names the SQLite file it would use, and gets that file's
/// PostgreSQL database when the suite runs against PostgreSQL (the same one for the same file, so
/// two stores on one path are two nodes on one database).
public enum TestEngine {
    /// The cluster's URL (to its maintenance database), or nil: SQLite.
    public static var postgresCluster: String? {
        ProcessInfo.processInfo.environment["VELDWERK_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isPostgres: Bool { postgresCluster != nil }

    /// The push budget tests run with: the server's own on SQLite; a minute on PostgreSQL, where every
    /// statement is a round trip and the test run keeps several databases busy on the same cores, so
    /// 5 s would measure the machine, not the code. Tests of the budget set their own.
    public static func pushBudget(_ serverDefault: Double) -> Double {
        isPostgres ? 60 : serverDefault
    }

    private static let databases = Mutex<[String: String]>([:])

    /// The PostgreSQL database standing for the SQLite file at `path` (made, empty, on first use), or nil on SQLite.
    public static func postgresDatabase(for path: String) throws -> String? {
        guard let cluster = postgresCluster else { return nil }
        return try databases.withLock { known in
            if let url = known[path] { return url }
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try psql(cluster, "CREATE DATABASE \(name)")
            let url = replacingDatabase(in: cluster, with: name)
            known[path] = url
            return url
        }
    }

    /// The options that point a `veldwerk-server` command at the database of the data folder `folder`:
    /// `--data` and, on PostgreSQL, `--database` with the database standing for its `veldwerk.sqlite`.
    public static func dataArguments(folder: String) throws -> [String] {
        let file = URL(fileURLWithPath: folder).appendingPathComponent("veldwerk.sqlite").path
        if let postgres = try postgresDatabase(for: file) { return ["--data", folder, "--database", postgres] }
        return ["--data", folder]
    }

    /// Runs one SQL statement with `psql` (from the postgresql packages).
    public static func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--dbname", url, "--command", sql]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw TestEngineError(description: "psql \(sql): \(message)")
        }
    }

    /// The cluster's URL with another database name.
    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }
}

public struct TestEngineError: Error, CustomStringConvertible {
    public var description: String
}
