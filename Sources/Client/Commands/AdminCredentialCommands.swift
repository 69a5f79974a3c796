import ArgumentParser
import CommandLineOptions
import Foundation
import Shared

/// `veldwerk admin credentials [--user ID]`: the same listing as `veldwerk-server admin credentials`, through the API.
struct AdminCredentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "List API tokens, laptops and live dashboard sessions with when each was made and last used (never the secret).",
        discussion: "Example: veldwerk admin credentials --user u-3f9a0c2b7e41"
    )
    @OptionGroup var arguments: CredentialListArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let query = arguments.user.map { "?user=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0) } ?? ""
            let list: ListResponse<CredentialInfo> = try await options.api().send("GET", "/v1/credentials" + query)
            try options.emit(list.items, line: FieldworkText.line)
        }
    }
}

/// `veldwerk admin revoke-credential ID`: the same operation as `veldwerk-server admin revoke-credential`, through the API.
struct AdminRevokeCredential: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-credential",
        abstract: "Revoke an API token (t-…), a laptop (d-…) or a dashboard session (s-…): it is refused from the next request on.",
        discussion: """
            A coordinator may revoke interviewers', researchers' and their own credentials; an admin anyone's.
            Example: veldwerk admin revoke-credential t-3f9a0c2b7e41d5a6
            """
    )
    @OptionGroup var arguments: RevokeCredentialArguments
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingErrors {
            let credential = arguments.credential
            let path = credential.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? credential
            let revoked: CredentialInfo = try await options.api().send("POST", "/v1/credentials/\(path)/revoke", body: [String: String]())
            try options.output.emit(revoked) { FieldworkText.revoked(revoked) }
        }
    }
}
