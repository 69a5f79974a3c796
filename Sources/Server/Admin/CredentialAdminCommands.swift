import ArgumentParser
import CommandLineOptions
import Foundation
import Shared

/// `veldwerk-server admin credentials`: API tokens, laptops and dashboard sessions, straight from the database.
///
/// The same listing as `GET /v1/credentials` and `veldwerk admin credentials`, with the same arguments.
struct ListCredentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "List API tokens, laptops and live dashboard sessions with when each was made and last used (never the secret).",
        discussion: "Example: veldwerk-server admin credentials --user u-3f9a0c2b7e41"
    )

    @OptionGroup var arguments: CredentialListArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let items = try await hostOperations(data).credentials(user: arguments.user.map { UserID($0) })
        if json { try printJSON(items) } else { items.forEach { print(FieldworkText.line($0)) } }
    }
}

/// `veldwerk-server admin revoke-credential ID`: the host's operator revokes any credential.
///
/// The same operation and checks as `POST /v1/credentials/{id}/revoke` (the operator counts as an admin).
struct RevokeCredential: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-credential",
        abstract: "Revoke an API token (t-…), a laptop (d-…) or a dashboard session (s-…): it is refused from the next request on.",
        discussion: "Example: veldwerk-server admin revoke-credential t-3f9a0c2b7e41d5a6"
    )

    @OptionGroup var arguments: RevokeCredentialArguments
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        let revoked = try await hostOperations(data).revokeCredential(arguments.credential)
        if json { try printJSON(revoked) } else { print(FieldworkText.revoked(revoked)) }
    }
}
