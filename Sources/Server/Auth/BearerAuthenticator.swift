import HTTPTypes
import Hummingbird

/// Reads `Authorization: Bearer <token>` and, when the token is valid, sets the request's principal.
///
/// A missing token leaves the principal empty (routes that need one answer 401); a token that is
/// present but unknown or revoked is answered 401 at once, so a revoked laptop learns it plainly.
struct BearerAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any ServerStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("The Authorization header must read \"Bearer <token>\".")
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard let principal = try await store.principal(forTokenHash: Secret.hash(token)) else {
            throw APIError.unauthorized("This token is not valid: it is unknown or its laptop was revoked. Enrol again with a new code from a coordinator.")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
