import HTTPTypes
import Hummingbird
import NIOCore

/// Where a request comes from, for throttling and logs, and whether it reached the server over HTTPS.
///
/// The connection's remote address, unless that is one of the configured trusted proxies: then the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy. Anyone can write those
/// headers, so from any other peer they are ignored.
struct SourceAddress {
    let trustedProxies: Set<String>

    init(trustedProxies: [String]) {
        self.trustedProxies = Set(trustedProxies.map { Self.normalised($0) })
    }

    /// The connecting peer's IP address as text ("unknown" when there is none, e.g. in some tests).
    static func peer(_ context: AppRequestContext) -> String {
        guard let address = context.remoteAddress else { return "unknown" }
        return address.ipAddress.map(normalised) ?? address.pathname ?? "unknown"
    }

    /// Whether the connecting peer is a trusted proxy.
    func peerIsTrusted(_ context: AppRequestContext) -> Bool {
        !trustedProxies.isEmpty && trustedProxies.contains(Self.peer(context))
    }

    /// The client's address: the peer, or what a trusted proxy says it forwarded for.
    func client(_ request: Request, context: AppRequestContext) -> String {
        let peer = Self.peer(context)
        guard peerIsTrusted(context), let name = HTTPField.Name("X-Forwarded-For") else { return peer }
        let hops = request.headers[values: name].flatMap { $0.split(separator: ",") }.map { Self.normalised(String($0)) }.filter { !$0.isEmpty }
        // The rightmost hops were added by our own proxies; the first one that is not ours is the client.
        return hops.reversed().first { !trustedProxies.contains($0) } ?? peer
    }

    /// Whether a trusted proxy says the browser reached it over HTTPS.
    func forwardedHTTPS(_ request: Request, context: AppRequestContext) -> Bool {
        guard peerIsTrusted(context), let name = HTTPField.Name("X-Forwarded-Proto") else { return false }
        return request.headers[name]?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    /// `::ffff:10.0.0.1` and `10.0.0.1` are one address; spaces and case do not matter.
    static func normalised(_ address: String) -> String {
        let trimmed = address.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.hasPrefix("::ffff:") && trimmed.contains(".") ? String(trimmed.dropFirst(7)) : trimmed
    }
}
