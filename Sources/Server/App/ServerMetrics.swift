import Foundation
import Prometheus

/// What the server counts and times for `GET /metrics`, in Prometheus's text format.
///
/// One registry per running server (not the process-wide `MetricsSystem`), so servers started side by
/// side in one test process each count only their own requests. Labels are bounded: routes are the
/// router's templates (`/v1/interviews/{id}`), never the requested path, so a stranger requesting
/// random paths cannot grow the registry (every unmatched path is `NotFound`), and no token in a path
/// (`/s/{token}`) reaches the metrics.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    /// Seconds from a request's head to its response's last byte, per route, method and status.
    func requestDuration(route: String, method: String, status: Int) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "veldwerk", metricName: "http_request_duration", unitName: "seconds",
                helpText: "Time from a request's head to the end of its response, per route template, method and status."
            ),
            labels: [("route", route), ("method", method), ("status", String(status))],
            buckets: Self.latencyBuckets
        )
    }

    /// Sync requests that pushed at least one change.
    let pushes: Counter
    /// Pushed changes merged into the log (a retried change that was stored before is not counted).
    let changesMerged: Counter
    /// Pushed changes refused or quarantined.
    let changesRejected: Counter
    /// Versions of a field that lost the merge to a concurrent one and were kept for review.
    let conflictsKept: Counter
    /// Writes that shared one transaction (one commit, one fsync) in the group commit.
    let groupCommitSize: ValueHistogram
    /// Seconds a write waited for the database writer (from its arrival until its group's transaction began).
    let databaseWait: DurationHistogram
    /// Connections open now (HTTP keep-alive connections included).
    let openConnections: Gauge

    init() {
        pushes = registry.makeCounter(descriptor: .init(
            namespace: "veldwerk", metricName: "pushes", unitName: "total", helpText: "Sync requests that pushed at least one change."
        ))
        changesMerged = registry.makeCounter(descriptor: .init(
            namespace: "veldwerk", metricName: "changes_merged", unitName: "total", helpText: "Pushed changes newly merged into the log."
        ))
        changesRejected = registry.makeCounter(descriptor: .init(
            namespace: "veldwerk", metricName: "changes_rejected", unitName: "total", helpText: "Pushed changes refused or quarantined."
        ))
        conflictsKept = registry.makeCounter(descriptor: .init(
            namespace: "veldwerk", metricName: "conflicts_kept", unitName: "total",
            helpText: "Field versions that lost the merge to a concurrent version and were kept for review."
        ))
        groupCommitSize = registry.makeValueHistogram(
            descriptor: .init(namespace: "veldwerk", metricName: "group_commit_size", unitName: "", helpText: "Writes that shared one database transaction."),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256]
        )
        databaseWait = registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "veldwerk", metricName: "database_wait", unitName: "seconds",
                helpText: "Time a write waited for the database writer before its transaction began."
            ),
            buckets: Self.latencyBuckets
        )
        openConnections = registry.makeGauge(descriptor: .init(
            namespace: "veldwerk", metricName: "open_connections", unitName: "", helpText: "Connections open now."
        ))
    }

    /// Counts what one push did.
    func record(push: PushResult, size: Int) {
        guard size > 0 else { return }
        pushes.increment()
        changesMerged.increment(by: Int64(push.merged))
        changesRejected.increment(by: Int64(push.rejected.count))
        conflictsKept.increment(by: Int64(push.conflictsKept))
    }

    /// Every metric in Prometheus's text exposition format (version 0.0.4).
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
}
