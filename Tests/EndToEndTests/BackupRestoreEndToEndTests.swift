import Foundation
import GRDB
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// The backup drill, with the real programs: a backup taken while laptops sync, restored, and nothing
/// that any laptop still holds is lost.
@Suite("Backup and restore end to end", .serialized, .enabled(if: !TestEngine.isPostgres, "SQLite's online backup; PostgreSQL's is pg_dump"))
struct BackupRestoreEndToEndTests {
    struct Summary: Decodable {
        var path: String
        var logPosition: Int64
        var logEpoch: String
    }

    /// The log's rows up to `position`, as comparable text.
    static func logRows(_ path: String, upTo position: Int64) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try db.fetchAll(
                "SELECT seq, device, dseq, scope, entity, entity_id, field, value, hlc, base, author FROM change_log WHERE seq <= ? ORDER BY seq",
                [position]
            ).map(\.description)
        }
    }

    static func restart(data: TemporaryDirectory, port: Int) async throws -> (RunningProgram, Int) {
        var attempt = 0
        while true {
            do {
                return try await ServerLimitsTests.startServer(data: data, ["--port", "\(port)"])
            } catch where attempt < 10 {
                attempt += 1
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    static func serverTool(_ arguments: [String]) async throws -> ProgramRunner.Result {
        try await ProgramRunner.run("veldwerk-server", arguments)
    }

    @Test("drill: backup during syncs holds exactly the log up to its position; after restore the laptops send back what the server lost, and none skips a change")
    func drill() async throws {
        let data = try TemporaryDirectory(prefix: "veldwerk-drill")
        defer { data.remove() }
        let backups = try TemporaryDirectory(prefix: "veldwerk-backups")
        defer { backups.remove() }
        let database = data.url.appendingPathComponent("veldwerk.sqlite").path
        var (server, port) = try await ServerLimitsTests.startServer(data: data)
        defer { if server.isRunning { server.kill() } }
        let url = "http://127.0.0.1:\(port)"

        let store = try SQLServerStore(path: database)
        let user = try await store.createUser(name: "Noor Peeters", role: .interviewer, email: nil, now: Date())
        _ = try await store.assign(["11001"], to: user.id, by: hostOperator, now: Date())
        let first = try Laptop(), second = try Laptop()
        defer { first.remove(); second.remove() }
        for laptop in [first, second] {
            let code = try await store.issueEnrolmentCode(for: user.id, lifetime: 3600, now: Date())
            try await laptop.run(["enrol", "--server", url, "--code", code.code])
            try await laptop.run(["sync"])
        }
        let before = try await first.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await first.run(["interview", "set", before, "a_modus=telefonisch", "a_functie=Schepen"])
        try await first.run(["sync"])

        // The backup, taken while the second laptop records and syncs.
        let load = Task {
            for round in 0..<4 {
                let id = try await second.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                try await second.run(["interview", "set", id, "a_modus=video", "a_functie=Ronde \(round)"])
                try await second.run(["sync"])
            }
        }
        let file = backups.url.appendingPathComponent("veldwerk-backup.sqlite").path
        let made = try await Self.serverTool(["backup", "--out", file, "--data", data.path, "--json"])
        try await load.value
        #expect(made.status == 0, "\(made.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(made.stdout.utf8))
        #expect(summary.logPosition > 0)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600, "a backup holds personal data: its owner's only")
        #expect(try Self.logRows(file, upTo: .max) == Self.logRows(database, upTo: summary.logPosition), "the backup is the log up to its position, no more, no less")

        // Acknowledged after the backup: lost by the restore, but not by the laptop.
        let after = try await first.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await first.run(["interview", "set", after, "a_modus=video", "a_functie=Na de back-up"])
        try await first.run(["sync"])
        try await second.run(["sync"])

        let underServer = try await Self.serverTool(["restore", "--from", file, "--data", data.path])
        #expect(underServer.status == 65, "restoring under a running server is refused: \(underServer.stdout)")
        #expect(underServer.stderr.contains("stop it first"), "\(underServer.stderr)")

        kill(server.processIdentifier, SIGTERM)
        _ = try await server.finish(timeout: 20)
        let restored = try await Self.serverTool(["restore", "--from", file, "--data", data.path, "--json"])
        #expect(restored.status == 0, "\(restored.stderr)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasPrefix("veldwerk.sqlite.replaced-") }
        #expect(kept.count == 1, "the replaced database is kept: \(kept)")

        // The restored study, exported before any laptop returns, is the backup's.
        let restoredExport = backups.url.appendingPathComponent("restored.jsonl").path
        let fromBackup = try TemporaryDirectory(prefix: "veldwerk-backup-copy")
        defer { fromBackup.remove() }
        try FileManager.default.copyItem(atPath: file, toPath: fromBackup.url.appendingPathComponent("veldwerk.sqlite").path)
        let backupExport = backups.url.appendingPathComponent("backup.jsonl").path
        for (folder, out) in [(data.path, restoredExport), (fromBackup.path, backupExport)] {
            let exported = try await Self.serverTool(["export", "--format", "jsonl", "--out", out, "--data", folder])
            #expect(exported.status == 0, "\(exported.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: restoredExport)) == Data(contentsOf: URL(fileURLWithPath: backupExport)))
        #expect(try !String(contentsOfFile: restoredExport, encoding: .utf8).contains("Na de back-up"), "the restore lost what came after the backup")

        // The laptops know the old address: the server comes back on the same port (once the old socket is free).
        (server, port) = try await Self.restart(data: data, port: port)
        // The first laptop returns first and records something new, at a position the second laptop's old cursor has passed.
        try await first.run(["sync"])
        let newer = try await first.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await first.run(["interview", "set", newer, "a_modus=telefonisch", "a_functie=Na het terugzetten"])
        try await first.run(["sync"])
        try await second.run(["sync"])

        let back = try SQLServerStore(path: database)
        let lost = try await back.interviewDetail(try #require(UUID(uuidString: after)))
        #expect(lost?.interview.answers["a_functie"] == .string("Na de back-up"), "the laptop sent back what the restore lost")
        #expect(try await back.interviewDetail(try #require(UUID(uuidString: before)))?.interview.answers["a_modus"] == .string("telefonisch"))
        let seen = try await second.store().pool.read { db in
            try db.value(Int.self, "SELECT COUNT(*) FROM field_state WHERE entity_id = ? AND field = 'answers.a_functie'", [newer]) ?? 0
        }
        #expect(seen == 1, "the second laptop did not skip a change stored at a log position its old cursor had passed")
        let logCount = try await back.engine.read { db in
            try db.value(Int.self, "SELECT COUNT(*) - COUNT(DISTINCT device || ':' || dseq) FROM change_log") ?? -1
        }
        #expect(logCount == 0, "every change stored once, however often it was sent")
        kill(server.processIdentifier, SIGTERM)
        _ = try await server.finish(timeout: 20)
    }

    @Test("restore refuses what is not a whole Veldwerk backup, and changes nothing")
    func refusesBadBackups() async throws {
        let data = try TemporaryDirectory(prefix: "veldwerk-restore")
        defer { data.remove() }
        let junk = data.url.appendingPathComponent("junk.sqlite")
        try Data("not a database at all, just words".utf8).write(to: junk)
        let other = data.url.appendingPathComponent("other.sqlite")
        let queue = try DatabaseQueue(path: other.path)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        try queue.close()
        for (file, words) in [(junk.path, "is not an SQLite database"), (other.path, "is not a backup of a Veldwerk server"), ("/nonexistent/backup.sqlite", "does not exist")] {
            let result = try await Self.serverTool(["restore", "--from", file, "--data", data.path])
            #expect(result.status == 65, "\(file): \(result.stderr)")
            #expect(result.stderr.contains(words), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: data.url.appendingPathComponent("veldwerk.sqlite").path))
    }
}
