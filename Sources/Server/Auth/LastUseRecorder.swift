import Foundation
import Synchronization

/// Decides when a credential's last use is worth writing down: at most once per `interval` per credential.
///
/// Last use is for people ("was this laptop used this month?"), so to the minute is enough, and the
/// hundreds of requests a busy token makes in a minute cost no write at all. Each server process keeps
/// its own marks; the store keeps the newest time any of them wrote.
final class LastUseRecorder: Sendable {
    let interval: TimeInterval
    private let marks = Mutex([String: Date]())
    /// Marks older than this are forgotten, so the table stays as small as the set of active credentials.
    private let limit = 100_000

    init(interval: TimeInterval = 60) {
        self.interval = interval
    }

    /// Whether a use of `key` at `now` should be written; if so, remembers it as written.
    func isDue(_ key: String, now: Date) -> Bool {
        marks.withLock { marks in
            if let last = marks[key], now.timeIntervalSince(last) < interval, now >= last { return false }
            if marks.count >= limit {
                marks = marks.filter { now.timeIntervalSince($0.value) < interval }
            }
            marks[key] = now
            return true
        }
    }
}
