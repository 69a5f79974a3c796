import ArgumentParser
import Foundation
import Shared

/// `veldwerk login`: a coordinator, researcher or admin signs this profile in with an API token.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in with an API token (coordinators, researchers, admins) for the commands that talk to the server directly.",
        discussion: "Example: veldwerk login --server http://127.0.0.1:8080 --token $VELDWERK_TOKEN"
    )

    @Option(help: "The server's address.") var server: String
    @Option(help: "Your API token (from `veldwerk-server admin create-user`).") var token: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw ValidationError("--server must start with http:// or https://.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            let api = APIClient(transport: makeTransport(), baseURL: server, token: token)
            let me: UserSummary = try await api.send("GET", "/v1/me")
            try store.saveLogin(APILogin(serverURL: server, token: token, user: me))
            try output.emit(me) { "Signed in to \(server) as \(me.name) (\(me.role.rawValue))." }
        }
    }
}

/// A coordinator's, researcher's or admin's sign-in: server and API token.
struct APILogin: Codable, Equatable, Sendable {
    var serverURL: String
    var token: String
    var user: UserSummary
}

extension ClientStore {
    /// The API sign-in, or an error that says how to sign in.
    func requireLogin() throws -> APILogin {
        guard let login = try login() else {
            throw ClientError.invalidInput("Sign in first: `veldwerk login --server URL --token TOKEN` (a coordinator gives you the token).")
        }
        return login
    }

    /// An API client signed in with the profile's API token.
    func loggedInAPI() throws -> APIClient {
        let login = try requireLogin()
        return APIClient(transport: makeTransport(), baseURL: login.serverURL, token: login.token)
    }
}
