import ArgumentParser
import Foundation
import Shared

struct Enrol: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enrol this laptop with a one-time code from your coordinator.",
        discussion: """
            Example: veldwerk enrol --server https://veldwerk.example.org --code ABCD-EFGH
            You choose a passphrase (or set VELDWERK_PASSPHRASE): personal data is stored encrypted under it.
            A code may carry the server's key after a dot (ABCD-EFGH.q2v…): the laptop then talks only to
            a server with that key. A study with its own certificate authority adds --cacert ca.pem.
            """
    )

    @Option(help: "The server's address, e.g. https://veldwerk.example.org.") var server: String
    @Option(help: "The enrolment code (single use), as your coordinator gave it.") var code: String
    @Option(help: "A name for this laptop (default: its host name).") var name: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw ValidationError("--server must start with https://, e.g. https://veldwerk.example.org (or http:// for this machine).")
        }
        try TextArgument.check(code, option: "--code")
        guard EnrolmentTicket(parsing: code) != nil else {
            throw ValidationError("--code \(code): the part after the dot must be the server's key as the coordinator printed it; check for a typing error.")
        }
        try connection.validate()
        try TextArgument.check(name, option: "--name")
    }

    func run() async throws {
        try await reportingErrors {
            // A refused code or an unreachable server must not leave an empty profile behind.
            let home = profile.homeURL
            let database = home.appendingPathComponent("veldwerk.sqlite")
            let homeExisted = FileManager.default.fileExists(atPath: home.path)
            let databaseExisted = FileManager.default.fileExists(atPath: database.path)
            let response: EnrolResponse
            do {
                let store = try profile.openStore()
                guard try store.profile() == nil else { throw ClientError.alreadyEnrolled }
                // Chosen before the code is spent: personal data on this laptop is sealed under it.
                let passphrase = try Passphrase.new()
                // validate() checked that the code parses.
                let ticket = EnrolmentTicket(parsing: code) ?? EnrolmentTicket(code: code, pin: nil)
                let security = try connection.security(pin: ticket.pin)
                if let refusal = security.refusal(for: server) { throw refusal }
                let api = APIClient(transport: makeTransport(security), baseURL: server, token: nil)
                let deviceName = name ?? ProcessInfo.processInfo.hostName
                response = try await api.enrol(EnrolRequest(code: ticket.code, deviceName: deviceName))
                try store.saveEnrolment(server: server, response: response, security: security)
                try store.createVault(passphrase: passphrase)
            } catch {
                if !databaseExisted {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
                    if !homeExisted { try? FileManager.default.removeItem(at: home) }
                }
                throw error
            }
            struct Output: Encodable {
                var user: UserSummary
                var device: DeviceID
                var server: String
            }
            try output.emit(Output(user: response.user, device: response.device, server: server)) {
                localized(
                    nl: "Aangemeld als \(response.user.name) (\(response.user.role.words)) op toestel \(response.device). Voer `veldwerk sync` uit om je gemeenten op te halen.",
                    en: "Enrolled as \(response.user.name) (\(response.user.role.words)) on device \(response.device). Run `veldwerk sync` to get your municipalities."
                )
            }
        }
    }
}
