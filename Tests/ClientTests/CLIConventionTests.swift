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

    @Test("veldwerk speaks the study form's language (Dutch) by default; LANG, LC_MESSAGES and --lang (before or after the subcommand) override")
    func language() async throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        _ = try fixture.newInterview()
        // C.UTF-8 names no language: the study's default_language (nl) decides.
        let noLocale = ["LC_MESSAGES": "", "LANG": "C.UTF-8"]
        let dutch = try await ProgramRunner.run("veldwerk", ["sync", "--home", fixture.home], environment: noLocale)
        #expect(dutch.status == 4)
        #expect(dutch.stderr.contains("Je werk is bewaard op deze laptop"), "\(dutch.stderr)")
        let cases = try await ProgramRunner.run("veldwerk", ["cases", "--home", fixture.home], environment: noLocale)
        #expect(cases.stdout.contains("GEMEENTE") || cases.stdout.contains("NAAM"), "\(cases.stdout)")
        #expect(cases.stdout.contains("bezig") || cases.stdout.contains("niet gecontacteerd"), "statuses in Dutch words: \(cases.stdout)")
        #expect(!cases.stdout.contains("notContacted") && !cases.stdout.contains("inProgress"), "no internal values: \(cases.stdout)")
        let list = try await ProgramRunner.run("veldwerk", ["interviews", "--home", fixture.home], environment: noLocale)
        #expect(list.stdout.contains("ontwerp"), "\(list.stdout)")

        for arguments in [["--lang", "en", "sync", "--home", fixture.home], ["sync", "--home", fixture.home, "--lang=en"]] {
            let english = try await ProgramRunner.run("veldwerk", arguments, environment: ["LC_MESSAGES": "", "LANG": "nl_BE.UTF-8"])
            #expect(english.stderr.contains("Your work is saved on this laptop"), "\(arguments): \(english.stderr)")
        }
        let locale = try await ProgramRunner.run("veldwerk", ["sync", "--home", fixture.home], environment: ["LC_MESSAGES": "", "LANG": "en_GB.UTF-8"])
        #expect(locale.stderr.contains("Your work is saved on this laptop"), "\(locale.stderr)")
        let messages = try await ProgramRunner.run("veldwerk", ["sync", "--home", fixture.home], environment: ["LC_MESSAGES": "nl_BE.UTF-8", "LANG": "en_GB.UTF-8"])
        #expect(messages.stderr.contains("Je werk is bewaard"), "LC_MESSAGES wins over LANG: \(messages.stderr)")

        let unknown = try await ProgramRunner.run("veldwerk", ["--lang", "fr", "status", "--home", fixture.home])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("nl (Nederlands) and en (English)"), "\(unknown.stderr)")
    }
}
