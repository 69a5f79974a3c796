import Foundation
import HTTPTypes
import Hummingbird

/// Adds `Strict-Transport-Security` to every answer that went out over HTTPS (see ``HTTPSDetector``):
/// the server serves TLS itself, its public URL is https, or a trusted proxy forwarded an HTTPS request.
///
/// Browsers ignore HSTS received over plain HTTP, so it is sent only where it counts.
struct TransportSecurityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let https: HTTPSDetector

    static let maxAge = 365 * 24 * 3600

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard https.isHTTPS(request, context: context) else { return try await next(request, context) }
        do {
            var response = try await next(request, context)
            response.headers[.strictTransportSecurity] = "max-age=\(Self.maxAge)"
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            response.headers[.strictTransportSecurity] = "max-age=\(Self.maxAge)"
            return response
        }
    }
}
