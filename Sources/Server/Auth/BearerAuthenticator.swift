import Foundation
import Secrets
import Shared
import HTTPTypes
import Hummingbird

/// Reads `Authorization: Bearer <token>` and, when the token is valid, sets the request's principal.
///
/// A missing token leaves the principal empty (routes that need one answer 401); a token that is
/// present but unknown or revoked is answered 401 at once, so a revoked laptop learns it plainly.
/// Nothing is cached: every request looks the token up, so a revocation counts from the next request.
/// A token's last use is noted at most once a minute (``LastUseRecorder``).
struct BearerAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any ServerStore
    var now: @Sendable () -> Date = { Date() }
    var uses = LastUseRecorder()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized(localized(nl: "De Authorization-header moet \"Bearer <token>\" zijn.", en: "The Authorization header must read \"Bearer <token>\"."))
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let hash = Secret.hash(token)
        guard let principal = try await store.principal(forTokenHash: hash) else {
            if let revoked = try await store.revokedDevice(forTokenHash: hash) {
                // A revoked laptop's sync is its last contact: it hands over what it had not sent and wipes itself.
                if request.method == .post && request.uri.path == "/v1/sync" {
                    var context = context
                    context.revokedDevice = revoked
                    return try await next(request, context)
                }
                throw APIError(
                    status: .unauthorized, code: "device_revoked",
                    message: localized(
                        nl: "Deze laptop werd ingetrokken door een coördinator. Voer `veldwerk sync` uit om niet-verstuurd werk over te dragen en de gegevens van de studie te verwijderen.",
                        en: "This laptop was revoked by a coordinator. Run `veldwerk sync` to hand over unsent work and remove the study's data from it."
                    )
                )
            }
            throw APIError.unauthorized(localized(
                nl: "Dit token is niet geldig: het is onbekend of zijn laptop werd ingetrokken. Meld opnieuw aan met een nieuwe code van een coördinator.",
                en: "This token is not valid: it is unknown or its laptop was revoked. Enrol again with a new code from a coordinator."
            ))
        }
        let time = now()
        if uses.isDue(hash, now: time) {
            do {
                try await store.noteTokenUse(hash: hash, at: time)
            } catch {
                context.logger.warning("could not note a token's last use", metadata: ["auth.user": "\(principal.user)", "error.message": "\(error)"])
            }
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
