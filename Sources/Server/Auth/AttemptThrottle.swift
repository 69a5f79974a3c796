import Foundation

/// Slows down guessing: counts failed sign-in attempts (enrolment codes, dashboard logins) per key —
/// a source address, or the code or account aimed at — and refuses a key for a while once it failed
/// too often, doubling the pause each time it happens again.
///
/// A person who mistypes a code a few times never meets it: the default allows 10 failures in 10
/// minutes per key (a success from an address clears its count), then pauses that key for 10 minutes, then 20, 40, … up to a day. The clock is
/// injected so tests control time.
actor AttemptThrottle {
    /// The limits, a ``ServerConfig`` setting.
    struct Policy: Sendable, Equatable {
        /// Failures allowed within ``window`` before a key is paused.
        var maxFailures = 10
        /// How far back failures count.
        var window: TimeInterval = 600
        /// The first pause; each further one is twice the one before.
        var firstPause: TimeInterval = 600
        /// The longest pause.
        var maxPause: TimeInterval = 24 * 3600
    }

    private struct Record {
        var failures: [Date] = []
        var pausedUntil: Date?
        /// How many pauses this key earned (reset once it stayed quiet for a window after the last).
        var pauses = 0
    }

    let policy: Policy
    private let now: @Sendable () -> Date
    private var records: [String: Record] = [:]

    init(policy: Policy, now: @escaping @Sendable () -> Date) {
        self.policy = policy
        self.now = now
    }

    /// Seconds until any of `keys` may try again (rounded up, at least 1), or nil when all may try now.
    func retryAfter(_ keys: [String]) -> Int? {
        let now = self.now()
        let waits = keys.compactMap { key -> TimeInterval? in
            guard let until = records[key]?.pausedUntil, until > now else { return nil }
            return until.timeIntervalSince(now)
        }
        return waits.max().map { max(1, Int($0.rounded(.up))) }
    }

    /// Counts a failed attempt against every key; returns the pause in seconds when one of them is paused by it.
    @discardableResult
    func recordFailure(_ keys: [String]) -> Int? {
        let now = self.now()
        prune(now: now)
        var pause: TimeInterval?
        for key in keys {
            var record = records[key] ?? Record()
            if let until = record.pausedUntil, until <= now, now.timeIntervalSince(until) >= policy.window, record.failures.isEmpty {
                record.pauses = 0
            }
            record.failures = record.failures.filter { now.timeIntervalSince($0) < policy.window } + [now]
            if record.failures.count >= policy.maxFailures {
                let length = min(policy.maxPause, policy.firstPause * pow(2.0, Double(min(record.pauses, 30))))
                record.pausedUntil = now.addingTimeInterval(length)
                record.pauses += 1
                record.failures = []
                pause = max(pause ?? 0, length)
            }
            records[key] = record
        }
        return pause.map { Int($0.rounded(.up)) }
    }

    /// Forgets the failures (not a pause already earned) of keys that just succeeded: a class enrolling
    /// behind one address, where a few mistype their code, is not paused by the sum of their typos.
    func recordSuccess(_ keys: [String]) {
        for key in keys where records[key] != nil {
            records[key]?.failures = []
        }
    }

    /// Forgets keys with nothing left to remember, so the table stays small.
    private func prune(now: Date) {
        guard records.count > 10_000 else { return }
        records = records.filter { _, record in
            if let until = record.pausedUntil, now.timeIntervalSince(until) < policy.window { return true }
            return record.failures.contains { now.timeIntervalSince($0) < policy.window }
        }
    }
}
