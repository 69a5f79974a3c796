import ArgumentParser
import CommandLineOptions
import Foundation
import Shared

struct ImportUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-users",
        abstract: "Create users in bulk from a CSV file (name,email[,role]); interviewers get an enrolment code each.",
        discussion: "Example: veldwerk-server admin import-users studenten.csv > codes.txt"
    )

    @OptionGroup var arguments: ImportUsersArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let created = try await hostOperations(data).importUsers(csv: try readText(arguments.path))
        if json { try printJSON(created) } else { created.forEach { print(FieldworkText.line($0)) } }
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "List users.")

    @OptionGroup var arguments: UserListArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let users = try await hostOperations(data).users(role: arguments.role)
        if json { try printJSON(users) } else { users.forEach { print(FieldworkText.line($0)) } }
    }
}

struct EnrolmentCodes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment-codes",
        abstract: "Issue a code for every interviewer without an enrolled laptop: a printable list.",
        discussion: "Example: veldwerk-server admin enrolment-codes --valid-hours 72 > codes.txt"
    )

    @Option(help: "Hours until the codes expire.") var validHours: Double = 168
    @Option(help: "The address laptops reach the server at, e.g. https://veldwerk.example.org (default: the one `serve` noted when it started).")
    var server: String?
    @Option(help: "The certificate laptops will see (e.g. the proxy's fullchain.pem): each code then carries its key, and laptops refuse any other server. Default: the certificate `serve --tls-cert` runs with.")
    var pinCertificate: String?
    @Flag(help: "Print codes without the server's key, for a server whose key will change before the laptops enrol.")
    var noPin = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func validate() throws {
        if let server, !(server.hasPrefix("http://") || server.hasPrefix("https://")) {
            throw ValidationError("--server must start with https:// (or http://), e.g. https://veldwerk.example.org.")
        }
        if noPin && pinCertificate != nil { throw ValidationError("--pin-certificate and --no-pin contradict each other; give one.") }
    }

    /// The key codes carry: from --pin-certificate, else the one `serve` noted, none with --no-pin.
    func pin(_ store: SQLServerStore) async throws -> CertificatePin? {
        if noPin { return nil }
        if let pinCertificate { return try TLSFiles.publicKeyPin(ofCertificateAt: pinCertificate) }
        return try await store.notedPin()
    }

    func run() async throws {
        let store = try await openAdminStore(data)
        let enrolled = Set(try await store.devices().filter { $0.revokedAt == nil }.map(\.user))
        var codes: [(User, EnrolmentCode)] = []
        for user in try await store.users(role: .interviewer) where !enrolled.contains(user.id) {
            codes.append((user, try await store.issueEnrolmentCode(for: user.id, lifetime: validHours * 3600, now: Date())))
        }
        let pin = try await pin(store)
        // What the interviewer types: the code, with the server's key when known.
        codes = codes.map { user, code in
            var pinned = code
            pinned.code = EnrolmentTicket(code: code.code, pin: pin).text
            return (user, pinned)
        }
        if json {
            try printJSON(codes.map { CreatedUser(user: $0.0, token: nil, enrolmentCode: $0.1) })
        } else {
            var address = server
            if address == nil { address = try await store.notedAddress() }
            print(Self.sheet(codes.map { (name: $0.0.name, code: $0.1) }, server: address ?? "URL"))
        }
    }

    /// The printable list: the command with the real address, then one aligned row per interviewer.
    static func sheet(_ codes: [(name: String, code: EnrolmentCode)], server: String) -> String {
        var lines = [
            localized(nl: "Aanmeldcodes voor Veldwerk. Elke code meldt één laptop aan, één keer:", en: "Veldwerk enrolment codes. Each enrols one laptop, once:"),
            "  veldwerk enrol --server \(server) --code CODE", "",
        ]
        let width = codes.map(\.name.count).max() ?? 0
        for (name, code) in codes {
            lines.append("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(code.code)  " + localized(nl: "geldig tot ", en: "valid until ") + FieldworkText.stamp(code.expiresAt))
        }
        if codes.isEmpty {
            lines.append(localized(
                nl: "Elke interviewer heeft een aangemelde laptop; er werden geen codes uitgegeven.",
                en: "Every interviewer has an enrolled laptop; no codes were issued."
            ))
        }
        return lines.joined(separator: "\n")
    }
}

struct ListDevices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List enrolled laptops with their last sync.")

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let devices = try await openAdminStore(data).devices()
        if json { try printJSON(devices) } else { devices.forEach { print(FieldworkText.line($0)) } }
    }
}

struct RevokeDevice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-device", abstract: "Revoke a laptop: its token stops working at once.",
        discussion: "Example: veldwerk-server admin revoke-device d-3f9a0c2b7e41"
    )

    @OptionGroup var arguments: RevokeDeviceArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let device = try await hostOperations(data).revokeDevice(arguments.device)
        if json {
            try printJSON(device)
        } else {
            print(localized(
                nl: "\(device.id) ingetrokken; hij kan niet meer synchroniseren. De eigenaar kan zich opnieuw aanmelden met een nieuwe code.",
                en: "Revoked \(device.id); it can no longer sync. Its owner can enrol again with a new code."
            ))
        }
    }
}

struct ListAssignments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assignments", abstract: "List who works which municipality.")

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let assignments = try await openAdminStore(data).assignments()
        if json { try printJSON(assignments) } else { assignments.forEach { print(FieldworkText.line($0)) } }
    }
}

struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Changes that arrived for a municipality their laptop no longer holds: list, accept or discard.",
        discussion: """
            Examples:
              veldwerk-server admin quarantine
              veldwerk-server admin quarantine accept d-3f9a0c2b7e41:17
              veldwerk-server admin quarantine discard d-3f9a0c2b7e41:18
            """
    )

    @OptionGroup var arguments: QuarantineArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let operations = try await hostOperations(data)
        guard let change = arguments.change, arguments.action != "list" else {
            let items = try await operations.quarantine(status: arguments.all ? nil : .open)
            if json { try printJSON(items) } else { items.forEach { print(FieldworkText.line($0)) } }
            return
        }
        let item = try await operations.resolveQuarantine(change, accept: arguments.action == "accept")
        if json { try printJSON(item) } else { print(FieldworkText.line(item)) }
    }
}

struct QuestionnaireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questionnaire",
        abstract: "Publish and list questionnaire versions.",
        discussion: """
            Examples:
              veldwerk-server questionnaire load vragenlijst.xlsx
              veldwerk-server questionnaire load study/survey.csv      (choices.csv and settings.csv beside it)
              veldwerk-server questionnaire list
              veldwerk-server questionnaire check vragenlijst.xlsx --json   (compile only: the form as JSON, or the problem)
            """,
        subcommands: [Load.self, List.self, Check.self]
    )

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a new version from an XLSForm (.xlsx, survey.csv, or a folder of CSV sheets).")

        @Argument(help: "The form file or folder.") var file: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var data: DataOptions

        func run() async throws {
            let store = try await openAdminStore(data)
            let form: Questionnaire
            do {
                form = try QuestionnaireSource.file(URL(fileURLWithPath: file)).compile()
            } catch let error as XLSFormError {
                throw DataError(localized(nl: "De vragenlijst werd niet gepubliceerd: ", en: "The questionnaire was not published: ") + error.description + ".")
            } catch let error as QuestionnaireLoadError {
                throw DataError(error.description)
            }
            let result: PublishResult
            do {
                result = try await store.publishQuestionnaire(form, by: hostOperator, now: Date())
            } catch let error as XLSFormError {
                throw DataError(localized(nl: "De vragenlijst werd niet gepubliceerd: ", en: "The questionnaire was not published: ") + error.description + ".")
            }
            if json { try printJSON(result) } else { print(FieldworkText.line(result)) }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile an XLSForm without publishing it: says it is fine, or names the sheet, row, column and problem.",
            discussion: """
                With --json, prints the compiled questionnaire, or {"error": {"sheet", "row", "column", "reason"}}
                (exit status 65) when the form is refused; scripts/xlsform-corpus.py compares this with pyxform.
                """
        )

        @Argument(help: "The form file or folder.") var file: String
        @Flag(help: "Print JSON.") var json = false

        /// A refusal as JSON, for scripts.
        struct Refusal: Encodable {
            var sheet: String
            var row: Int?
            var column: String?
            var reason: String
        }

        func run() async throws {
            do {
                let form = try QuestionnaireSource.file(URL(fileURLWithPath: file)).compile()
                if json {
                    try printJSON(form)
                } else {
                    print("\(file): form \(form.id) version \(form.version), \(form.questions.count) questions in \(form.groups.count) groups; it can be published.")
                }
            } catch let error as XLSFormError {
                if json { try printJSON(["error": Refusal(sheet: error.sheet, row: error.row, column: error.column, reason: error.reason)]) }
                throw DataError("The questionnaire cannot be published: \(error.description).")
            } catch let error as QuestionnaireLoadError {
                if json { try printJSON(["error": Refusal(sheet: file, row: nil, column: nil, reason: error.description)]) }
                throw DataError(error.description)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List published questionnaire versions.")

        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var data: DataOptions

        func run() async throws {
            let forms = try await openAdminStore(data).questionnaireSummaries()
            if json { try printJSON(forms) } else { forms.forEach { print(FieldworkText.line($0)) } }
        }
    }
}

struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Load the municipalities list (nis_code,name,province,valid_from,valid_to,merged_into_nis,arrondissement,predecessors).",
        discussion: "Example: veldwerk-server roster load municipalities_flanders.csv",
        subcommands: [Load.self]
    )

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load or update the municipality rows; unchanged rows are left alone.")

        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var data: DataOptions

        func run() async throws {
            let roster: Roster
            do {
                roster = try Roster.parse(csv: try readText(file))
            } catch let error as RosterError {
                throw DataError(localized(nl: "De gemeentelijst werd niet geladen: ", en: "The municipalities list was not loaded: ") + "\(error)")
            }
            let result = try await openAdminStore(data).loadRoster(roster, by: hostOperator, now: Date())
            if json { try printJSON(result) } else { print(FieldworkText.line(result)) }
        }
    }
}
