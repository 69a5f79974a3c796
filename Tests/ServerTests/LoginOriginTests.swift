import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// The dashboard's login refuses forms posted from other sites, and its cookie's `Secure` flag and HSTS
/// follow the configured public URL, not what a client claims.
@Suite("Dashboard login origin and transport security", .serialized)
struct LoginOriginTests {
    @Test("a login posted with a foreign Origin or Referer, or Origin null, is refused 403 with a sentence; the server's own origin passes")
    func foreignOriginRefused() async throws {
        try await withRunningServer(configure: { $0.publicURL = URL(string: "https://veldwerk.example.org") }) { client, seed in
            let token = seed.coordinatorToken
            for headers in [["Origin": "https://evil.example"], ["Referer": "https://evil.example/form.html"], ["Origin": "null"],
                            ["Origin": "https://veldwerk.example.org.evil.example"]] {
                let refused = try await client.postForm("/dashboard/login", [("token", token)], headers: headers)
                #expect(refused.status == 403, "\(headers)")
                #expect(refused.header("set-cookie") == nil)
                #expect(refused.body.contains("did not come from this server"), "\(headers)")
            }
            for headers in [["Origin": "https://veldwerk.example.org"], ["Origin": "http://127.0.0.1:\(client.port)"],
                            ["Referer": "https://veldwerk.example.org/dashboard/login"], [:]] {
                let accepted = try await client.postForm("/dashboard/login", [("token", token)], headers: headers)
                #expect(accepted.status == 303, "\(headers)")
            }
        }
    }

    @Test("with an https public URL the cookie is Secure and answers carry HSTS")
    func secureFromPublicURL() async throws {
        try await withRunningServer(configure: { $0.publicURL = URL(string: "https://veldwerk.example.org") }) { client, seed in
            let login = try await client.postForm("/dashboard/login", [("token", seed.coordinatorToken)])
            #expect(login.header("set-cookie")?.contains("Secure") == true)
            #expect(login.header("strict-transport-security")?.hasPrefix("max-age=") == true)
            #expect(try await client.get("/healthz").header("strict-transport-security") != nil)
            #expect(try await client.get("/v1/me").header("strict-transport-security") != nil, "errors too")
        }
    }

    @Test("X-Forwarded-Proto from a client that is no trusted proxy makes nothing Secure; from a trusted proxy it does")
    func forwardedProtoOnlyFromTrustedProxies() async throws {
        try await withRunningServer { client, seed in
            let login = try await client.postForm("/dashboard/login", [("token", seed.coordinatorToken)], headers: ["X-Forwarded-Proto": "https"])
            #expect(login.status == 303)
            #expect(login.header("set-cookie")?.contains("Secure") == false)
            #expect(login.header("strict-transport-security") == nil)
        }
        try await withRunningServer(configure: { $0.trustedProxies = ["127.0.0.1"] }) { client, seed in
            let login = try await client.postForm("/dashboard/login", [("token", seed.coordinatorToken)], headers: ["X-Forwarded-Proto": "https"])
            #expect(login.header("set-cookie")?.contains("Secure") == true)
            #expect(login.header("strict-transport-security")?.hasPrefix("max-age=") == true, "a request that came over HTTPS to the proxy")
            let direct = try await client.get("/healthz")
            #expect(direct.header("strict-transport-security") == nil, "a plain request through the same proxy")
        }
    }
}
