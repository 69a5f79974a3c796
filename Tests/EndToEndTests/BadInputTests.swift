import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// Bad input gets a clear error and changes nothing: over HTTP, against a real server.
@Suite("Bad input over HTTP", .serialized)
struct BadInputTests {
    /// An enrolled laptop's credentials, made straight through the store.
    struct Device {
        var user: UserID
        var device: DeviceID
        var token: String
        var clock: HybridClock
        var seq: Int64 = 0

        mutating func change(_ scope: Scope, _ entity: Entity, _ id: String, _ field: String, _ value: JSONValue?) -> Change {
            seq += 1
            return Change(
                id: ChangeID(device: device, seq: seq), scope: scope, entity: entity, entityId: id, field: field, value: value,
                hlc: clock.tick(physical: Date().millisecondsSince1970), base: nil, author: user
            )
        }
    }

    private func enrol(_ server: TestServer, municipalities: [String]) async throws -> Device {
        let person = try await server.interviewer("Iemand", municipalities: municipalities)
        let enrolled = try await server.store.enrol(code: person.code, deviceName: "test", now: Date())
        return Device(user: person.user, device: enrolled.device, token: enrolled.token, clock: HybridClock(device: enrolled.device))
    }

    private func raw(_ server: TestServer, _ method: String, _ path: String, token: String?, body: String?) async throws -> (Int, ErrorBody?) {
        var headers = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let result = try await CurlTransport().perform(
            TransportRequest(method: method, url: server.url + path, headers: headers, body: body.map { Data($0.utf8) })
        )
        return (result.status, try? JSONDecoder().decode(ErrorBody.self, from: result.body))
    }

    private func logSize(_ server: TestServer) async throws -> Int {
        try await server.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") ?? 0 }
    }

    @Test("malformed and truncated JSON, missing and bad tokens, wrong routes: a status, a sentence, nothing stored")
    func requestLevelErrors() async throws {
        try await TestServer.with { server in
            let device = try await enrol(server, municipalities: ["11001"])
            let before = try await logSize(server)

            let malformed = try await raw(server, "POST", "/v1/sync", token: device.token, body: "{\"device\": \"\(device.device)\", \"push\": [")
            #expect(malformed.0 == 400)
            #expect(malformed.1?.error.code == "malformed_request")

            let wrongType = try await raw(server, "POST", "/v1/sync", token: device.token, body: "{\"device\": \"\(device.device)\", \"push\": 5, \"cursors\": {}, \"clientTime\": 0}")
            #expect(wrongType.0 == 400)
            #expect(wrongType.1?.error.message.contains("push") == true)

            let noToken = try await raw(server, "POST", "/v1/sync", token: nil, body: "{}")
            #expect(noToken.0 == 401)
            #expect(noToken.1?.error.message.contains("token") == true)

            let badToken = try await raw(server, "POST", "/v1/sync", token: "not-a-token", body: "{}")
            #expect(badToken.0 == 401)

            let forbidden = try await raw(server, "GET", "/v1/conflicts", token: device.token, body: nil)
            #expect(forbidden.0 == 403)
            #expect(forbidden.1?.error.code == "forbidden")

            let otherDevice = try await raw(
                server, "POST", "/v1/sync", token: device.token, body: "{\"device\": \"d-someoneelse\", \"push\": [], \"cursors\": {}, \"clientTime\": 0}"
            )
            #expect(otherDevice.0 == 403)

            let missing = try await raw(server, "GET", "/v1/nothing-here", token: nil, body: nil)
            #expect(missing.0 == 404)
            #expect(missing.1?.error.code == "not_found")

            #expect(try await logSize(server) == before)
        }
    }

    @Test("enrolment codes are single use and expire")
    func enrolmentCodes() async throws {
        try await TestServer.with { server in
            let person = try await server.interviewer("Iemand", municipalities: [])
            let client = APIClient(transport: CurlTransport(), baseURL: server.url, token: nil)
            _ = try await client.enrol(EnrolRequest(code: person.code.lowercased(), deviceName: "eerste"))
            await #expect {
                _ = try await client.enrol(EnrolRequest(code: person.code, deviceName: "tweede"))
            } throws: { error in
                guard case let ClientError.server(status, code, message, requestID) = error else { return false }
                return status == 401 && code == "unauthorized" && requestID?.isEmpty == false
                    && message == "This enrolment code was used already; each code enrols one laptop. Ask a coordinator for a new one."
            }
            let old = try await server.store.issueEnrolmentCode(for: person.user, lifetime: 60, now: Date().addingTimeInterval(-3600))
            do {
                _ = try await client.enrol(EnrolRequest(code: old.code, deviceName: "derde"))
                Issue.record("an expired code enrolled a laptop")
            } catch let ClientError.server(status, _, message, _) {
                #expect(status == 401)
                #expect(message.contains("expired"))
            }
            let devices = try await server.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM device") ?? 0 }
            #expect(devices == 1)
        }
    }

    @Test("pushed changes with a wrong answer type, an unknown question or municipality are refused one by one; the rest is merged")
    func invalidChangesAreRefused() async throws {
        try await TestServer.with { server in
            var device = try await enrol(server, municipalities: ["11001"])
            let interview = UUID().uuidString.lowercased()
            let scope = Scope.municipality("11001")
            let good = [
                device.change(scope, .interview, interview, "municipality", .string("11001")),
                device.change(scope, .interview, interview, "questionnaire", .string("flankerend_onderwijsbeleid")),
                device.change(scope, .interview, interview, "questionnaireVersion", .string("1")),
                device.change(scope, .interview, interview, "answers.a_aantal_respondenten", .int(2)),
            ]
            let wrongType = device.change(scope, .interview, interview, "answers.a_aantal_respondenten", .string("twee"))
            let unknownQuestion = device.change(scope, .interview, interview, "answers.z_bestaat_niet", .string("x"))
            let unknownChoice = device.change(scope, .interview, interview, "answers.a_modus", .string("telepathie"))
            let unknownMunicipality = device.change(.municipality("99999"), .interview, UUID().uuidString.lowercased(), "state", .string("draft"))
            let notMine = device.change(.municipality("11002"), .interview, UUID().uuidString.lowercased(), "municipality", .string("11002"))
            let push = good + [wrongType, unknownQuestion, unknownChoice, unknownMunicipality, notMine]

            let client = APIClient(transport: CurlTransport(), baseURL: server.url, token: device.token)
            let response = try await client.sync(SyncRequest(device: device.device, push: push, cursors: [:], clientTime: Date().millisecondsSince1970))
            #expect(Set(response.accepted) == Set(good.map(\.id)))
            let reasons = Dictionary(uniqueKeysWithValues: response.rejected.map { ($0.changeId, $0) })
            #expect(reasons[wrongType.id]?.code == .invalid)
            #expect(reasons[wrongType.id]?.reason.contains("whole number") == true)
            #expect(reasons[unknownQuestion.id]?.code == .invalid)
            #expect(reasons[unknownChoice.id]?.code == .invalid)
            #expect(reasons[unknownMunicipality.id]?.reason.contains("Unknown municipality") == true)
            #expect(reasons[notMine.id]?.code == .quarantined, "a change for a scope the laptop does not hold is kept, not dropped")
            for change in [wrongType, unknownQuestion, unknownChoice, unknownMunicipality, notMine] {
                #expect(try await server.logCount(of: change.id) == 0)
            }
            let quarantined = try await server.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM quarantine") ?? 0 }
            #expect(quarantined == 1)
            let interviewID = try #require(UUID(uuidString: interview))
            let detail = try #require(try await server.store.interviewDetail(interviewID))
            #expect(detail.interview.answers["a_aantal_respondenten"] == .int(2))

            // Pull: an interviewer reads only global and their own municipality.
            #expect(Set(response.cursors.keys) == ["global", "municipality:11001"])
        }
    }

    @Test("a coordinator's correction is checked like an interviewer's answer")
    func coordinatorEditsAreValidated() async throws {
        try await TestServer.with { server in
            var device = try await enrol(server, municipalities: ["11001"])
            let interview = UUID().uuidString.lowercased()
            let scope = Scope.municipality("11001")
            let push = [
                device.change(scope, .interview, interview, "municipality", .string("11001")),
                device.change(scope, .interview, interview, "questionnaire", .string("flankerend_onderwijsbeleid")),
                device.change(scope, .interview, interview, "questionnaireVersion", .string("1")),
                device.change(scope, .interview, interview, "answers.a_aantal_respondenten", .int(2)),
            ]
            let laptop = APIClient(transport: CurlTransport(), baseURL: server.url, token: device.token)
            _ = try await laptop.sync(SyncRequest(device: device.device, push: push, cursors: [:], clientTime: 0))
            let token = try await server.coordinatorToken()
            let before = try await logSize(server)
            for (body, fragment) in [
                ("{\"fields\": {\"answers.a_aantal_respondenten\": \"veel\"}}", "whole number"),
                ("{\"fields\": {\"answers.a_aantal_respondenten\": 40}}", "tussen 1 en 10"),
                ("{\"fields\": {\"answers.bestaat_niet\": 1}}", "bestaat_niet"),
                ("{\"fields\": {\"answers.a_modus\": \"telepathie\"}}", "telepathie"),
                ("{\"fields\": {}}", "at least one"),
            ] {
                let (status, error) = try await raw(server, "PATCH", "/v1/interviews/\(interview)", token: token, body: body)
                #expect(status == 422, "\(body)")
                #expect(error?.error.message.contains(fragment) == true, "\(body): \(error?.error.message ?? "no message")")
            }
            let interviewerTries = try await raw(
                server, "PATCH", "/v1/interviews/\(interview)", token: device.token, body: "{\"fields\": {\"answers.a_aantal_respondenten\": 3}}"
            )
            #expect(interviewerTries.0 == 403)
            let unknown = try await raw(server, "PATCH", "/v1/interviews/\(UUID().uuidString)", token: token, body: "{\"fields\": {\"state\": \"draft\"}}")
            #expect(unknown.0 == 404)
            #expect(try await logSize(server) == before)
        }
    }
}
