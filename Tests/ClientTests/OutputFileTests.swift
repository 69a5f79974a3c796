import CommandLineOptions
import Foundation
import Testing
import TestSupport

/// The export's `--out` file: atomic, never over a file it was not allowed to replace.
@Suite struct OutputFileTests {
    struct Interrupted: Error {}

    private func leftovers(_ directory: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix(".") }
    }

    @Test func aFailedWriteRemovesTheTemporaryFileAndKeepsTheOldOne() async throws {
        try await withTemporaryDirectory { directory in
            let target = directory.appending("studie.csv")
            try Data("old".utf8).write(to: target)
            let file = try OutputFile(path: target.path, force: true)
            await #expect(throws: Interrupted.self) {
                try await file.write { handle in
                    try handle.write(contentsOf: Data("half a".utf8))
                    throw Interrupted()
                }
            }
            #expect(try String(contentsOf: target, encoding: .utf8) == "old")
            #expect(leftovers(directory).isEmpty)
        }
    }

    @Test func aFileThatAppearsMeanwhileIsNotReplacedWithoutForce() async throws {
        try await withTemporaryDirectory { directory in
            let target = directory.appending("studie.csv")
            let file = try OutputFile(path: target.path, force: false)
            await #expect(throws: OutputFileError.exists(target.path)) {
                try await file.write { handle in
                    try Data("someone else's".utf8).write(to: target)
                    try handle.write(contentsOf: Data("export".utf8))
                }
            }
            #expect(try String(contentsOf: target, encoding: .utf8) == "someone else's")
            #expect(leftovers(directory).isEmpty)
        }
    }

    @Test func aReplacedFileKeepsItsPermissionsAndANewOneIsPrivate() async throws {
        try await withTemporaryDirectory { directory in
            let target = directory.appending("studie.csv")
            try Data("old".utf8).write(to: target)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: target.path)
            try await OutputFile(path: target.path, force: true).write { try $0.write(contentsOf: Data("new".utf8)) }
            #expect(try String(contentsOf: target, encoding: .utf8) == "new")
            #expect(try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int == 0o644)
            let fresh = directory.appending("nieuw.csv")
            try await OutputFile(path: fresh.path, force: false).write { try $0.write(contentsOf: Data("new".utf8)) }
            #expect(try FileManager.default.attributesOfItem(atPath: fresh.path)[.posixPermissions] as? Int == 0o600)
            #expect(leftovers(directory).isEmpty)
        }
    }

    @Test func foldersAndMissingFoldersAreRefusedBeforeAnythingIsWritten() throws {
        try withTemporaryDirectorySync { directory in
            #expect(throws: OutputFileError.isFolder(directory.path)) { try OutputFile(path: directory.path, force: true) }
            #expect(throws: OutputFileError.isFolder("x/")) { try OutputFile(path: "x/", force: true) }
            let missing = directory.appending("nergens").path
            #expect(throws: OutputFileError.noFolder(missing)) { try OutputFile(path: missing + "/studie.csv", force: false) }
        }
    }

    private func withTemporaryDirectorySync(_ body: (TemporaryDirectory) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try body(directory)
    }
}
