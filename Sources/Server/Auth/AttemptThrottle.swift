import Foundation

/// Slows down guessing: counts failed sign-in attempts (enrolment codes, dashboard logins, web-form
/// links) per key — a source address, or the code or account aimed at — and refuses a key for a while
/// once it failed too often, doubling the pause each time it happens again.
///
/// A person who mistypes a code a few times never meets it: the default allows 10 failures in 10
/// minutes per key (a success from an address clears its count), then pauses that key for 10 minutes,
/// then 20, 40, … up to a day. The counts live in the database (``ThrottleStore``), each update in one
/// transaction, so every server node behind a load balancer counts the same failures: a guesser gains
/// nothing by spreading attempts over nodes, or by waiting for a restart. The clock is injected so
/// tests control time.
struct AttemptThrottle: Sendable {
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

    /// What is guarded (`enrol`, `login`, `web-form`): its keys are counted apart from the others'.
    let name: String
    let policy: Policy
    let store: any ThrottleStore
    private let now: @Sendable () -> Date

    init(_ name: String, policy: Policy, store: any ThrottleStore, now: @escaping @Sendable () -> Date) {
        self.name = name
        self.policy = policy
        self.store = store
        self.now = now
    }

    /// The keys as stored: prefixed with the throttle's name.
    private func stored(_ keys: [String]) -> [String] { keys.map { name + "/" + $0 } }

    /// Seconds until any of `keys` may try again (rounded up, at least 1), or nil when all may try now.
    func retryAfter(_ keys: [String]) async throws -> Int? {
        let now = self.now()
        let waits = try await store.throttleRecords(stored(keys)).values.compactMap { record -> TimeInterval? in
            guard let until = record.pausedUntil, until > now else { return nil }
            return until.timeIntervalSince(now)
        }
        return waits.max().map { max(1, Int($0.rounded(.up))) }
    }

    /// Counts a failed attempt against every key; returns the pause in seconds when one of them is paused by it.
    @discardableResult
    func recordFailure(_ keys: [String]) async throws -> Int? {
        let now = self.now()
        let policy = self.policy
        let keys = stored(keys)
        return try await store.updateThrottleRecords(keys, now: now, forgetBefore: now.addingTimeInterval(-(policy.maxPause + policy.window))) { records in
            var pause: TimeInterval?
            for key in keys {
                var record = records[key] ?? ThrottleRecord()
                if let length = record.fail(at: now, policy: policy) { pause = max(pause ?? 0, length) }
                records[key] = record
            }
            return pause.map { Int($0.rounded(.up)) }
        }
    }

    /// Forgets the failures (not a pause already earned) of keys that just succeeded: a class enrolling
    /// behind one address, where a few mistype their code, is not paused by the sum of their typos.
    func recordSuccess(_ keys: [String]) async throws {
        let now = self.now()
        let keys = stored(keys)
        _ = try await store.updateThrottleRecords(keys, now: now, forgetBefore: nil) { records in
            for key in keys where records[key] != nil { records[key]?.failures = [] }
        }
    }
}

/// What the throttle remembers of one key.
struct ThrottleRecord: Codable, Equatable, Sendable {
    /// Failures within the window, oldest first.
    var failures: [Date] = []
    var pausedUntil: Date?
    /// How many pauses this key earned (reset once it stayed quiet for a window after the last).
    var pauses = 0

    /// Counts one failure at `now`; returns the pause it earns, if it earns one.
    mutating func fail(at now: Date, policy: AttemptThrottle.Policy) -> TimeInterval? {
        if let until = pausedUntil, until <= now, now.timeIntervalSince(until) >= policy.window, failures.isEmpty {
            pauses = 0
        }
        failures = failures.filter { now.timeIntervalSince($0) < policy.window } + [now]
        guard failures.count >= policy.maxFailures else { return nil }
        let length = min(policy.maxPause, policy.firstPause * pow(2.0, Double(min(pauses, 30))))
        pausedUntil = now.addingTimeInterval(length)
        pauses += 1
        failures = []
        return length
    }
}

/// Where the throttle's records live: shared by every node of a server.
protocol ThrottleStore: Sendable {
    /// The records of these keys (those never seen are absent).
    func throttleRecords(_ keys: [String]) async throws -> [String: ThrottleRecord]
    /// Reads the records of `keys`, lets `body` change them, and stores them, in one transaction; first
    /// forgets records untouched since `forgetBefore`, so the table stays small.
    func updateThrottleRecords<T: Sendable>(
        _ keys: [String], now: Date, forgetBefore: Date?, _ body: @escaping @Sendable (inout [String: ThrottleRecord]) -> T
    ) async throws -> T
}
