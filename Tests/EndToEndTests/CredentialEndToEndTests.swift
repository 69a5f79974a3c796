import Foundation
import GRDB
import Secrets
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// Credentials through the real programs: `veldwerk login` with any token the server can issue, and
/// listing and revoking from both `veldwerk admin` (API) and `veldwerk-server admin` (database).
@Suite("Credentials end to end", .serialized)
struct CredentialEndToEndTests {
    /// An API token for a new coordinator that begins with '-', as one in 64 tokens did before the server stopped issuing them.
    private func dashToken(_ server: TestServer) async throws -> String {
        let user = try await server.store.createUser(name: "Dash Coördinator", role: .coordinator, email: nil, now: Date())
        var token = Secret.newToken()
        token = "-" + token.dropFirst()
        let stored = token
        try await server.store.engine.write { db in
            try db.run(
                "INSERT INTO api_token (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                [Secret.hash(stored), user.id.rawValue, Date().timeIntervalSince1970]
            )
        }
        return token
    }

    @Test("veldwerk login takes a token beginning with '-' as --token T, --token=T, from VELDWERK_TOKEN and from standard input")
    func loginWithDashToken() async throws {
        try await TestServer.with { server in
            let token = try await dashToken(server)
            let ways: [(arguments: [String], environment: [String: String], stdin: String?)] = [
                (["--token", token], [:], nil),
                (["--token=\(token)"], [:], nil),
                ([], ["VELDWERK_TOKEN": token], nil),
                (["--token-stdin"], [:], token + "\n"),
            ]
            for way in ways {
                let laptop = try Laptop()
                defer { laptop.remove() }
                let result = try await ProgramRunner.run(
                    "veldwerk", ["login", "--server", server.url] + way.arguments + ["--home", laptop.home.path], environment: way.environment, stdin: way.stdin
                )
                #expect(result.status == 0, "\(way.arguments) \(way.environment.keys.sorted()): \(result.stderr)")
                #expect(result.stdout.contains("as Dash Coördinator (coordinator)"), "\(result.stdout)")
                #expect(try await laptop.run(["admin", "users"]).status == 0)
            }
            let laptop = try Laptop()
            defer { laptop.remove() }
            let missing = try await laptop.run(["login", "--server", server.url], check: false)
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("VELDWERK_TOKEN"))
        }
    }

    @Test("veldwerk admin and veldwerk-server admin list credentials alike and revoke them with the same checks")
    func listAndRevokeFromBothPrograms() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An", municipalities: ["11001"])
            let laptop = try Laptop()
            let coordinator = try Laptop()
            defer {
                laptop.remove()
                coordinator.remove()
            }
            try await laptop.run(["enrol", "--server", server.url, "--code", an.code])
            try await laptop.run(["sync"])
            let coordinatorToken = try await server.coordinatorToken()
            try await coordinator.run(["login", "--server", server.url, "--token", coordinatorToken])
            let admin = try await server.store.createUser(name: "Ada Admin", role: .admin, email: nil, now: Date())
            _ = try await server.store.issueAPIToken(for: admin.id, now: Date())

            let viaAPI = try await coordinator.json([CredentialInfo].self, ["admin", "credentials"])
            let onHost = try await ProgramRunner.run("veldwerk-server", try ["admin", "credentials", "--json"] + server.databaseArguments)
            #expect(onHost.status == 0, "\(onHost.stderr)")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let hostList = try decoder.decode([CredentialInfo].self, from: Data(onHost.stdout.utf8))
            #expect(viaAPI.map(\.id).sorted() == hostList.map(\.id).sorted())
            #expect(!onHost.stdout.contains(coordinatorToken))
            let device = try #require(viaAPI.first { $0.kind == .device && $0.user == an.user })
            #expect(device.lastUsedAt != nil)
            let adminToken = try #require(viaAPI.first { $0.user == admin.id })
            let text = try await coordinator.run(["admin", "credentials", "--user", an.user.rawValue])
            #expect(text.stdout.contains(device.id) && text.stdout.contains("last used"))

            // A coordinator may not revoke an admin's token; the sentence says so.
            let refused = try await coordinator.run(["admin", "revoke-credential", adminToken.id], check: false)
            #expect(refused.status == 5)
            #expect(refused.stderr.contains("Ask an admin"), "\(refused.stderr)")
            // The laptop, revoked through the API, is refused at its next sync.
            let revoked = try await coordinator.run(["admin", "revoke-credential", device.id])
            #expect(revoked.stdout.contains("Revoked laptop \(device.id)"))
            let sync = try await laptop.run(["sync"], check: false)
            #expect(sync.status == 5)
            // The host's operator may revoke anyone's, with the same operation.
            let hostRevoke = try await ProgramRunner.run("veldwerk-server", try ["admin", "revoke-credential", adminToken.id] + server.databaseArguments)
            #expect(hostRevoke.status == 0, "\(hostRevoke.stderr)")
            #expect(hostRevoke.stdout.contains("Revoked API token \(adminToken.id)"))
            let unknown = try await ProgramRunner.run("veldwerk-server", try ["admin", "revoke-credential", "t-0000000000000000"] + server.databaseArguments)
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("There is no credential"))
        }
    }

    @Test("veldwerk enrol: after 10 wrong codes from one address the server answers with when to try again, even for a good code")
    func enrolThrottled() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An", municipalities: [])
            let laptop = try Laptop()
            defer { laptop.remove() }
            for index in 0..<10 {
                let wrong = try await laptop.run(["enrol", "--server", server.url, "--code", "WRNG-00\(index / 10)\(index % 10)"], check: false)
                #expect(wrong.status == 5, "\(wrong.stderr)")
            }
            let refused = try await laptop.run(["enrol", "--server", server.url, "--code", an.code], check: false)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("try again in 10 minutes"), "\(refused.stderr)")
            #expect(try laptop.store().profile() == nil, "not enrolled")
        }
    }
}
