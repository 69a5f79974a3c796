import Foundation
import GRDB
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// The wire protected end to end: the server serving HTTPS itself with a certificate made for the
/// test, the real `veldwerk` program verifying it through libcurl against the study's own CA, the key
/// pinned from the enrolment code, and plain HTTP to another machine refused before anything is sent.
@Suite("TLS end to end", .serialized)
struct TLSEndToEndTests {
    @Test("enrol and sync over real TLS with the study's CA; without the CA the laptop refuses the server and says why")
    func enrolAndSyncOverTLS() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        try await TestServer.with(configure: { $0.tls = certificates.server }) { server in
            #expect(server.url.hasPrefix("https://"))
            let ine = try await server.interviewer("Ine Maes", municipalities: ["11001"])
            let laptop = try Laptop()
            let stranger = try Laptop()
            defer {
                laptop.remove()
                stranger.remove()
            }

            // The system's trust store does not know the study's CA: refused, with the reason and the way out.
            let unverified = try await stranger.run(["enrol", "--server", server.url, "--code", ine.code], check: false)
            #expect(unverified.status == 8, "\(unverified.stderr)")
            #expect(unverified.stderr.contains("could not be verified"))
            #expect(unverified.stderr.contains("--cacert"))

            try await laptop.run(["enrol", "--server", server.url, "--code", ine.code, "--cacert", certificates.caPath])
            let profile = try laptop.store().requireProfile()
            #expect(profile.security.caFile == URL(fileURLWithPath: certificates.caPath).standardizedFileURL.path)
            try await laptop.run(["sync"])
            let id = try await laptop.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await laptop.run(["interview", "set", id, "a_modus=telefonisch"])
            try await laptop.run(["sync"])
            let stored = try await server.store.engine.read { db in
                try db.value(Int.self, "SELECT COUNT(*) FROM change_log WHERE entity_id = ?", [id]) ?? 0
            }
            #expect(stored > 0, "the interview crossed the TLS connection into the server's log")
        }
    }

    @Test("a code carrying the server's key: a wrong key is refused before the code is spent, the right one enrols, a look-alike is refused later")
    func pinnedEnrolment() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let realPin = try certificates.server.publicKeyPin()
        let lookAlikePin = try certificates.lookAlike.publicKeyPin()
        #expect(realPin != lookAlikePin)
        try await TestServer.with(configure: { $0.tls = certificates.server }) { server in
            try await TestServer.with(configure: { $0.tls = certificates.lookAlike }) { lookAlike in
                let jan = try await server.interviewer("Jan Wouters", municipalities: ["11001"])
                let laptop = try Laptop()
                defer { laptop.remove() }

                // The look-alike's certificate is valid for the CA, but its key is not the one the code names.
                let wrong = EnrolmentTicket(code: jan.code, pin: lookAlikePin).text
                let refused = try await laptop.run(["enrol", "--server", server.url, "--code", wrong, "--cacert", certificates.caPath], check: false)
                #expect(refused.status == 8, "\(refused.stderr)")
                #expect(refused.stderr.contains("another key"))
                #expect(try laptop.store().profile() == nil)

                // The same code with the right key: the refused attempt sent nothing, so the code is still unused.
                let right = EnrolmentTicket(code: jan.code, pin: realPin).text
                try await laptop.run(["enrol", "--server", server.url, "--code", right, "--cacert", certificates.caPath])
                #expect(try laptop.store().requireProfile().security.pin == realPin)
                try await laptop.run(["sync"])

                // Someone sends the laptop's traffic for the server's address to a look-alike (DNS, a rogue
                // access point): simulated by pointing the profile at it. Its certificate is valid; its key is not.
                try await laptop.store().pool.write { db in try db.run("UPDATE profile SET server_url = ?", [lookAlike.url]) }
                let redirected = try await laptop.run(["sync"], check: false)
                #expect(redirected.status == 8, "\(redirected.stderr)")
                #expect(redirected.stderr.contains("look-alike"))
            }
        }
    }

    @Test("answers over HTTPS carry HSTS and the dashboard cookie is Secure")
    func hstsAndSecureCookie() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        try await TestServer.with(configure: { $0.tls = certificates.server }) { server in
            let token = try await server.coordinatorToken()
            let health = try await ProgramRunner.run(
                "/usr/bin/curl", ["-sS", "-D", "-", "-o", "/dev/null", "--cacert", certificates.caPath, server.url + "/healthz"]
            )
            #expect(health.status == 0, "\(health.stderr)")
            #expect(health.stdout.lowercased().contains("strict-transport-security: max-age="))
            let login = try await ProgramRunner.run(
                "/usr/bin/curl",
                ["-sS", "-D", "-", "-o", "/dev/null", "--cacert", certificates.caPath, "--data-urlencode", "token=\(token)", server.url + "/dashboard/login"]
            )
            let cookie = login.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") }
            #expect(cookie?.contains("Secure") == true, "\(login.stdout)")
            #expect(cookie?.contains("HttpOnly") == true)
        }
    }

    @Test("plain http:// to another machine is refused before connecting, with the reason; loopback stays allowed")
    func plainHTTPRefused() async throws {
        let laptop = try Laptop()
        defer { laptop.remove() }
        let started = Date()
        // 192.0.2.0/24 is TEST-NET-1: nothing answers there, so a connection attempt would hang until its timeout.
        let refused = try await laptop.run(["enrol", "--server", "http://192.0.2.10:8080", "--code", "ABCD-EFGH"], check: false)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("Refusing plain http:// to 192.0.2.10"))
        #expect(refused.stderr.contains("--allow-insecure-http"))
        #expect(Date().timeIntervalSince(started) < 8, "no connection was attempted")
        #expect(!FileManager.default.fileExists(atPath: laptop.home.appending("veldwerk.sqlite").path), "no profile is left behind")

        let login = try await laptop.run(["login", "--server", "http://veldwerk.example.org", "--token", "x"], check: false)
        #expect(login.status == 2)
        #expect(login.stderr.contains("Refusing plain http://"))

        try await TestServer.with { server in
            let piet = try await server.interviewer("Piet Janssens", municipalities: ["11001"])
            try await laptop.run(["enrol", "--server", server.url, "--code", piet.code])
        }
    }
}
