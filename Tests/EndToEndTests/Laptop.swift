import Foundation
import Shared
import TestSupport

@testable import VeldwerkClient

/// One interviewer's laptop: a profile folder driven through the real `veldwerk` program.
struct Laptop {
    let home: TemporaryDirectory

    init() throws {
        home = try TemporaryDirectory(prefix: "veldwerk-laptop")
    }

    /// Runs `veldwerk ARGS --home HOME`; fails the test with the program's message when it exits non-zero and `check` is set.
    @discardableResult
    func run(_ arguments: [String], check: Bool = true, stdin: String? = nil, environment: [String: String] = [:]) async throws -> ProgramRunner.Result {
        let result = try await ProgramRunner.run("veldwerk", arguments + ["--home", home.path], environment: environment, stdin: stdin)
        if check && result.status != 0 {
            throw LaptopError(command: arguments.joined(separator: " "), result: result)
        }
        return result
    }

    /// Runs a command with `--json` and decodes its output.
    func json<T: Decodable>(_ type: T.Type, _ arguments: [String]) async throws -> T {
        let result = try await run(arguments + ["--json"])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(result.stdout.utf8))
    }

    /// The laptop's database, opened in this process for checks.
    func store() throws -> ClientStore { try ClientStore(home: home.url) }

    func remove() { home.remove() }
}

struct LaptopError: Error, CustomStringConvertible {
    var command: String
    var result: ProgramRunner.Result
    var description: String { "veldwerk \(command) exited \(result.status): \(result.stderr) \(result.stdout)" }
}
