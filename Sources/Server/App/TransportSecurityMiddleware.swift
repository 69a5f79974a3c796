import Foundation
import HTTPTypes
import Hummingbird

/// Adds `Strict-Transport-Security` to every answer when the server's configured public URL is https.
///
/// It follows the operator's setting, not a header a client sends: browsers ignore HSTS received over
/// plain HTTP, and a server reached as `https://…` through a proxy says so with `--public-url`.
struct TransportSecurityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let publicURL: URL?

    static let maxAge = 365 * 24 * 3600

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard publicURL?.scheme?.lowercased() == "https" else { return try await next(request, context) }
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
