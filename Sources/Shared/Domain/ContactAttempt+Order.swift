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
        let milliseconds = at.flatMap(Self.milliseconds(iso:)) ?? logged?.wall ?? Int64.min
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

    /// Milliseconds since 1970 of an ISO 8601 timestamp `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`;
    /// `nil` for anything else. Fractions beyond milliseconds are cut off.
    public static func milliseconds(iso text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        func isByte(_ index: Int, _ character: Character) -> Bool { bytes[index] == character.asciiValue }
        guard isByte(4, "-"), isByte(7, "-"), isByte(10, "T") || isByte(10, "t"), isByte(13, ":"), isByte(16, ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < bytes.count, isByte(index, ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            guard index > start else { return nil }
            var digits = Array(bytes[start..<min(index, start + 3)])
            while digits.count < 3 { digits.append(48) }
            fraction = digits.reduce(0) { $0 * 10 + Int64($1 - 48) }
        }
        guard index < bytes.count else { return nil }
        var offset: Int64 = 0
        if isByte(index, "Z") || isByte(index, "z") {
            index += 1
        } else if isByte(index, "+") || isByte(index, "-") {
            guard bytes.count == index + 6, isByte(index + 3, ":"), let hours = number(index + 1..<index + 3),
                let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60_000 * (isByte(index, "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        // Days since 1970 from the civil date (Howard Hinnant's algorithm).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + fraction - offset
    }
}
