import Foundation
import Shared
import HTTPTypes
import Hummingbird

/// The login form's defence against login CSRF: a sign-in posted from another site is refused.
///
/// Browsers send `Origin` on every POST (`null` from an opaque or privacy-stripped origin), so a form
/// on another site that posts an attacker's token to sign the victim in carries a foreign origin. The
/// post is accepted when `Origin` — or, without one, `Referer` — names the server itself: its
/// configured public URL, or the host the request was sent to. A request with neither header is
/// accepted: browsers always send `Origin` on a POST, so it is no form posted in a victim's browser
/// (the only way a login CSRF works) but curl, a script or a test.
struct LoginOrigin {
    let publicURL: URL?

    struct Refusal {
        var origin: String
        var message: String
    }

    /// Why this login post is refused, or nil when it came from the server's own pages (or not from a browser).
    func refusal(_ request: Request) -> Refusal? {
        let claimed: String
        if let origin = request.headers[.origin] {
            claimed = origin.trimmingCharacters(in: .whitespaces)
        } else if let referer = request.headers[.referer] {
            claimed = referer.trimmingCharacters(in: .whitespaces)
        } else {
            return nil
        }
        if let origin = Self.origin(of: claimed), allowed(request).contains(origin) { return nil }
        return Refusal(
            origin: claimed,
            message: localized(
                nl: "Deze aanmelding kwam niet van de eigen aanmeldpagina van deze server (maar van \(claimed.isEmpty ? "een naamloze pagina" : claimed)) en werd daarom geweigerd. Open zelf het adres van het dashboard en meld je daar aan.",
                en: "This sign-in did not come from this server's own login page (it came from \(claimed.isEmpty ? "an unnamed page" : claimed)), so it was refused. Open the dashboard's address yourself and sign in there."
            )
        )
    }

    /// The origins the server answers as: its public URL's, and the host the request names, over http or https.
    private func allowed(_ request: Request) -> Set<String> {
        var origins = Set<String>()
        if let publicURL, let origin = Self.origin(of: publicURL.absoluteString) { origins.insert(origin) }
        if let host = request.head.authority?.lowercased(), !host.isEmpty {
            for scheme in ["http", "https"] {
                if let origin = Self.origin(of: "\(scheme)://\(host)") { origins.insert(origin) }
            }
        }
        return origins
    }

    /// `scheme://host[:port]` in lower case, default ports left out; nil for `null` and anything without a host.
    static func origin(of text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let port = components.port.flatMap { ($0 == 80 && scheme == "http") || ($0 == 443 && scheme == "https") ? nil : $0 }
        return "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")"
    }
}
