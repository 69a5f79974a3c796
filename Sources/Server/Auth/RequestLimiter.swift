import Foundation

/// Counts requests per key in fixed one-minute windows and refuses those over the limit: a bound on
/// what one link or one address may ask of the server, whatever it sends.
actor RequestLimiter {
    let perMinute: Int
    private let now: @Sendable () -> Date
    private var windows: [String: (start: Date, count: Int)] = [:]

    init(perMinute: Int, now: @escaping @Sendable () -> Date) {
        self.perMinute = perMinute
        self.now = now
    }

    /// Counts one request for every key; the seconds to wait when any key is over its limit, else nil.
    func admit(_ keys: [String]) -> Int? {
        let time = now()
        if windows.count > 10_000 { windows = windows.filter { time.timeIntervalSince($0.value.start) < 60 } }
        var wait: Int?
        for key in keys {
            var window = windows[key] ?? (time, 0)
            if time.timeIntervalSince(window.start) >= 60 { window = (time, 0) }
            window.count += 1
            windows[key] = window
            if window.count > perMinute {
                wait = max(wait ?? 0, Int(ceil(60 - time.timeIntervalSince(window.start))))
            }
        }
        return wait
    }
}
