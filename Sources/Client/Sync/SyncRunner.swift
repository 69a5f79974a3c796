import Foundation
import Shared

/// Carries out a ``SyncSession`` against the store and the server.
struct SyncRunner {
    let store: ClientStore
    let api: APIClient
    var pushLimit = 500
    /// Called after each round with the running totals (for a progress bar).
    var onRound: (SyncSession.Summary) -> Void = { _ in }
    /// The laptop's wall clock, uncorrected; injected so tests can set it a day ahead.
    var now: () -> Date = { Date() }

    /// Syncs until nothing waits and nothing more is to pull; returns the totals.
    func run() async throws -> SyncSession.Summary {
        let profile = try store.requireProfile()
        var session = SyncSession(pushLimit: pushLimit)
        var action = session.handle(.start(outboxCount: try store.outboxCount()))
        var revoked = false
        while true {
            switch action {
            case .finish(var summary):
                summary.revoked = revoked
                return summary
            case .fail(var summary):
                summary.revoked = revoked
                if revoked { return summary }
                if summary.rejected > 0 || summary.waiting > 0 {
                    throw ClientError.badResponse("the sync stopped making progress with \(summary.waiting) changes waiting")
                }
                return summary
            case .sendRound(let limit):
                let batch = try store.outbox(limit: limit)
                let sentAt = now()
                let request = SyncRequest(
                    device: profile.device, push: batch, cursors: try store.cursors(), clientTime: sentAt.millisecondsSince1970,
                    logEpoch: try store.logEpoch()
                )
                let response: SyncResponse
                do {
                    response = try await api.sync(request)
                } catch ClientError.server(status: 503, code: "push_too_slow", _, _) where batch.count > 1 {
                    action = session.handle(.pushTooSlow(pushed: batch.count))
                    continue
                } catch {
                    _ = session.handle(.transportFailed)
                    throw error
                }
                let receivedAt = now()
                let midpoint = (sentAt.millisecondsSince1970 + receivedAt.millisecondsSince1970) / 2
                if response.revoked == true {
                    // The last contact: nothing merged or pulled; the unsent changes the server now holds leave the outbox.
                    revoked = true
                    try store.handOver(response)
                } else {
                    try store.commit(response, clockOffsetMs: response.serverTime - midpoint, now: receivedAt)
                }
                action = session.handle(
                    .committed(
                        pushed: batch.count, acknowledged: response.accepted.count,
                        rejected: response.rejected.count { $0.code != .clockSkew }, pulled: response.pull.count, more: response.more,
                        outboxCount: try store.outboxCount(), restamped: response.rejected.count { $0.code == .clockSkew }
                    )
                )
                onRound(session.summary)
            }
        }
    }
}
