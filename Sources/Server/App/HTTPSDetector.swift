import Foundation
import Hummingbird

/// Whether a request reached the server over HTTPS: the server serves TLS itself, its configured public
/// URL is https, or a trusted proxy says so with `X-Forwarded-Proto: https`. A client's own
/// `X-Forwarded-Proto` counts for nothing. Decides the dashboard cookie's `Secure` and HSTS.
struct HTTPSDetector: Sendable {
    let config: ServerConfig
    let sources: SourceAddress

    init(_ config: ServerConfig) {
        self.config = config
        self.sources = SourceAddress(trustedProxies: config.trustedProxies)
    }

    func isHTTPS(_ request: Request, context: AppRequestContext) -> Bool {
        if config.tls != nil { return true }
        if let publicURL = config.publicURL { return publicURL.scheme?.lowercased() == "https" }
        return request.uri.scheme?.rawValue == "https" || sources.forwardedHTTPS(request, context: context)
    }
}
