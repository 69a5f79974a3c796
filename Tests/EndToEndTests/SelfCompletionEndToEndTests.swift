import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// Mixed mode on the real stack: an interviewer invites offline, the government answers in "a browser"
/// (HTTP form posts over libcurl), the interviewer edits the same answer offline; one dataset, one kept conflict.
@Suite("Self-completion end to end", .serialized)
struct SelfCompletionEndToEndTests {
    struct Created: Decodable {
        var invitation: String
        var interview: String
        var link: String
        var text: String
    }

    struct ShowOutput: Decodable {
        struct Conflict: Decodable {
            var field: String
            var open: Bool
        }
        var interview: Interview
        var conflicts: [Conflict]
    }

    /// A browser's form post (application/x-www-form-urlencoded).
    static func post(_ url: String, _ fields: [(String, String)]) async throws -> TransportResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await CurlTransport().perform(
            TransportRequest(method: "POST", url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(body.utf8))
        )
    }

    static func hidden(_ name: String, in html: String) throws -> String {
        let marker = "name=\"\(name)\" value=\""
        let start = try #require(html.range(of: marker))
        return String(html[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test("an offline invitation syncs, the web answers merge into the interviewer's laptop, and the same answer changed on both is a kept conflict")
    func invitationWebAndLaptop() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An Peeters", municipalities: ["11001"])
            let token = try await server.coordinatorToken()
            let laptop = try Laptop()
            defer { laptop.remove() }
            try await laptop.run(["enrol", "--server", server.url, "--code", an.code, "--name", "laptop-a"])
            try await laptop.run(["sync"])

            // Offline: the invitation is made on the laptop; its link works once it reached the server.
            let created = try await laptop.json(Created.self, ["invite", "11001", "--email", "jeugd@aartselaar.be"])
            #expect(created.link.hasPrefix(server.url + "/s/"))
            #expect(created.text.contains("Aartselaar"))
            #expect(created.text.contains(created.link))
            let before = try await CurlTransport().perform(TransportRequest(method: "GET", url: created.link + "/p/1"))
            #expect(before.status == 404, "not synced yet: the server does not know the link")
            // The laptop holds only the link's hash, never the secret.
            let secret = String(created.link.split(separator: "/").last ?? "")
            let database = try Data(contentsOf: laptop.home.url.appendingPathComponent("veldwerk.sqlite"))
            #expect(database.range(of: Data(secret.utf8)) == nil)
            try await laptop.run(["sync"])
            // The case and its contact history say the municipality was invited.
            let cases = try await laptop.run(["cases"])
            #expect(cases.stdout.contains("11001 Aartselaar: invited to fill in the questionnaire on"), "\(cases.stdout)")
            let history = try await laptop.run(["contact", "history", "11001"])
            #expect(history.stdout.contains("invitation to fill in (web) jeugd@aartselaar.be, valid until"), "\(history.stdout)")

            // The interviewer changes an answer offline...
            try await laptop.run(["interview", "set", created.interview, "a_functie=schepen van onderwijs"])
            // ...while the government answers the same question on the web.
            let page = try await CurlTransport().perform(TransportRequest(method: "GET", url: created.link + "/p/1"))
            #expect(page.status == 200)
            let html = String(decoding: page.body, as: UTF8.self)
            let saved = try await Self.post(created.link + "/p/1", [
                ("csrf", try Self.hidden("csrf", in: html)), ("shown", try Self.hidden("shown", in: html)), ("action", "save"),
                ("q_a_functie", "diensthoofd onderwijs"), ("q_a_aantal_respondenten", "2"),
            ])
            #expect(saved.status == 303)

            // The laptop's sync brings the web answers and keeps the disagreement for review.
            try await laptop.run(["sync"])
            let shown = try await laptop.json(ShowOutput.self, ["interview", "show", created.interview])
            #expect(shown.interview.answers["a_aantal_respondenten"] == .int(2), "the web's answer reached the laptop")
            #expect(shown.interview.mode == "zelf")
            #expect(shown.conflicts.contains { $0.field == "answers.a_functie" && $0.open })

            let coordinator = APIClient(transport: CurlTransport(), baseURL: server.url, token: token)
            let conflicts: ConflictViewList = try await coordinator.send("GET", "/v1/review/conflicts")
            let conflict = try #require(conflicts.conflicts.first { $0.field == "answers.a_functie" })
            let values = Set([conflict.kept.value, conflict.current?.value].compactMap { $0?.stringValue })
            #expect(values == ["schepen van onderwijs", "diensthoofd onderwijs"])
            let devices = Set([conflict.kept.change.device.rawValue, conflict.current?.change.device.rawValue].compactMap { $0 })
            #expect(devices.contains { $0.hasPrefix("w-") }, "one value came from the invitation's own device")
        }
    }
}
