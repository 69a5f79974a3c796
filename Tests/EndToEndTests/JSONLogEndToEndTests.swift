import Foundation
import Testing
import TestSupport

/// `serve --log-format json` as a log collector reads it.
@Suite("JSON logs end to end", .serialized)
struct JSONLogEndToEndTests {
    @Test("every request leaves one JSON line with its request id, route template and status; a link's token never reaches the log")
    func requestLines() async throws {
        let data = try TemporaryDirectory(prefix: "veldwerk-jsonlog")
        defer { data.remove() }
        let (server, port) = try await ServerLimitsTests.startServer(data: data, ["--log-format", "json", "--log-level", "info"])
        defer { if server.isRunning { server.kill() } }
        let token = "geheimeLinkToken1234567890abcdef"
        for request in [
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: drill-0000000001\r\nConnection: close\r\n\r\n",
            "GET /s/\(token) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        ] {
            let socket = try RawSocket(port: port)
            try await RawSocket.blocking {
                socket.send(Array(request.utf8))
                _ = socket.readToEnd(timeout: 5)
            }
            socket.close()
        }
        kill(server.processIdentifier, SIGTERM)
        let result = try await server.finish(timeout: 20)
        let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        let objects = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
        let health = objects.first { $0["request.id"] as? String == "drill-0000000001" }
        #expect(health?["message"] as? String == "request")
        #expect(health?["http.route"] as? String == "/healthz")
        #expect(health?["http.status"] as? Int == 200)
        #expect(health?["http.duration_ms"] is Double)
        #expect(objects.contains { ($0["http.route"] as? String)?.hasPrefix("/s/") == true }, "the link's request is logged, by its template")
        #expect(!result.stderr.contains(token), "the self-completion token stays out of the log")
    }
}
