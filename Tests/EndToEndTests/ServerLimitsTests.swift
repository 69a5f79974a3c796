import Foundation
import GRDB
import Gzip
import Hummingbird
import Logging
import Shared
import Synchronization
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// No single client can stall the server: half-sent requests, a push too large to merge in its
/// budget, and a shutdown during a large push.
@Suite("Server limits", .serialized)
struct ServerLimitsTests {
    @Test("300 half-sent requests: /healthz still answers at once, and the stalled connections are closed after the timeout")
    func halfOpenConnections() async throws {
        try await TestServer.with(configure: { $0.connectionIdleTimeout = 2 }) { server in
            let port = server.port

            let stalled = try await RawSocket.blocking { try (0..<300).map { _ in try RawSocket(port: port) } }
            defer { stalled.forEach { $0.close() } }
            for socket in stalled { socket.send(Array("GET /heal".utf8)) }
            let started = Date()
            // Generous bounds: the whole suite runs in parallel in one process on a shared machine.
            #expect(try await RawSocket.blocking { try RawSocket.get("/healthz", port: port, timeout: 30) } == 200, "answered while 300 requests hang")

            // Each stalled connection is closed by the server after the 2 s timeout (with slack for a busy machine;
            // without the timeout none would ever be).
            let closed = try await RawSocket.blocking {
                stalled.filter { $0.readToEnd(timeout: max(0.05, 45 - Date().timeIntervalSince(started))).closed }.count
            }
            #expect(closed == stalled.count)
            #expect(try await RawSocket.blocking { try RawSocket.get("/healthz", port: port, timeout: 30) } == 200)
        }
    }

    /// 5,000 concurrent versions of one contact attempt's note by one laptop: every one but the newest a kept conflict.
    static func concurrentNotes(_ count: Int, device: DeviceID, author: UserID, startSeq: Int64 = 1) -> [Change] {
        let attempt = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
        let wall = Date().millisecondsSince1970 - 60_000
        return (0..<count).map { index in
            Change(
                id: ChangeID(device: device, seq: startSeq + Int64(index)), scope: .municipality("11001"), entity: .contactAttempt, entityId: attempt,
                field: ContactAttempt.Field.note, value: .string("note \(index)"), hlc: HLC(wall: wall + Int64(index), counter: 0, device: device),
                base: nil, author: author
            )
        }
    }

    @Test("a push whose merge runs past the budget is rolled back and answered push_too_slow; the next push is stored")
    func pushBudget() async throws {
        let data = try TemporaryDirectory(prefix: "veldwerk-budget")
        defer { data.remove() }
        let path = data.url.appendingPathComponent("veldwerk.sqlite").path
        let store = try await testStore(path: path, pushBudget: 0.000_001)
        _ = try await store.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: Date())
        let user = try await store.createUser(name: "Ann", role: .interviewer, email: nil, now: Date())
        _ = try await store.assign(["11001"], to: user.id, by: hostOperator, now: Date())
        let code = try await store.issueEnrolmentCode(for: user.id, lifetime: 3600, now: Date())
        let laptop = try await store.enrol(code: code.code, deviceName: "laptop", now: Date())
        let principal = Principal(user: user.id, name: user.name, role: .interviewer, device: laptop.device)
        let changes = Self.concurrentNotes(500, device: laptop.device, author: user.id)
        let error = await #expect(throws: DomainError.self) {
            _ = try await store.push(changes, from: principal, now: Date(), clockOffsetMs: 0)
        }
        #expect(error?.kind == .busy)
        #expect(error?.code == "push_too_slow")
        #expect(error?.retryAfter != nil)
        let stored = try await store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log WHERE device = ?", [laptop.device.rawValue]) }
        #expect(stored == 0, "the slow push's savepoint was rolled back")

        let roomy = try await testStore(path: path, pushBudget: 60)
        let result = try await roomy.push(changes, from: principal, now: Date(), clockOffsetMs: 0)
        #expect(result.accepted.count == 500)
        let conflicts = try await roomy.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM conflict") }
        #expect(conflicts == 499)
    }

    @Test("a push the server finds too slow to merge is sent again in halves within the same sync")
    func clientHalvesTooSlowPush() async throws {
        try await TestServer.with { server in
            let harness = try await TransportFaultTests.Harness(server: server)
            defer { harness.home.remove() }
            _ = try await harness.sync(through: CurlTransport())
            try harness.edit(1)
            try harness.edit(2)
            let transport = TooSlowTransport(refusals: 2)
            let summary = try await harness.sync(through: transport, pushLimit: 8)
            #expect(transport.pushSizes == [8, 4, 2, 2, 2, 2, 2], "refused at 8 and 4, then the 10 changes in pushes of 2")
            #expect(summary.waiting == 0)
            #expect(summary.acknowledged == 10, "8 refused, 4 refused, then pushes of 2")
            try await harness.checkConverged()
        }
    }

    /// Starts the real `veldwerk-server` on a free port; returns it and the port it printed.
    static func startServer(data: TemporaryDirectory, _ extra: [String] = []) async throws -> (RunningProgram, Int) {
        let database = try TestEngine.postgresDatabase(for: data.url.appendingPathComponent("veldwerk.sqlite").path).map { ["--database", $0] } ?? []
        let server = try ProgramRunner.start("veldwerk-server", ["serve", "--port", "0", "--data", data.url.path, "--log-level", "error"] + database + extra)
        for _ in 0..<1500 {
            if let line = server.outputSoFar.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
                let text = line.split(separator: ":").last, let port = Int(text)
            {
                return (server, port)
            }
            if !server.isRunning {
                let ended = try await server.finish(timeout: 5)
                throw RawSocket.Failure(description: "the server exited with status \(ended.status) before listening: \(ended.stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        server.kill()
        throw RawSocket.Failure(description: "the server printed no port: \(server.outputSoFar)")
    }

    @Test("SIGTERM while a client trickles a request body: the real server stops waiting for it after the drain limit")
    func sigtermWithTrickledBody() async throws {
        let data = try TemporaryDirectory(prefix: "veldwerk-trickle")
        defer { data.remove() }
        let (server, port) = try await Self.startServer(data: data, ["--push-budget", "1"])
        defer { if server.isRunning { server.kill() } }
        let socket = try RawSocket(port: port)
        defer { socket.close() }
        socket.send(Array("POST /v1/enrol HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{".utf8))
        // One byte every 200 ms: never idle long enough for the idle timeout, never finished.
        let trickle = Task.detached {
            while !Task.isCancelled {
                socket.send(Array(" ".utf8))
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { trickle.cancel() }
        try await Task.sleep(for: .milliseconds(500))
        let signalled = Date()
        kill(server.processIdentifier, SIGTERM)
        _ = try await server.finish(timeout: 30)
        trickle.cancel()
        let took = Date().timeIntervalSince(signalled)
        #expect(took < 15, "exited \(took) s after SIGTERM (drain limit: push budget 1 s + 5 s)")
    }

    @Test("SIGTERM during a 5,000-version push: the real server exits within seconds and the store is consistent")
    func sigtermDuringLargePush() async throws {
        let data = try TemporaryDirectory(prefix: "veldwerk-sigterm")
        defer { data.remove() }
        let (server, serverPort) = try await Self.startServer(data: data)
        defer { if server.isRunning { server.kill() } }

        let path = data.url.appendingPathComponent("veldwerk.sqlite").path
        let store = try await testStore(path: path)
        let user = try await store.createUser(name: "Ann", role: .interviewer, email: nil, now: Date())
        _ = try await store.assign(["11001"], to: user.id, by: hostOperator, now: Date())
        let code = try await store.issueEnrolmentCode(for: user.id, lifetime: 3600, now: Date())
        let laptop = try await store.enrol(code: code.code, deviceName: "laptop", now: Date())
        let changes = Self.concurrentNotes(5_000, device: laptop.device, author: user.id)
        let body = try JSONEncoder().encode(SyncRequest(device: laptop.device, push: changes, cursors: [:], clientTime: Date().millisecondsSince1970))

        let socket = try RawSocket(port: serverPort)
        defer { socket.close() }
        let request =
            Array(
                "POST /v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(laptop.token)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                    .utf8
            ) + Array(body)
        try await RawSocket.blocking { socket.send(request) }
        try await Task.sleep(for: .milliseconds(150))
        let signalled = Date()
        kill(server.processIdentifier, SIGTERM)
        let result = try await server.finish(timeout: 20)
        let took = Date().timeIntervalSince(signalled)
        #expect(took < 8, "exited \(took) s after SIGTERM")
        #expect(result.status == 0, "a clean exit: \(result.stderr)")

        // Either the whole push is stored, with its 4,999 kept conflicts, or none of it.
        let (logged, conflicts, current) = try await store.engine.read { db in
            (
                try db.value(Int.self, "SELECT COUNT(*) FROM change_log WHERE device = ?", [laptop.device.rawValue]) ?? -1,
                try db.value(Int.self, "SELECT COUNT(*) FROM conflict") ?? -1,
                try db.value(String.self, "SELECT value FROM field_state WHERE entity = 'contactAttempt' AND field = 'note'")
            )
        }
        #expect((logged == 0 && conflicts == 0 && current == nil) || (logged == 5_000 && conflicts == 4_999 && current == "\"note 4999\""))
    }
}

/// Answers the first `refusals` pushes as a server that found them too slow to merge (503
/// `push_too_slow`, nothing sent on), then passes requests to libcurl; notes each push's size.
final class TooSlowTransport: HTTPTransport, Sendable {
    private let inner = CurlTransport()
    private let state: Mutex<(refusals: Int, sizes: [Int])>

    init(refusals: Int) { state = Mutex((refusals, [])) }

    var pushSizes: [Int] { state.withLock { $0.sizes } }

    func perform(_ request: TransportRequest) async throws -> TransportResponse {
        let body = request.body.map { Gzip.isGzip($0) ? ((try? Gzip.decompress($0, limit: 1 << 24)) ?? $0) : $0 }
        let size = request.url.hasSuffix("/v1/sync") ? body.flatMap { try? SyncRequest(wireJSON: $0) }?.push.count : nil
        let refuse = state.withLock { state in
            if let size { state.sizes.append(size) }
            guard size != nil, state.refusals > 0 else { return false }
            state.refusals -= 1
            return true
        }
        guard refuse else { return try await inner.perform(request) }
        let answer = #"{"error":{"code":"push_too_slow","message":"Merging these changes took too long; send them again in smaller batches."}}"#
        return TransportResponse(status: 503, body: Data(answer.utf8), bytesSent: 0, bytesReceived: 0)
    }
}
