import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient

@Suite("Transport security")
struct TransportSecurityTests {
    @Test("https always goes; plain http only to this machine, unless explicitly allowed", arguments: [
        ("https://veldwerk.example.org", false, true),
        ("https://10.0.0.5:8443", false, true),
        ("http://127.0.0.1:8080", false, true),
        ("http://127.8.9.10:8080", false, true),
        ("http://localhost:8080", false, true),
        ("http://[::1]:8080", false, true),
        ("http://veldwerk.example.org", false, false),
        ("http://10.0.0.5:8080", false, false),
        ("http://127.0.0.1.example.org:8080", false, false),
        ("http://localhost.evil.example:8080", false, false),
        ("http://10.0.0.5:8080", true, true),
        ("ftp://veldwerk.example.org", true, false),
    ])
    func plainHTTP(url: String, allowInsecure: Bool, allowed: Bool) {
        let refusal = TransportSecurity(allowInsecureHTTP: allowInsecure).refusal(for: url)
        #expect((refusal == nil) == allowed, "\(url)")
    }

    @Test("the refusal says what would leak and how to proceed")
    func refusalSentence() throws {
        let refusal = try #require(TransportSecurity().refusal(for: "http://10.0.0.5:8080"))
        #expect(refusal.description.contains("Refusing plain http:// to 10.0.0.5"))
        #expect(refusal.description.contains("https://"))
        #expect(refusal.description.contains("--allow-insecure-http"))
        #expect(refusal.exitCode == 2)
    }

    @Test("a pinned profile never talks plain HTTP, not even to loopback or with the flag")
    func pinnedNeedsHTTPS() throws {
        let pin = CertificatePin(sha256: Data(repeating: 7, count: 32))
        #expect(TransportSecurity(pin: pin, allowInsecureHTTP: true).refusal(for: "http://127.0.0.1:8080") != nil)
        #expect(TransportSecurity(pin: pin).refusal(for: "https://127.0.0.1:8443") == nil)
    }

    @Test("a profile saved with a CA file and pin reads back the same; an older profile gets the strict defaults")
    func profileKeepsSecurity() throws {
        let home = try TemporaryDirectory(prefix: "veldwerk-security")
        defer { home.remove() }
        let store = try ClientStore(home: home.url)
        let security = TransportSecurity(caFile: "/etc/veldwerk/ca.pem", pin: CertificatePin(sha256: Data(repeating: 1, count: 32)))
        let response = EnrolResponse(
            user: UserSummary(id: UserID("u-1"), name: "Ine", role: .interviewer), device: DeviceID.random(), token: "t", serverTime: 0
        )
        try store.saveEnrolment(server: "https://veldwerk.example.org", response: response, security: security)
        #expect(try store.requireProfile().security == security)
        try store.pool.write { db in try db.execute(sql: "UPDATE profile SET transport_security = NULL") }
        #expect(try store.requireProfile().security == TransportSecurity())
    }
}
