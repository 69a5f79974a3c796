import ArgumentParser
import Foundation
import Shared

/// `veldwerk login`: a coordinator, researcher or admin signs this profile in with an API token.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in with an API token (coordinators, researchers, admins) for the commands that talk to the server directly.",
        discussion: """
            Examples:
              veldwerk login --server http://127.0.0.1:8080 --token "$TOKEN"
              VELDWERK_TOKEN=... veldwerk login --server http://127.0.0.1:8080
              veldwerk login --server http://127.0.0.1:8080 --token-stdin < token.txt
            """
    )

    @Option(help: "The server's address.") var server: String
    // `.unconditional`: a token may begin with '-' (tokens made before the server stopped issuing those),
    // and must not be taken for an option.
    @Option(
        parsing: .unconditional,
        help: "Your API token (from `veldwerk-server admin create-user`); or leave it out and set VELDWERK_TOKEN, or use --token-stdin."
    )
    var token: String?
    @Flag(help: "Read the token from the first line of standard input (keeps it out of the process list and shell history).")
    var tokenStdin = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    /// The environment variable a token may come from.
    static let tokenVariable = "VELDWERK_TOKEN"

    func validate() throws {
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw ValidationError("--server must start with https:// (or http:// for this machine).")
        }
        try connection.validate()
        if token != nil && tokenStdin { throw ValidationError("Give the token either with --token or with --token-stdin, not both.") }
    }

    /// The token from --token, standard input, or VELDWERK_TOKEN, in that order.
    func resolvedToken() throws -> String {
        var text: String?
        if let token {
            text = token
        } else if tokenStdin {
            text = readLine(strippingNewline: true)
        } else {
            text = ProcessInfo.processInfo.environment[Self.tokenVariable]
        }
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw ClientError.invalidInput(localized(
                nl: "Geef je API-token: --token TOKEN, --token-stdin of de omgevingsvariabele \(Self.tokenVariable).",
                en: "Give your API token: --token TOKEN, --token-stdin, or the environment variable \(Self.tokenVariable)."
            ))
        }
        return trimmed
    }

    func run() async throws {
        try await reportingErrors {
            let token = try resolvedToken()
            let store = try profile.openStore()
            let security = try connection.security(pin: nil)
            let api = APIClient(transport: makeTransport(security), baseURL: server, token: token)
            let me: UserSummary = try await api.send("GET", "/v1/me")
            try store.saveLogin(APILogin(serverURL: server, token: token, user: me, security: security))
            try output.emit(me) { localized(nl: "Aangemeld bij \(server) als \(me.name) (\(me.role.words)).", en: "Signed in to \(server) as \(me.name) (\(me.role.words)).") }
        }
    }
}

/// A coordinator's, researcher's or admin's sign-in: server and API token.
struct APILogin: Codable, Equatable, Sendable {
    var serverURL: String
    var token: String
    var user: UserSummary
    /// Absent in sign-ins saved before transport security was kept: the strict defaults apply.
    var security: TransportSecurity?
}

extension ClientStore {
    /// The API sign-in, or an error that says how to sign in.
    func requireLogin() throws -> APILogin {
        guard let login = try login() else {
            throw ClientError.invalidInput(localized(
                nl: "Meld je eerst aan: `veldwerk login --server URL --token TOKEN` (een coördinator geeft je het token).",
                en: "Sign in first: `veldwerk login --server URL --token TOKEN` (a coordinator gives you the token)."
            ))
        }
        return login
    }

    /// An API client signed in with the profile's API token.
    func loggedInAPI() throws -> APIClient {
        let login = try requireLogin()
        return APIClient(transport: makeTransport(login.security ?? TransportSecurity()), baseURL: login.serverURL, token: login.token)
    }
}
