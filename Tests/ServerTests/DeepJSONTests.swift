import Foundation
import Shared
import Testing
@testable import VeldwerkServer

/// Values nested past the parser's limit are refused with a sentence at every door, and the
/// server keeps answering.
@Suite("Deeply nested JSON", .serialized)
struct DeepJSONTests {
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
    }

    @Test("a 10,000-deep value typed into the dashboard's conflict form: 422, nothing stored, the server answers on")
    func dashboardForm() async throws {
        try await withRunningServer { client, seed in
            let login = try await client.postForm("/dashboard/login", [("token", seed.coordinatorToken)])
            let cookie = try #require(login.header("set-cookie")?.split(separator: ";").first.map(String.init))
            let id = try #require(seed.interviews[seed.order[0]]?.first)
            let (loser, _) = try await ConflictFixture.make(in: seed, interview: id)
            let page = try await client.get("/dashboard/conflicts", headers: ["Cookie": cookie])
            let marker = "name=\"csrf\" value=\""
            let start = try #require(page.body.range(of: marker))
            let token = String(page.body[start.upperBound...].prefix { $0 != "\"" })
            let before = try await seed.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") }
            let resolved = try await client.postForm(
                "/dashboard/conflicts/\(loser.id.description)/resolve", [("csrf", token), ("choice", "new"), ("value", Self.nested(10_000))],
                headers: ["Cookie": cookie]
            )
            #expect(resolved.status == 422)
            #expect(resolved.body.contains("nested more than 64"))
            let after = try await seed.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") }
            #expect(after == before, "nothing stored")
            #expect(try await client.get("/healthz").status == 200)
        }
    }

    @Test("a 10,000-deep value pushed in /v1/sync: 422 too_deep, nothing stored, the server answers on")
    func syncPush() async throws {
        try await withRunningServer { client, seed in
            let laptop = try await seed.enrolLaptop(for: seed.interviewers[0].id)
            let before = try await seed.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") }
            for depth in [10_000, 500] {
                let body = #"{"device":"\#(laptop.device)","clientTime":1733400000000,"cursors":{},"push":[{"id":"\#(laptop.device):1","scope":"global","entity":"interview","entityId":"i","field":"answers.q","value":"#
                    + Self.nested(depth) + #","hlc":"0000019398000000-00000000-\#(laptop.device)","author":"\#(seed.interviewers[0].id)"}]}"#
                let response = try await client.postJSON("/v1/sync", body, headers: ["Authorization": "Bearer \(laptop.token)"])
                #expect(response.status == 422, "depth \(depth)")
                #expect(response.body.contains("too_deep"), "depth \(depth)")
            }
            let after = try await seed.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") }
            #expect(after == before, "nothing stored")
            #expect(try await client.get("/healthz").status == 200)
        }
    }
}
