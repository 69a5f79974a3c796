import ArgumentParser
import Foundation
import Shared

struct Enrol: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enrol this laptop with a one-time code from your coordinator.",
        discussion: "Example: veldwerk enrol --server http://10.0.0.5:8080 --code ABCD-EFGH"
    )

    @Option(help: "The server's address, e.g. http://veldwerk.example.org:8080.") var server: String
    @Option(help: "The enrolment code (single use).") var code: String
    @Option(help: "A name for this laptop (default: its host name).") var name: String?
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw ValidationError("--server must start with http:// or https://, e.g. http://127.0.0.1:8080.")
        }
        try TextArgument.check(code, option: "--code")
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
                let api = APIClient(transport: makeTransport(), baseURL: server, token: nil)
                let deviceName = name ?? ProcessInfo.processInfo.hostName
                response = try await api.enrol(EnrolRequest(code: code, deviceName: deviceName))
                try store.saveEnrolment(server: server, response: response)
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
