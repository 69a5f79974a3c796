import Foundation
import LogStore
import Logging
import Shared
import Testing
@testable import VeldwerkServer

/// `/metrics`, request ids and JSON log lines: what an operator reads when something goes wrong.
@Suite("Observability")
struct ObservabilityTests {
    /// The value of one sample line (`name{labels} value`), or nil when the exposition has none.
    static func sample(_ exposition: String, _ prefix: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("/metrics counts pushes, merged changes, kept conflicts, group commits and request latency per route template")
    func metricsCountWhatHappened() async throws {
        try await withRunningServer { http, seed in
            let nis = seed.order[0]
            let user = seed.interviewers[0]
            let interview = try #require(seed.interviews[nis]?.first)
            var first = TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "first"), user: user)
            var second = TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "second"), user: user)
            let key = FieldKey(entity: .interview, entityId: interview.uuidString.lowercased(), field: "answers.a_functie")
            let base = try await seed.store.engine.read { db in try ChangeLog.currentClock(of: key, in: db) }
            let wall = StudySeed.now.millisecondsSince1970
            let loser = first.change(key, scope: .municipality(nis), value: .string("schepen"), wall: wall + 1000, base: base)
            let winner = second.change(key, scope: .municipality(nis), value: .string("onderwijsregisseur"), wall: wall + 2000, base: base)
            for (laptop, change) in [(first, loser), (second, winner), (first, loser)] {
                let body = try JSONEncoder().encode(SyncRequest(device: laptop.device, push: [change], cursors: [:], clientTime: wall))
                let response = try await http.send(
                    "POST", "/v1/sync", headers: ["Authorization": "Bearer \(laptop.token)", "Content-Type": "application/json"], body: body
                )
                #expect(response.status == 200, "\(response.body)")
            }
            _ = try await http.get("/v1/interviews/\(interview.uuidString.lowercased())", headers: ["Authorization": "Bearer \(seed.coordinatorToken)"])
            _ = try await http.get("/no/such/path/\(UUID())")

            let scrape = try await http.get("/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = scrape.body
            #expect(Self.sample(text, "veldwerk_pushes_total") == 3)
            #expect(Self.sample(text, "veldwerk_changes_merged_total") == 2, "the retried change is accepted again but merged once")
            #expect(Self.sample(text, "veldwerk_conflicts_kept_total") == 1)
            #expect(Self.sample(text, "veldwerk_changes_rejected_total") == 0)
            #expect((Self.sample(text, "veldwerk_group_commit_size_count") ?? 0) >= 3)
            #expect((Self.sample(text, "veldwerk_database_wait_seconds_count") ?? 0) >= 3)
            #expect(Self.sample(text, "veldwerk_open_connections") != nil)
            #expect(Self.sample(text, #"veldwerk_http_request_duration_seconds_count{route="/v1/sync",method="POST",status="200"}"#) == 3)
            #expect(Self.sample(text, #"veldwerk_http_request_duration_seconds_count{route="/v1/interviews/{id}",method="GET",status="200"}"#) == 1)
            #expect(text.contains(#"route="NotFound""#))
            #expect(!text.contains("no/such/path"), "a requested path never becomes a label: a stranger cannot grow the registry")
        }
    }

    @Test("/metrics answers this machine's scraper, a coordinator's token, and nobody else")
    func metricsAccess() async throws {
        try await withRunningServer { http, seed in
            let laptop = try await seed.enrolLaptop(for: seed.interviewers[0].id)
            let proxied = try await http.get("/metrics", headers: ["X-Forwarded-For": "203.0.113.9"])
            #expect(proxied.status == 401, "a request a proxy forwarded comes from elsewhere")
            let interviewer = try await http.get("/metrics", headers: ["X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer \(laptop.token)"])
            #expect(interviewer.status == 403)
            let coordinator = try await http.get("/metrics", headers: ["X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer \(seed.coordinatorToken)"])
            #expect(coordinator.status == 200)
            #expect(coordinator.body.contains("veldwerk_http_request_duration_seconds"))
        }
        try await withRunningServer(configure: { $0.trustedProxies = ["127.0.0.1"] }) { http, _ in
            let throughProxy = try await http.get("/metrics")
            #expect(throughProxy.status == 401, "behind a trusted proxy on this machine, loopback is not the scraper")
        }
    }

    @Test("every answer carries a request id; an error body quotes it; a proxy's well-formed id is kept")
    func requestIDs() async throws {
        try await withRunningServer { http, _ in
            let health = try await http.get("/healthz")
            let id = try #require(health.header("x-request-id"))
            #expect(id.count >= 8)
            let refused = try await http.get("/v1/me")
            #expect(refused.status == 401)
            let body = try JSONDecoder().decode(ErrorBody.self, from: Data(refused.body.utf8))
            #expect(body.error.requestId == refused.header("x-request-id"))
            #expect(body.error.requestId != id, "each request its own id")
            let given = try await http.get("/v1/me", headers: ["X-Request-Id": "nginx-4f2a9c01"])
            #expect(given.header("x-request-id") == "nginx-4f2a9c01")
            #expect(try JSONDecoder().decode(ErrorBody.self, from: Data(given.body.utf8)).error.requestId == "nginx-4f2a9c01")
            for bad in ["short", "has space in it", String(repeating: "a", count: 65), "quote\"inside1"] {
                let answer = try await http.get("/healthz", headers: ["X-Request-Id": bad])
                #expect(answer.header("x-request-id") != bad, "\(bad) is not taken as an id")
            }
        }
    }

    @Test("JSON log lines: one object per line, metadata flattened, the request id under request.id")
    func jsonLogLine() throws {
        let line = JSONLogHandler.line(
            time: Date(timeIntervalSince1970: 0), level: .info, label: "veldwerk.server", message: "request \"x\"\n",
            metadata: ["hb.request.id": "abc12345", "http.status": .stringConvertible(200), "http.route": "/v1/sync"]
        )
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false, "a message with a newline stays on one line")
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["request.id"] as? String == "abc12345")
        #expect(object["http.status"] as? Int == 200)
        #expect(object["http.route"] as? String == "/v1/sync")
        #expect(object["message"] as? String == "request \"x\"\n")
        #expect(object["level"] as? String == "info")
        #expect(object["time"] as? String == "1970-01-01T00:00:00.000Z")
    }
}
