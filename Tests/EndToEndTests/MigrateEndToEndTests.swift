import Foundation
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// `veldwerk-server migrate`: a study moves from its SQLite file to PostgreSQL and every export is the same.
@Suite("Migrate SQLite to PostgreSQL end to end", .enabled(if: TestEngine.isPostgres, "needs a PostgreSQL cluster"))
struct MigrateEndToEndTests {
    static let formats = ["csv", "csv-long", "jsonl", "codebook-csv", "quotes"]

    @Test("generated interviews, migrated: every export byte for byte the same, the log position and epoch kept; a second migrate is refused")
    func exportsAreIdentical() async throws {
        let root = try TemporaryDirectory(prefix: "veldwerk-migrate")
        defer { root.remove() }
        let data = root.appending("data").path
        let generated = try await ProgramRunner.run(
            "veldwerk-server", ["generate-interviews", "--count", "150", "--interviewers", "12", "--data", data], timeout: 300
        )
        try #require(generated.status == 0, "\(generated.stderr)")
        let target = try #require(try TestEngine.postgresDatabase(for: root.appending("target").path))

        func export(_ format: String, _ database: [String], to name: String) async throws -> Data {
            let out = root.appending(name).path
            let result = try await ProgramRunner.run("veldwerk-server", ["export", "--format", format, "--out", out] + database, timeout: 120)
            try #require(result.status == 0, "export \(format) \(database): \(result.stderr)")
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }
        var before: [String: Data] = [:]
        for format in Self.formats { before[format] = try await export(format, ["--data", data], to: "before.\(format)") }

        let migrated = try await ProgramRunner.run("veldwerk-server", ["migrate", "--from", data, "--to", target, "--json"], timeout: 300)
        try #require(migrated.status == 0, "\(migrated.stderr)")
        let summary = try JSONDecoder().decode(MigrationSummary.self, from: Data(migrated.stdout.utf8))
        #expect(summary.logPosition > 0)
        #expect((summary.tables["change_log"] ?? 0) > 150 * 10, "the generated interviews' changes were copied")

        for format in Self.formats {
            let after = try await export(format, ["--database", target], to: "after.\(format)")
            #expect(after == before[format], "\(format): \(after.count) bytes after, \(before[format]?.count ?? 0) before")
            #expect(after.count > 100, "\(format) is not empty")
        }

        // The epoch and the last position are the SQLite file's: laptops keep their cursors.
        let sqlite = try SQLServerStore(path: URL(fileURLWithPath: data).appendingPathComponent("veldwerk.sqlite").path)
        #expect(sqlite.logEpoch == summary.logEpoch)
        #expect(try await sqlite.engine.read { db in try ChangeLog.lastSeq(in: db) } == summary.logPosition)

        // A new change on PostgreSQL takes the next position, not one of the copied ones.
        let postgres = try await SQLServerStore.connect(postgres: try #require(PostgresURL(target)))
        let user = try await postgres.createUser(name: "Na de migratie", role: .interviewer, email: nil, now: Date())
        _ = try await postgres.assign(["11001"], to: user.id, by: hostOperator, now: Date())
        #expect(try await postgres.engine.read { db in try ChangeLog.lastSeq(in: db) } > summary.logPosition)

        let again = try await ProgramRunner.run("veldwerk-server", ["migrate", "--from", data, "--to", target])
        #expect(again.status == 65, "\(again.stderr)")
        #expect(again.stderr.contains("already holds a study"), "\(again.stderr)")
    }
}
