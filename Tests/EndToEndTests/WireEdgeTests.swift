import Foundation
import Gzip
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// gzip both ways, and the request-level edges not covered in BadInputTests: a status, a sentence, nothing stored.
@Suite("Wire edges over HTTP", .serialized)
struct WireEdgeTests {
    private func enrol(_ server: TestServer) async throws -> (token: String, device: DeviceID, user: UserID) {
        let person = try await server.interviewer("Gert Gzip", municipalities: ["11001"])
        let enrolled = try await server.store.enrol(code: person.code, deviceName: "gzip", now: Date())
        return (enrolled.token, enrolled.device, person.user)
    }

    private func post(_ server: TestServer, _ path: String, token: String?, body: Data, headers extra: [(String, String)] = []) async throws -> TransportResponse {
        var headers = [("Content-Type", "application/json")] + extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try await CurlTransport().perform(TransportRequest(method: "POST", url: server.url + path, headers: headers, body: body))
    }

    private func logSize(_ server: TestServer) async throws -> Int {
        try await server.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") ?? 0 }
    }

    private func code(_ response: TransportResponse) -> String? {
        (try? JSONDecoder().decode(ErrorBody.self, from: response.body))?.error.code
    }

    @Test("gzip and plain requests both work; a large answer comes back gzipped")
    func gzipBothWays() async throws {
        try await TestServer.with { server in
            let laptop = try await enrol(server)
            let request = try JSONEncoder().encode(SyncRequest(device: laptop.device, push: [], cursors: [:], clientTime: 0))
            let plain = try await post(server, "/v1/sync", token: laptop.token, body: request)
            #expect(plain.status == 200)
            let packed = try await post(server, "/v1/sync", token: laptop.token, body: try Gzip.compress(request), headers: [("Content-Encoding", "gzip")])
            #expect(packed.status == 200)
            let answer = try JSONDecoder().decode(SyncResponse.self, from: packed.body)
            #expect(answer.pull.count > 100, "the roster and questionnaire")
            #expect(packed.bytesReceived * 4 < packed.body.count, "the pull came gzipped (\(packed.bytesReceived) bytes on the wire for \(packed.body.count))")
        }
    }

    @Test("broken gzip, a gzip bomb, an unknown encoding, a body over the limit: 400, 413, 415, 413; nothing stored")
    func badEncodings() async throws {
        try await TestServer.with { server in
            let laptop = try await enrol(server)
            let before = try await logSize(server)
            let request = try JSONEncoder().encode(SyncRequest(device: laptop.device, push: [], cursors: [:], clientTime: 0))
            let packed = try Gzip.compress(request)

            let truncated = try await post(server, "/v1/sync", token: laptop.token, body: packed.prefix(packed.count / 2), headers: [("Content-Encoding", "gzip")])
            #expect(truncated.status == 400)
            #expect(code(truncated) == "malformed_request")

            let bomb = try Gzip.compress(Data(repeating: 0x20, count: 20 * 1024 * 1024), level: 9)
            let exploded = try await post(server, "/v1/sync", token: laptop.token, body: bomb, headers: [("Content-Encoding", "gzip")])
            #expect(exploded.status == 413)
            #expect(code(exploded) == "too_large")

            let brotli = try await post(server, "/v1/sync", token: laptop.token, body: request, headers: [("Content-Encoding", "br")])
            #expect(brotli.status == 415)
            #expect(code(brotli) == "unsupported_encoding")

            let huge = try await post(server, "/v1/sync", token: laptop.token, body: Data(repeating: 0x20, count: 9 * 1024 * 1024))
            #expect(huge.status == 413)
            #expect(try await logSize(server) == before)
        }
    }

    @Test("unknown fields are tolerated; a huge value, a revoked token and a coordinator route are refused")
    func contentAndAccess() async throws {
        try await TestServer.with { server in
            let laptop = try await enrol(server)
            let before = try await logSize(server)
            let tolerant = try await post(
                server, "/v1/sync", token: laptop.token,
                body: Data("{\"device\": \"\(laptop.device)\", \"push\": [], \"cursors\": {}, \"clientTime\": 0, \"fromTheFuture\": {\"x\": 1}}".utf8)
            )
            #expect(tolerant.status == 200, "a field a newer client adds is ignored")

            var clock = HybridClock(device: laptop.device)
            let interview = UUID().uuidString.lowercased()
            let hugeValue = Change(
                id: ChangeID(device: laptop.device, seq: 1), scope: .municipality("11001"), entity: .interview, entityId: interview,
                field: "answers.b_toelichting", value: .string(String(repeating: "x", count: 300 * 1024)),
                hlc: clock.tick(physical: Date().millisecondsSince1970), base: nil, author: laptop.user
            )
            let response = try await APIClient(transport: CurlTransport(), baseURL: server.url, token: laptop.token)
                .sync(SyncRequest(device: laptop.device, push: [hugeValue], cursors: [:], clientTime: 0))
            #expect(response.rejected.first?.code == .invalid)
            #expect(response.rejected.first?.reason.contains("256 KiB") == true)

            let coordinatorOnly = try await CurlTransport().perform(
                TransportRequest(method: "GET", url: server.url + "/v1/devices/flagged", headers: [("Authorization", "Bearer \(laptop.token)")])
            )
            #expect(coordinatorOnly.status == 403)

            try await server.store.revokeDevice(laptop.device, now: Date())
            let revoked = try await CurlTransport().perform(
                TransportRequest(method: "GET", url: server.url + "/v1/me", headers: [("Authorization", "Bearer \(laptop.token)")])
            )
            #expect(revoked.status == 401)
            #expect(String(decoding: revoked.body, as: UTF8.self).contains("device_revoked"))
            // Its sync is its last contact: answered `revoked`, nothing merged, nothing pulled.
            let last = try await post(
                server, "/v1/sync", token: laptop.token, body: Data("{\"device\": \"\(laptop.device)\", \"push\": [], \"cursors\": {}, \"clientTime\": 0}".utf8)
            )
            #expect(last.status == 200)
            let answer = try SyncResponse(wireJSON: last.body)
            #expect(answer.revoked == true && answer.pull.isEmpty && answer.cursors.isEmpty)
            #expect(try await logSize(server) == before)
        }
    }
}
