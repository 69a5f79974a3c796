import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient

@Suite("CLI conventions")
struct CLIConventionTests {
    @Test("--version names the release; a failed enrol leaves no profile behind")
    func versionAndFailedEnrol() async throws {
        let version = try await ProgramRunner.run("veldwerk", ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "veldwerk \(Release.version)")
        let folder = try TemporaryDirectory(prefix: "veldwerk-enrol")
        defer { folder.remove() }
        let home = folder.url.appendingPathComponent("profile")
        // Port 9 (discard) on loopback: nothing listens, the request fails at once.
        let failed = try await ProgramRunner.run("veldwerk", ["enrol", "--server", "http://127.0.0.1:9", "--code", "ABCD-EFGH", "--home", home.path])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("Could not reach the server"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path), "no empty profile is left behind")
        #expect(!failed.stderr.contains("saved on this laptop"), "nothing was saved: \(failed.stderr)")
    }

    @Test("a sync that cannot reach the server says the work is saved on the laptop; --home works before the subcommand too")
    func offlineSyncAndGlobalHome() async throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        _ = try fixture.newInterview()
        for arguments in [["sync", "--home", fixture.home], ["--home", fixture.home, "sync"], ["--home=\(fixture.home)", "sync"]] {
            let sync = try await ProgramRunner.run("veldwerk", arguments)
            #expect(sync.status == 4, "\(arguments): \(sync.stderr)")
            #expect(sync.stderr.contains("Your work is saved on this laptop"), "\(sync.stderr)")
        }
        let status = try await ProgramRunner.run("veldwerk", ["--json", "--home", fixture.home, "status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("{"), "\(status.stdout)")
    }
}
