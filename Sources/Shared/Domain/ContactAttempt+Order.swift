import Foundation

extension ContactAttempt {
    /// What orders attempts, oldest first: the time of the attempt to the millisecond, then the order
    /// they were logged in, then the id (only two records that are one attempt's copies can get that far).
    ///
    /// The time is ``at`` read as ISO 8601 (with or without fractional seconds, `Z` or an offset).
    /// An attempt whose `at` is missing or is not such a timestamp (a number, a nested object from a
    /// peer that sent garbage) counts at the time it was logged (its ``logged`` clock's wall time),
    /// so a bad value can neither crash the ordering nor move the attempt to an arbitrary place.
    /// Attempts logged within the same millisecond, or given the same `at`, follow the order they
    /// were logged in: the ``logged`` clock is totally ordered and never goes back on one laptop.
    public struct OrderKey: Comparable, Sendable {
        public var milliseconds: Int64
        public var logged: HLC?
        public var id: String

        public static func < (lhs: OrderKey, rhs: OrderKey) -> Bool {
            if lhs.milliseconds != rhs.milliseconds { return lhs.milliseconds < rhs.milliseconds }
            switch (lhs.logged, rhs.logged) {
            case let (left?, right?) where left != right: return left < right
            case (nil, _?): return true
            case (_?, nil): return false
            default: return lhs.id < rhs.id
            }
        }
    }

    /// This attempt's place in time; see ``OrderKey``.
    public var orderKey: OrderKey {
        let milliseconds = at.flatMap(Timestamp.milliseconds) ?? logged?.wall ?? Int64.min
        return OrderKey(milliseconds: milliseconds, logged: logged, id: id.uuidString.lowercased())
    }

    /// Attempts oldest first, the order laptop and server both derive case statuses from.
    public static func chronological(_ attempts: [ContactAttempt]) -> [ContactAttempt] {
        attempts.map { ($0.orderKey, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// `at` as it is written: ISO 8601 in UTC with milliseconds, e.g. `2026-03-02T09:15:04.250Z`.
    public static func atText(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let rest = milliseconds - days * 86_400_000
        let (year, month, day) = Timestamp.civilDate(days: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3_600_000, 2)):\(pad(rest / 60_000 % 60, 2)):"
            + "\(pad(rest / 1000 % 60, 2)).\(pad(rest % 1000, 3))Z"
    }
}
