import Foundation
import Secrets
import Shared
import Hummingbird

/// The dashboard's session cookie and the CSRF token derived from it.
///
/// The cookie holds a random 256-bit session id; the server keeps only its hash. Forms carry a
/// CSRF token derived from the session id, so a page from another site cannot post on the
/// coordinator's behalf even where a browser would send the cookie.
enum DashboardSession {
    static let cookieName = "veldwerk_session"
    /// How long a login lasts.
    static let lifetime: TimeInterval = 12 * 3600

    /// The session id from the request's cookie, if any.
    static func id(in request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, !value.isEmpty, value.count <= 128 else { return nil }
        return value
    }

    /// The CSRF token of a session: a hash of it under its own label.
    static func csrfToken(for session: String) -> String {
        Secret.hash("veldwerk-csrf:" + session)
    }

    /// Checks a submitted CSRF token against the session's; 403 when it does not match.
    static func checkCSRF(_ submitted: String?, request: Request) throws {
        guard let session = id(in: request), let submitted,
            constantTimeEqual(Array(submitted.utf8), Array(csrfToken(for: session).utf8))
        else {
            throw APIError.forbidden(localized(
                nl: "Dit formulier is verlopen of kwam niet van het dashboard. Herlaad de pagina en probeer opnieuw.",
                en: "This form has expired or did not come from the dashboard. Reload the page and try again."
            ))
        }
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// The cookie that carries a new session: HttpOnly, SameSite=Strict, limited to the dashboard's paths;
    /// `Secure` when browsers reach the server over HTTPS (see `DashboardRoutes.isHTTPS`).
    static func cookie(_ session: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: session, maxAge: Int(lifetime), path: "/dashboard", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// A cookie that makes the browser forget the session.
    static func expiredCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/dashboard", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
