import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

@testable import VeldwerkClient

/// A loopback HTTP proxy in front of a test server that can hold responses back after the server answered.
///
/// In `hold` mode the request reaches the server (which commits it) but the response is not
/// passed on until the mode changes: the window in which a client can be killed between
/// sending a push and storing its acknowledgement.
final class FaultProxy: Sendable {
    enum Mode: Sendable { case passThrough, hold }

    private let state = Mutex<(mode: Mode, held: Int)>((.passThrough, 0))
    let target: String

    init(target: String) { self.target = target }

    var mode: Mode {
        get { state.withLock { $0.mode } }
        set { state.withLock { $0.mode = newValue } }
    }

    /// How many responses the proxy has held back so far.
    var heldCount: Int { state.withLock { $0.held } }

    /// Runs the proxy on a free port for the duration of `body`.
    func run<T>(_ body: (String) async throws -> T) async throws -> T {
        let router = Router()
        let transport = CurlTransport()
        for path in ["/v1/enrol", "/v1/sync"] {
            router.post(RouterPath(path)) { request, context -> Response in
                try await self.forward(request, path: path, transport: transport)
            }
        }
        var logger = Logger(label: "test.proxy")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result = try await body("http://127.0.0.1:\(port)")
        mode = .passThrough
        task.cancel()
        _ = await task.result
        return result
    }

    private func forward(_ request: Request, path: String, transport: CurlTransport) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024 * 1024)
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let authorization = request.headers[.authorization] { headers.append(("Authorization", authorization)) }
        if let encoding = request.headers[.contentEncoding] { headers.append(("Content-Encoding", encoding)) }
        let result = try await transport.perform(
            TransportRequest(method: "POST", url: target + path, headers: headers, body: Data(body.readableBytesView))
        )
        if mode == .hold {
            state.withLock { $0.held += 1 }
            while mode == .hold { try await Task.sleep(for: .milliseconds(20)) }
            return Response(status: .gatewayTimeout)
        }
        var responseHeaders = HTTPFields()
        responseHeaders[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: result.status), headers: responseHeaders, body: .init(byteBuffer: ByteBuffer(bytes: result.body))
        )
    }

    /// Waits until a response has been held back (the server has committed the request).
    func waitForHeldResponse(timeout: TimeInterval = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while heldCount == 0 {
            guard Date() < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A transport that performs the request and then loses the response, as a dropped connection would.
struct ResponseDroppingTransport: HTTPTransport {
    let inner: any HTTPTransport

    func perform(_ request: TransportRequest) async throws -> TransportResponse {
        _ = try await inner.perform(request)
        throw ClientError.transport("connection reset after the request was sent (injected)")
    }
}
