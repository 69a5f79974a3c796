import ArgumentParser
import CommandLineOptions
import Foundation
import Shared

/// `veldwerk admin …`: fieldwork set-up for a signed-in coordinator, through the server's API.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Set up fieldwork on the server (coordinators; sign in first with `veldwerk login`).",
        subcommands: [
            AdminUsers.self, AdminCreateUser.self, AdminImportUsers.self, AdminEnrolmentCode.self, AdminDevices.self, AdminRevokeDevice.self,
            AdminAssign.self, AdminAssignments.self, AdminCaseStatus.self, AdminQuarantine.self, AdminQuestionnaire.self, AdminRoster.self,
            AdminCredentials.self, AdminRevokeCredential.self,
        ]
    )
}

/// Shared by the admin subcommands: the profile, the output mode, the signed-in API.
struct AdminOptions: ParsableArguments {
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func api() throws -> APIClient { try profile.openStore().loggedInAPI() }

    /// Prints a list as JSON, or one line per item.
    func emit<Item: Encodable>(_ items: [Item], line: (Item) -> String) throws {
        try output.emit(items) { items.isEmpty ? localized(nl: "(geen)", en: "(none)") : items.map(line).joined(separator: "\n") }
    }
}

/// Reads a file the user named, or says plainly why not.
func readUserFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else { throw ClientError.invalidInput(localized(nl: "Kan \(path) niet lezen.", en: "Cannot read \(path).")) }
    return data
}

struct AdminUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "List users.")
    @OptionGroup var arguments: UserListArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let query = arguments.role.map { "?role=\($0.rawValue)" } ?? ""
            let list: ListResponse<User> = try await options.api().send("GET", "/v1/users" + query)
            try options.emit(list.items, line: FieldworkText.line)
        }
    }
}


struct AdminCreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-user", abstract: "Create one user; an interviewer gets an enrolment code, others an API token.",
        discussion: "Example: veldwerk admin create-user --name \"An Peeters\" --email an@example.org"
    )
    @OptionGroup var arguments: CreateUserArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let created: CreatedUser = try await options.api().send("POST", "/v1/users", body: arguments.request)
            try options.output.emit(created) { FieldworkText.line(created) }
        }
    }
}

struct AdminImportUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-users", abstract: "Create users from a CSV file (name,email[,role]); prints each with its enrolment code.",
        discussion: "Example: veldwerk admin import-users studenten.csv > codes.txt"
    )
    @OptionGroup var arguments: ImportUsersArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let list: ListResponse<CreatedUser> = try await options.api().send(
                "POST", "/v1/users/import", raw: try readUserFile(arguments.path), contentType: "text/csv; charset=utf-8"
            )
            try options.emit(list.items, line: FieldworkText.line)
        }
    }
}

struct AdminEnrolmentCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment-code", abstract: "Issue a single-use enrolment code for an interviewer's laptop.",
        discussion: "Example: veldwerk admin enrolment-code u-3f9a0c2b7e41 --valid-hours 72"
    )
    @OptionGroup var arguments: EnrolmentCodeArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let code: EnrolmentCode = try await options.api().send(
                "POST", "/v1/users/\(arguments.user)/enrolment-code", body: EnrolmentCodeRequest(validHours: arguments.validHours)
            )
            try options.output.emit(code) { FieldworkText.line(code) }
        }
    }
}

struct AdminDevices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List enrolled laptops with their last sync.")
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let list: ListResponse<DeviceInfo> = try await options.api().send("GET", "/v1/devices")
            try options.emit(list.items) { FieldworkText.line($0) }
        }
    }
}

struct AdminRevokeDevice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke-device", abstract: "Revoke a laptop; its token stops working at once.")
    @OptionGroup var arguments: RevokeDeviceArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let revoked: DeviceInfo = try await options.api().send("POST", "/v1/devices/\(arguments.device)/revoke", body: [String: String]())
            try options.output.emit(revoked) { FieldworkText.line(revoked) }
        }
    }
}

struct AdminAssign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign", abstract: "Assign municipalities to an interviewer, moving them from whoever had them.",
        discussion: """
            Examples:
              veldwerk admin assign --user u-3f9a0c2b7e41 --municipality 11001 --municipality 11002
              veldwerk admin assign --csv toewijzingen.csv      (columns nis_code,interviewer)
            """
    )
    @OptionGroup var arguments: AssignArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let api = try options.api()
            let list: ListResponse<Change>
            if let csv = arguments.csv {
                list = try await api.send("POST", "/v1/assignments/import", raw: try readUserFile(csv), contentType: "text/csv; charset=utf-8")
            } else {
                list = try await api.send(
                    "POST", "/v1/assignments", body: AssignRequest(user: UserID(arguments.user ?? ""), municipalities: arguments.municipalities)
                )
            }
            try options.emit(list.items) { "\($0.entityId) → \($0.value?.stringValue ?? "?")" }
        }
    }
}

struct AdminAssignments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assignments", abstract: "List who works which municipality.")
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let list: ListResponse<AssignmentInfo> = try await options.api().send("GET", "/v1/assignments")
            try options.emit(list.items, line: FieldworkText.line)
        }
    }
}

struct AdminQuarantine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "Changes from laptops that no longer hold their municipality: list, accept or discard.",
        discussion: "Examples: veldwerk admin quarantine | veldwerk admin quarantine accept d-3f9a0c2b7e41:17"
    )
    @OptionGroup var arguments: QuarantineArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let api = try options.api()
            if arguments.action == "list" {
                let list: ListResponse<QuarantinedChange> = try await api.send("GET", "/v1/quarantine" + (arguments.all ? "?status=all" : ""))
                try options.emit(list.items, line: FieldworkText.line)
            } else {
                let item: QuarantinedChange = try await api.send(
                    "POST", "/v1/quarantine/\(arguments.change ?? "")/\(arguments.action)", body: [String: String]()
                )
                try options.output.emit(item) { FieldworkText.line(item) }
            }
        }
    }
}

struct AdminQuestionnaire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questionnaire", abstract: "Publish a questionnaire version (.xlsx, survey.csv or a folder of CSV sheets), or list versions.",
        discussion: "Examples: veldwerk admin questionnaire load vragenlijst.xlsx | veldwerk admin questionnaire list"
    )
    @Argument(help: "load or list.") var action: String = "list"
    @Argument(help: "The form, for load.") var file: String?
    @OptionGroup var options: AdminOptions

    func validate() throws {
        guard ["load", "list"].contains(action) else { throw ValidationError(localized(nl: "De actie is load of list.", en: "The action is load or list.")) }
        if action == "load" && file == nil { throw ValidationError(localized(nl: "Noem het vragenlijstbestand dat geladen moet worden.", en: "Name the form file to load.")) }
    }

    func run() async throws {
        try await reportingErrors {
            let api = try options.api()
            guard action == "load", let file else {
                let list: ListResponse<QuestionnaireSummary> = try await api.send("GET", "/v1/questionnaires")
                try options.emit(list.items, line: FieldworkText.line)
                return
            }
            let url = URL(fileURLWithPath: file)
            let result: PublishResult
            if url.pathExtension.lowercased() == "xlsx" {
                result = try await api.send(
                    "POST", "/v1/questionnaires", raw: try readUserFile(file),
                    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                )
            } else {
                var isFolder: ObjCBool = false
                FileManager.default.fileExists(atPath: file, isDirectory: &isFolder)
                let folder = isFolder.boolValue ? url : url.deletingLastPathComponent()
                let survey = isFolder.boolValue ? folder.appendingPathComponent("survey.csv") : url
                func text(_ url: URL) throws -> String { String(decoding: try readUserFile(url.path), as: UTF8.self) }
                let settingsURL = folder.appendingPathComponent("settings.csv")
                let choicesURL = folder.appendingPathComponent("choices.csv")
                let surveyText = try text(survey)
                // The CSV files select_one_from_file names travel with the sheets, as they sit beside them.
                var choiceFiles: [String: String] = [:]
                for name in XLSFormCompiler.choiceFileNames(survey: surveyText) where !name.contains("/") {
                    let url = folder.appendingPathComponent(name)
                    if FileManager.default.fileExists(atPath: url.path) { choiceFiles[name] = try text(url) }
                }
                let sheets = QuestionnaireSheets(
                    survey: surveyText,
                    choices: FileManager.default.fileExists(atPath: choicesURL.path) ? try text(choicesURL) : nil,
                    settings: FileManager.default.fileExists(atPath: settingsURL.path) ? try text(settingsURL) : nil,
                    choiceFiles: choiceFiles.isEmpty ? nil : choiceFiles
                )
                result = try await api.send("POST", "/v1/questionnaires", body: sheets)
            }
            try options.output.emit(result) { FieldworkText.line(result) }
        }
    }
}

struct AdminRoster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: "Load or update the municipalities list from CSV.",
        discussion: "Example: veldwerk admin roster municipalities_flanders.csv"
    )
    @Argument(help: "The CSV file.") var file: String
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let result: RosterLoadResult = try await options.api().send(
                "POST", "/v1/roster", raw: try readUserFile(file), contentType: "text/csv; charset=utf-8"
            )
            try options.output.emit(result) { FieldworkText.line(result) }
        }
    }
}

struct AdminCaseStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case-status",
        abstract: "Set a municipality's case status by hand (e.g. unreachable), or `derived` to let it follow from contacts again.",
        discussion: "Example: veldwerk admin case-status 11001 unreachable"
    )
    @OptionGroup var arguments: CaseStatusArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let change: Change = try await options.api().send(
                "POST", "/v1/cases/\(arguments.nis)/status", body: CaseStatusRequest(status: arguments.caseStatus)
            )
            try options.output.emit(change) { FieldworkText.caseStatusSet(arguments.nis, to: arguments.caseStatus) }
        }
    }
}
