import Foundation
import Synchronization

@testable import VeldwerkClient

/// A transport that injects one fault per request from a script (then passes requests through).
final class FaultyTransport: HTTPTransport {
    enum Fault: Sendable, Equatable, CustomStringConvertible {
        /// The request never reaches the server.
        case dropRequest
        /// The server commits the request; the response is lost.
        case dropResponse
        /// Only the first half of the body is sent.
        case truncateBody
        /// The response arrives cut off halfway.
        case truncateResponse
        /// The request waits this long before it is sent.
        case delay(Duration)
        /// The connection is reset mid-transfer: the body goes out, no status comes back.
        case reset

        var description: String {
            switch self {
            case .dropRequest: "drop request"
            case .dropResponse: "drop response"
            case .truncateBody: "truncate body"
            case .truncateResponse: "truncate response"
            case .delay(let duration): "delay \(duration)"
            case .reset: "reset"
            }
        }
    }

    private let inner = CurlTransport()
    private let script: Mutex<[Fault]>

    init(_ faults: [Fault]) { script = Mutex(faults) }

    var remaining: Int { script.withLock { $0.count } }

    func perform(_ request: TransportRequest) async throws -> TransportResponse {
        let fault = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        switch fault {
        case nil:
            return try await inner.perform(request)
        case .dropRequest?:
            throw ClientError.transport("could not connect (injected)")
        case .dropResponse?:
            _ = try await inner.perform(request)
            throw ClientError.transport("connection lost before the response (injected)")
        case .truncateBody?:
            var cut = request
            cut.body = request.body.map { $0.prefix($0.count / 2) }
            return try await inner.perform(cut)
        case .truncateResponse?:
            var response = try await inner.perform(request)
            response.body = response.body.prefix(response.body.count / 2)
            return response
        case .delay(let duration)?:
            try await Task.sleep(for: duration)
            return try await inner.perform(request)
        case .reset?:
            _ = try await inner.perform(request)
            throw ClientError.transport("Recv failure: Connection reset by peer (injected)")
        }
    }
}
