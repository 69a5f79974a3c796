import Foundation
import Hummingbird
import Shared

extension CredentialInfo: ResponseEncodable {}

/// `/v1/credentials`: coordinators list people's API tokens, laptops and dashboard sessions (with when
/// each was made and last used, never the secret) and revoke them. Coordinators and admins only; who
/// may revoke whose is ``CredentialPolicy``'s, the same checks as `veldwerk-server admin revoke-credential`.
struct CredentialRoutes {
    let store: any FieldworkStore
    let config: ServerConfig

    static let routes: [(method: String, path: String)] = [("GET", "/v1/credentials"), ("POST", "/v1/credentials/{id}/revoke")]

    func register(on router: Router<AppRequestContext>) {
        let router = router.group(context: CoordinatorContext.self)
        router.get("/v1/credentials", use: list)
        router.post("/v1/credentials/:id/revoke", use: revoke)
    }

    @Sendable func list(_ request: Request, context: CoordinatorContext) async throws -> ListResponse<CredentialInfo> {
        let operations = FieldworkOperations(store: store, principal: context.principal, now: config.now())
        let user = request.uri.queryParameters.get("user").flatMap { $0.isEmpty ? nil : UserID(String($0)) }
        return ListResponse(items: try await operations.credentials(user: user))
    }

    @Sendable func revoke(_ request: Request, context: CoordinatorContext) async throws -> CredentialInfo {
        let principal = context.principal
        let operations = FieldworkOperations(store: store, principal: principal, now: config.now())
        let revoked = try await operations.revokeCredential(context.pathParameter("id"))
        context.logger.notice(
            "credential revoked", metadata: ["auth.credential": "\(revoked.id)", "auth.owner": "\(revoked.user)", "auth.user": "\(principal.user)"]
        )
        return revoked
    }
}
