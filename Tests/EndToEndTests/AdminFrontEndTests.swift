import ArgumentParser
import Foundation
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// `veldwerk admin …` (through the API) and `veldwerk-server admin …` (on the host) are two front ends
/// of one set of operations: the same commands take the same arguments and meet the same limits.
@Suite("Admin front ends")
struct AdminFrontEndTests {
    /// What each front end adds of its own: where the data is, the profile, the output, the language.
    static let frontEndOptions: Set<String> = ["--data", "--database", "--personal-data-key", "--home", "--json", "--lang", "--help", "--version"]

    /// A command's arguments as its usage line names them: `--options` and `<positionals>`.
    static func arguments(_ command: any ParsableCommand.Type) -> Set<String> {
        let usage = command.helpMessage(columns: 1000).split(separator: "\n").first { $0.hasPrefix("USAGE:") } ?? ""
        let words = usage.split(separator: " ").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }
        // `<value>` right after an option is that option's value, not a positional argument.
        let positionals = words.indices.filter { words[$0].hasPrefix("<") && ($0 == 0 || !words[$0 - 1].hasPrefix("--")) }.map { words[$0] }
        return Set(words.filter { $0.hasPrefix("--") } + positionals).subtracting(frontEndOptions)
    }

    static func byName(_ commands: [any ParsableCommand.Type]) -> [String: any ParsableCommand.Type] {
        Dictionary(uniqueKeysWithValues: commands.map { ($0._commandName, $0) })
    }

    @Test("every admin command both front ends have takes the same arguments")
    func sameShapes() {
        let client = Self.byName(AdminCommand.configuration.subcommands)
        let host = Self.byName(Admin.configuration.subcommands)
        #expect(Set(client.keys).subtracting(host.keys) == ["questionnaire", "roster"], "the host has these as `veldwerk-server questionnaire|roster`")
        #expect(
            Set(host.keys).subtracting(client.keys) == ["enrolment-codes", "purge-personal-data", "make-personal-data-key", "encrypt-personal-data"],
            "host-only operations"
        )
        for name in Set(client.keys).intersection(host.keys).sorted() {
            let (viaAPI, onHost) = (Self.arguments(client[name]!), Self.arguments(host[name]!))
            #expect(viaAPI == onHost, "\(name): veldwerk admin takes \(viaAPI.sorted()), veldwerk-server admin \(onHost.sorted())")
        }
    }

    @Test("the same limit refuses the same input on both front ends, before anything is stored")
    func sameLimits() async throws {
        let data = try TemporaryDirectory(prefix: "veldwerk-admin-fronts")
        defer { data.remove() }
        for arguments in [["enrolment-code", "u-3f9a0c2b7e41", "--valid-hours", "5000"], ["assign", "--user", "u-1", "--municipality", "1100"]] {
            let host = try await ProgramRunner.run("veldwerk-server", ["admin"] + arguments + ["--data", data.path])
            let client = try await ProgramRunner.run("veldwerk", ["admin"] + arguments + ["--home", data.path])
            #expect(host.status == 64 && client.status == 64, "\(arguments): \(host.stderr) | \(client.stderr)")
            let sentence = { (text: String) in text.split(separator: "\n").first.map { $0.replacingOccurrences(of: "Error: ", with: "") } ?? "" }
            #expect(sentence(host.stderr) == sentence(client.stderr), "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: data.url.appendingPathComponent("veldwerk.sqlite").path), "nothing was opened")
    }

    @Test("create-user gives an interviewer an enrolment code on the host too, as through the API")
    func createUserAlike() async throws {
        let data = try TemporaryDirectory(prefix: "veldwerk-admin-create")
        defer { data.remove() }
        let made = try await ProgramRunner.run("veldwerk-server", ["admin", "create-user", "--name", "Ine Maes", "--json", "--data", data.path])
        #expect(made.status == 0, "\(made.stderr)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let output = try decoder.decode(CreateUser.Output.self, from: Data(made.stdout.utf8))
        #expect(output.role == .interviewer, "interviewer is the default on both front ends")
        #expect(output.enrolmentCode != nil && output.token == nil)
        let refused = try await ProgramRunner.run(
            "veldwerk-server", ["admin", "enrolment-code", output.user.rawValue, "--valid-hours", "0", "--data", data.path]
        )
        #expect(refused.status == 64)
    }
}
