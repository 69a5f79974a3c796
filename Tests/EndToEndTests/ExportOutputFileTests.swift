import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// `--out` with the real programs: never a folder, an existing file only with `--force`, never half written.
@Suite("Export --out end to end", .serialized)
struct ExportOutputFileTests {
    /// A folder with two files in it, and an existing export.
    struct Desk {
        let root: TemporaryDirectory
        var folder: URL { root.appending("mydocs") }
        var existing: URL { root.appending("old.csv") }

        init() throws {
            root = try TemporaryDirectory(prefix: "veldwerk-out")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try Data("thesis".utf8).write(to: folder.appendingPathComponent("thesis.txt"))
            try Data("notes".utf8).write(to: folder.appendingPathComponent("sub/notes.txt"))
            try Data("keep me".utf8).write(to: existing)
        }

        func text(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }

        /// The folder and its files as they were, the existing file unchanged, and no temporary file left.
        func expectUntouched(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(text(folder.appendingPathComponent("thesis.txt")) == "thesis", "\(what)", sourceLocation: sourceLocation)
            #expect(text(folder.appendingPathComponent("sub/notes.txt")) == "notes", "\(what)", sourceLocation: sourceLocation)
            #expect(text(existing) == "keep me", "\(what)", sourceLocation: sourceLocation)
            expectNoTemporaryFiles(what, sourceLocation: sourceLocation)
        }

        func expectNoTemporaryFiles(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            #expect(names.filter { $0.hasPrefix(".") }.isEmpty, "\(what): \(names)", sourceLocation: sourceLocation)
        }
    }

    @Test("veldwerk export: a folder is refused, an existing file needs --force, a failed download keeps the old file")
    func client() async throws {
        try await TestServer.with { server in
            let researcher = try await server.store.createUser(name: "Rita Onderzoek", role: .researcher, email: nil, now: Date())
            let token = try await server.store.issueAPIToken(for: researcher.id, now: Date())
            let home = try TemporaryDirectory(prefix: "veldwerk-home")
            defer { home.remove() }
            let login = try await ProgramRunner.run("veldwerk", ["login", "--server", server.url, "--token", token, "--home", home.path])
            #expect(login.status == 0, "\(login.stderr)")
            let desk = try Desk()
            defer { desk.root.remove() }
            func export(_ arguments: [String]) async throws -> ProgramRunner.Result {
                try await ProgramRunner.run("veldwerk", ["export", "--format", "csv", "--home", home.path] + arguments)
            }

            let folder = try await export(["--out", desk.folder.path])
            #expect(folder.status == 64)
            #expect(folder.stderr.contains("is a folder"), "\(folder.stderr)")
            try desk.expectUntouched("--out a folder")
            let forcedFolder = try await export(["--out", desk.folder.path, "--force"])
            #expect(forcedFolder.status == 64)
            try desk.expectUntouched("--out a folder with --force")

            let existing = try await export(["--out", desk.existing.path])
            #expect(existing.status == 64)
            #expect(existing.stderr.contains(desk.existing.path) && existing.stderr.contains("--force"), "\(existing.stderr)")
            try desk.expectUntouched("--out an existing file")

            // The server refuses (personal data is for admins): the download fails after the temporary file was made.
            let refused = try await export(["--out", desk.existing.path, "--force", "--include-personal-data"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("Only an admin"), "\(refused.stderr)")
            try desk.expectUntouched("a refused download")

            // The server refuses a repeat its questionnaire does not have (400): the old file stays.
            let unknownRepeat = try await export(["--out", desk.existing.path, "--force", "--repeat", "nope"])
            #expect(unknownRepeat.status != 0)
            #expect(unknownRepeat.stderr.contains("no repeat \"nope\""), "\(unknownRepeat.stderr)")
            try desk.expectUntouched("a refused repeat")

            let replaced = try await export(["--out", desk.existing.path, "--force"])
            #expect(replaced.status == 0, "\(replaced.stderr)")
            #expect(desk.text(desk.existing)?.hasPrefix("interview_id,") == true)
            desk.expectNoTemporaryFiles("a replaced file")

            let fresh = desk.root.appending("new.csv")
            let created = try await export(["--out", fresh.path])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(desk.text(fresh)?.hasPrefix("interview_id,") == true)
        }
    }

    @Test("veldwerk-server export: a folder is refused, an existing file needs --force")
    func server() async throws {
        try await TestServer.with { server in
            let desk = try Desk()
            defer { desk.root.remove() }
            func export(_ arguments: [String]) async throws -> ProgramRunner.Result {
                try await ProgramRunner.run("veldwerk-server", ["export", "--format", "csv"] + (try server.databaseArguments) + arguments)
            }

            let folder = try await export(["--out", desk.folder.path, "--force"])
            #expect(folder.status == 64)
            #expect(folder.stderr.contains("is a folder"), "\(folder.stderr)")
            try desk.expectUntouched("--out a folder")

            let existing = try await export(["--out", desk.existing.path])
            #expect(existing.status == 64)
            #expect(existing.stderr.contains(desk.existing.path) && existing.stderr.contains("--force"), "\(existing.stderr)")
            try desk.expectUntouched("--out an existing file")

            // A repeat the questionnaire does not have: a usage error, in the language asked for, nothing touched.
            let repeatGroup = try await export(["--repeat", "nope", "--out", desk.existing.path, "--force"])
            #expect(repeatGroup.status == 64)
            #expect(repeatGroup.stderr.contains("no repeat \"nope\""), "\(repeatGroup.stderr)")
            try desk.expectUntouched("an unknown repeat")
            let dutch = try await export(["--repeat", "nope", "--out", desk.existing.path, "--force", "--lang", "nl"])
            #expect(dutch.status == 64)
            #expect(dutch.stderr.contains("geen herhaling \"nope\""), "\(dutch.stderr)")

            let missing = try await export(["--out", desk.root.appending("no/such/folder.csv").path])
            #expect(missing.status == 64)
            #expect(missing.stderr.contains("does not exist"), "\(missing.stderr)")

            let replaced = try await export(["--out", desk.existing.path, "--force"])
            #expect(replaced.status == 0, "\(replaced.stderr)")
            #expect(desk.text(desk.existing)?.hasPrefix("interview_id,") == true)
            desk.expectNoTemporaryFiles("a replaced file")
        }
    }
}
