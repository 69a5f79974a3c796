import ArgumentParser
import CommandLineOptions
import Foundation
import Logging
import Shared

/// `veldwerk-server admin …`: fieldwork set-up on the server host, straight on the database.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create users, enrolment codes and assignments on the server host.",
        subcommands: [
            CreateUser.self, ImportUsers.self, ListUsers.self, EnrolmentCodeCommand.self, EnrolmentCodes.self,
            ListDevices.self, RevokeDevice.self, Assign.self, ListAssignments.self, CaseStatusCommand.self, QuarantineCommand.self,
            ListCredentials.self, RevokeCredential.self, PurgePersonalDataCommand.self, MakePersonalDataKeyCommand.self,
            EncryptPersonalDataCommand.self,
        ]
    )
}

/// Opens the store the way `serve` does, for one admin command.
func openAdminStore(_ options: DataOptions) async throws -> SQLServerStore {
    try await openStore(options.config, logger: Logger(label: "veldwerk.admin"))
}

/// The fieldwork operations the API's coordinator routes run, as the host's operator (an admin).
func hostOperations(_ options: DataOptions) async throws -> FieldworkOperations {
    FieldworkOperations(store: try await openAdminStore(options), principal: hostOperator, now: Date())
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
        abstract: "Create one user; an interviewer gets an enrolment code, others an API token (shown once).",
        discussion: "Example: veldwerk-server admin create-user --name \"An Peeters\" --role coordinator"
    )

    @OptionGroup var arguments: CreateUserArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    struct Output: Codable {
        var user: UserID
        var name: String
        var role: Role
        var token: String?
        var enrolmentCode: EnrolmentCode?
    }

    func run() async throws {
        let created = try await hostOperations(data).createUser(arguments.request)
        if json {
            try printJSON(Output(user: created.user.id, name: created.user.name, role: created.user.role, token: created.token, enrolmentCode: created.enrolmentCode))
        } else {
            print(created.user.id.rawValue)
            if let token = created.token {
                print(localized(nl: "API-token (één keer getoond, hou het geheim): \(token)", en: "API token (shown once, keep it secret): \(token)"))
            }
            if let code = created.enrolmentCode { print(FieldworkText.line(code)) }
        }
    }
}

struct EnrolmentCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment-code",
        abstract: "Issue a single-use code that enrols one laptop for an interviewer.",
        discussion: "Example: veldwerk-server admin enrolment-code u-3f9a0c2b7e41 --valid-hours 72"
    )

    @OptionGroup var arguments: EnrolmentCodeArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let code = try await hostOperations(data).enrolmentCode(for: arguments.user, validHours: arguments.validHours)
        if json {
            try printJSON(code)
        } else {
            print(code.code)
            print(localized(
                nl: "Eenmalig; vervalt \(ISO8601DateFormatter().string(from: code.expiresAt)).",
                en: "Single use; expires \(ISO8601DateFormatter().string(from: code.expiresAt))."
            ))
        }
    }
}

struct Assign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assign municipalities to an interviewer (moving them from whoever had them).",
        discussion: """
            Examples:
              veldwerk-server admin assign --user u-3f9a0c2b7e41 --municipality 11001 --municipality 11002
              veldwerk-server admin assign --csv toewijzingen.csv      (columns nis_code,interviewer)
            """
    )

    @OptionGroup var arguments: AssignArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let operations = try await hostOperations(data)
        let changes: [Change]
        if let csv = arguments.csv {
            changes = try await operations.assign(csv: try readText(csv))
        } else {
            changes = try await operations.assign(AssignRequest(user: UserID(arguments.user ?? ""), municipalities: arguments.municipalities))
        }
        if json {
            try printJSON(changes)
        } else {
            for change in changes { print("\(change.entityId) → \(change.value?.stringValue ?? "?")") }
            print(localized(
                nl: "\(changes.count) gemeenten toegewezen; laptops krijgen ze bij hun volgende synchronisatie, en een laptop die er een had, verliest ze.",
                en: "Assigned \(changes.count) municipalities; laptops get them on their next sync, and a laptop that had one loses it."
            ))
        }
    }
}

struct CaseStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case-status",
        abstract: "Set a municipality's case status by hand (e.g. unreachable), or `derived` to let it follow from contacts again.",
        discussion: "Example: veldwerk-server admin case-status 11001 unreachable"
    )

    @OptionGroup var arguments: CaseStatusArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let change = try await hostOperations(data).setCaseStatus(arguments.nis, to: arguments.caseStatus)
        if json { try printJSON(change) } else { print(FieldworkText.caseStatusSet(arguments.nis, to: arguments.caseStatus)) }
    }
}
