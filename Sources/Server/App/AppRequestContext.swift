import Foundation
import Shared
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: the core storage plus who is calling, once authenticated.
struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connecting peer (a proxy's address when the server sits behind one; see ``SourceAddress``).
    var remoteAddress: SocketAddress?
    /// Set by ``BearerAuthenticator`` when the request carries a valid token.
    var principal: Principal?
    /// Set by ``BearerAuthenticator`` for a revoked laptop's sync, its last contact (see `SyncRoutes.finalSync`).
    var revokedDevice: Principal?
    var maxUploadSize: Int

    init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.principal = nil
        self.revokedDevice = nil
        self.maxUploadSize = 8 * 1024 * 1024
    }

    /// The caller, or 401 when the request has no valid token.
    func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw APIError.unauthorized(localized(
                nl: "Hiervoor is een geldig token nodig: stuur \"Authorization: Bearer <token>\" (meld de laptop aan, of vraag een coördinator om een token).",
                en: "This needs a valid token: send \"Authorization: Bearer <token>\" (enrol the laptop, or ask a coordinator for a token)."
            ))
        }
        return principal
    }

    /// The caller if they may coordinate (coordinator or admin), else 401 or 403.
    func requireCoordinator() throws -> Principal {
        let principal = try requirePrincipal()
        guard principal.role.canCoordinate else {
            throw APIError.forbidden(localized(
                nl: "Enkel een coördinator of beheerder mag dit; je bent aangemeld als \(principal.role.words).",
                en: "Only a coordinator or admin may do this; you are signed in as \(principal.role.words)."
            ))
        }
        return principal
    }
}
