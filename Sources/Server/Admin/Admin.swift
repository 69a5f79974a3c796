import ArgumentParser
import Foundation
import Logging
import Shared

/// `veldwerk-server admin …`: fieldwork set-up on the server host, straight on the database.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create users, enrolment codes and assignments on the server host.",
        subcommands: [
            CreateUser.self, ImportUsers.self, ListUsers.self, EnrolmentCodeCommand.self, EnrolmentCodes.self,
            ListDevices.self, RevokeDevice.self, Assign.self, ListAssignments.self, QuarantineCommand.self,
            ListCredentials.self, RevokeCredential.self, PurgePersonalDataCommand.self, MakePersonalDataKeyCommand.self,
            EncryptPersonalDataCommand.self,
        ]
    )
}

/// Opens the store the way `serve` does, for one admin command.
func openAdminStore(_ options: DataOptions) async throws -> SQLiteServerStore {
    try await openStore(options.config, logger: Logger(label: "veldwerk.admin"))
}

/// A file whose content cannot be used (a broken questionnaire, a bad roster): the command was
/// right, the data was not. Printed as one sentence, without a usage banner, with exit status 65
/// (`EX_DATAERR`; a usage error is 64).
struct DataError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension DataError {
    static let exitCode = ExitCode(65)
}

/// Reads a UTF-8 text file, or says plainly why not.
func readText(_ path: String) throws -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ValidationError("Cannot read \(path) as UTF-8 text.")
    }
    return text
}

/// Prints a value as JSON (sorted keys, one document) for scripts.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// The person the admin commands act as: the server host's operator.
let hostOperator = Principal(user: .system, name: "server host", role: .admin, device: nil)

struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-user",
        abstract: "Create a user; prints the user id, and an API token for coordinators, researchers and admins.",
        discussion: "Example: veldwerk-server admin create-user --name \"An Peeters\" --role interviewer"
    )

    @Option(help: "Full name.") var name: String
    @Option(help: "interviewer, coordinator, researcher or admin.") var role: Role
    @Option(help: "E-mail address (personal data).") var email: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    struct Output: Codable {
        var user: UserID
        var name: String
        var role: Role
        var token: String?
    }

    func run() async throws {
        let store = try await openAdminStore(data)
        let user = try await store.createUser(name: name, role: role, email: email, now: Date())
        let token = role == .interviewer ? nil : try await store.issueAPIToken(for: user.id, now: Date())
        if json {
            try printJSON(Output(user: user.id, name: user.name, role: user.role, token: token))
        } else {
            print(user.id.rawValue)
            if let token { print("API token (shown once, keep it secret): \(token)") }
        }
    }
}

extension Role: ExpressibleByArgument {}

struct EnrolmentCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment-code",
        abstract: "Issue a single-use code that enrols one laptop for a user.",
        discussion: "Example: veldwerk-server admin enrolment-code --user u-3f9a0c2b7e41 --valid-hours 72"
    )

    @Option(help: "The user id (from create-user).") var user: String
    @Option(help: "Hours until the code expires.") var validHours: Double = 168
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func validate() throws {
        guard validHours > 0 else { throw ValidationError("--valid-hours must be more than 0.") }
    }

    func run() async throws {
        let store = try await openAdminStore(data)
        let code = try await store.issueEnrolmentCode(for: UserID(user), lifetime: validHours * 3600, now: Date())
        if json {
            try printJSON(code)
        } else {
            print(code.code)
            print("Single use; expires \(ISO8601DateFormatter().string(from: code.expiresAt)).")
        }
    }
}

struct Assign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assign municipalities to an interviewer (moving them from whoever had them).",
        discussion: "Example: veldwerk-server admin assign --user u-3f9a0c2b7e41 --municipality 11001 --municipality 11002"
    )

    @Option(help: "The interviewer's user id.") var user: String?
    @Option(name: .customLong("municipality"), help: "NIS code; repeat for several.") var municipalities: [String] = []
    @Option(help: "A CSV file with columns nis_code,interviewer (user id, e-mail or exact name) instead of --user/--municipality.")
    var csv: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func validate() throws {
        if csv != nil {
            guard user == nil, municipalities.isEmpty else { throw ValidationError("Use either --csv or --user with --municipality.") }
            return
        }
        guard user != nil else { throw ValidationError("Name the interviewer with --user (or give --csv).") }
        guard !municipalities.isEmpty else { throw ValidationError("Name at least one --municipality NIS code.") }
        for nis in municipalities where !Scope.isNIS(nis) {
            throw ValidationError("\(nis) is not a NIS code (five digits, e.g. 11001).")
        }
    }

    func run() async throws {
        let store = try await openAdminStore(data)
        let changes: [Change]
        if let csv {
            changes = try await store.assign(csv: try readText(csv), by: hostOperator, now: Date())
        } else {
            changes = try await store.assign(municipalities, to: UserID(user ?? ""), by: hostOperator, now: Date())
        }
        if json {
            try printJSON(changes)
        } else {
            for change in changes { print("\(change.entityId) → \(change.value?.stringValue ?? "?")") }
            print("Assigned \(changes.count) municipalities; laptops get them on their next sync, and a laptop that had one loses it.")
        }
    }
}
