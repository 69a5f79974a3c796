import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// What every request leaves behind: a request id, one access-log line and its latency in `/metrics`.
///
/// Outermost of the middleware, so it sees the status the caller gets (errors already turned into
/// responses). The request id is the proxy's `X-Request-Id` when that is a plain token of 8 to 64
/// letters, digits, `-`, `_` or `.` (so a proxy's and this server's log lines can be joined), else the
/// one Hummingbird made. It goes back in the `X-Request-Id` header and in every error body, so a person
/// can quote it, and on every log line the request causes. The access line names the route's template,
/// not the path: a self-completion link carries its token in the path, and tokens stay out of logs.
struct RequestTelemetryMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ServerMetrics

    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let given = request.headers[Self.header], Self.isWellFormed(given) {
            context.logger[metadataKey: "hb.request.id"] = .string(given)
        }
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[Self.header] = context.id
        let route = context.endpointPath ?? "NotFound"
        let status = response.status.code
        let logger = context.logger
        let body = response.body
        let method = request.method.rawValue
        // Timed and logged when the body's last byte is written: a large export counts its whole transfer.
        response.body = ResponseBody(contentLength: body.contentLength) { [metrics] writer in
            try await body.write(writer)
            let elapsed = ContinuousClock.now - started
            metrics.requestDuration(route: route, method: method, status: status).record(elapsed)
            logger.info(
                "request",
                metadata: [
                    "http.method": .string(method), "http.route": .string(route),
                    "http.status": .stringConvertible(status), "http.duration_ms": .stringConvertible(Self.milliseconds(elapsed)),
                ]
            )
        }
        return response
    }

    /// A request id a proxy may hand on: 8 to 64 characters of `A-Z a-z 0-9 - _ .`.
    static func isWellFormed(_ id: String) -> Bool {
        (8...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) * 1000 + Double(attoseconds) / 1e15).rounded(toPlaces: 3)
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
