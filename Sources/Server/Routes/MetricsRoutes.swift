import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// `GET /metrics`: the server's counters in Prometheus's text format.
///
/// Request rates and timings say how busy the study is, so a stranger gets nothing: the scraper asks
/// from this machine (a Prometheus or node agent beside the server, not through a proxy), or sends a
/// coordinator's or admin's token (`authorization: {type: Bearer}` in Prometheus's scrape config).
struct MetricsRoutes {
    let metrics: ServerMetrics
    let sources: SourceAddress

    func register(on router: Router<AppRequestContext>) {
        router.get("/metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        if !isLocalScraper(request, context: context) { _ = try context.requireCoordinator() }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
        )
    }

    /// A request from a loopback address that came through no proxy (a proxy's clients are elsewhere; one
    /// on this machine that is not configured as trusted still says so in `X-Forwarded-For`).
    private func isLocalScraper(_ request: Request, context: AppRequestContext) -> Bool {
        guard !sources.peerIsTrusted(context), request.headers[HTTPField.Name("X-Forwarded-For")!] == nil else { return false }
        let peer = SourceAddress.peer(context)
        return peer == "::1" || peer.hasPrefix("127.")
    }
}
