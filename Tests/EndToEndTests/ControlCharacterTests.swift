import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// NUL and escape sequences never reach the database: refused with a sentence at enrol, in
/// `interview set` and in a coordinator's edit; newline and tab in a text answer are kept.
@Suite("Control characters end to end", .serialized)
struct ControlCharacterTests {
    struct ErrorReply: Decodable {
        struct Detail: Decodable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    @Test("a NUL in the device name at enrol is refused with a sentence, and nothing is stored")
    func nulDeviceName() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An Peeters", municipalities: ["11001"])
            let body = try JSONEncoder().encode(EnrolRequest(code: an.code, deviceName: "lap\0top"))
            let reply = try await CurlTransport().perform(
                TransportRequest(method: "POST", url: server.url + "/v1/enrol", headers: [("Content-Type", "application/json")], body: body)
            )
            #expect(reply.status == 422 || reply.status == 400)
            let message = try JSONDecoder().decode(ErrorReply.self, from: reply.body).error.message
            #expect(message.contains("deviceName") && message.contains("U+0000 (NUL)"), "\(message)")
            let devices = try await server.store.devices()
            #expect(devices.isEmpty)

            // The code was not used up: the same laptop enrols under a clean name.
            let laptop = try Laptop()
            defer { laptop.remove() }
            let escaped = try await laptop.run(["enrol", "--server", server.url, "--code", an.code, "--name", "lap\u{1B}[Atop"], check: false)
            #expect(escaped.status == 64)
            #expect(escaped.stderr.contains("U+001B"), "\(escaped.stderr)")
            try await laptop.run(["enrol", "--server", server.url, "--code", an.code, "--name", "laptop"])
            #expect(try await server.store.devices().map(\.name) == ["laptop"])
        }
    }

    @Test("an escape sequence in a text answer is refused by interview set and by PATCH; newline and tab are kept")
    func textAnswers() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An Peeters", municipalities: ["11001"])
            let token = try await server.coordinatorToken()
            let laptop = try Laptop()
            defer { laptop.remove() }
            try await laptop.run(["enrol", "--server", server.url, "--code", an.code, "--name", "laptop-a"])
            try await laptop.run(["sync"])
            let id = try await laptop.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let uuid = try #require(UUID(uuidString: id))

            let refused = try await laptop.run(["interview", "set", id, "a_modus=video", "f_opmerkingen=rood\u{1B}[31mgevaar"], check: false)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("U+001B (escape, as an arrow key sends)"), "\(refused.stderr)")
            let afterRefusal = try #require(try laptop.store().interview(uuid))
            #expect(afterRefusal.answers["f_opmerkingen"] == nil)
            #expect(afterRefusal.answers["a_modus"] == nil)  // all are checked first: nothing was saved

            let kept = "Eerste regel\n\tingesprongen"
            try await laptop.run(["interview", "set", id, "f_opmerkingen=\(kept)"])
            #expect(try laptop.store().interview(uuid)?.answers["f_opmerkingen"] == .string(kept))
            try await laptop.run(["sync"])

            let coordinator = APIClient(transport: CurlTransport(), baseURL: server.url, token: token)
            let synced: InterviewDetail = try await coordinator.send("GET", "/v1/interviews/\(id)")
            #expect(synced.interview.answers["f_opmerkingen"] == .string(kept))

            await #expect {
                let _: FieldEditResponse = try await coordinator.send(
                    "PATCH", "/v1/interviews/\(id)", body: FieldEditRequest(fields: ["answers.f_opmerkingen": .string("x\u{1B}[2Jweg")])
                )
            } throws: { error in
                guard case ClientError.server(let status, _, let message, _) = error else { return false }
                return status == 422 && message.contains("U+001B")
            }
            let edited = "Gecorrigeerd\n\tdoor de coördinator"
            let _: FieldEditResponse = try await coordinator.send(
                "PATCH", "/v1/interviews/\(id)", body: FieldEditRequest(fields: ["answers.f_opmerkingen": .string(edited)])
            )
            let after: InterviewDetail = try await coordinator.send("GET", "/v1/interviews/\(id)")
            #expect(after.interview.answers["f_opmerkingen"] == .string(edited))
        }
    }
}
