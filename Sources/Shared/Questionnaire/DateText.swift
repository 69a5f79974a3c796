import Foundation

/// Dates written `YYYY-MM-DD`, the form answers, the roster and expressions use.
enum DateText {
    /// Whether `text` is a real calendar date written `YYYY-MM-DD`.
    static func isDate(_ text: String) -> Bool {
        civilDate(text) != nil
    }

    /// The year, month and day of a `YYYY-MM-DD` date, or `nil` when it is not a real calendar date.
    static func civilDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy({ ("0"..."9").contains($0) }) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        return (year, month, day)
    }

    /// A time of day `H:MM` or `HH:MM[:SS]` written as `HH:MM[:SS]`, or `nil` when it is not one.
    static func time(_ text: String) -> String? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy { ("0"..."9").contains($0) } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute),
              parts.dropFirst().allSatisfy({ $0.count == 2 })
        else { return nil }
        let pad: (Int) -> String = { $0 < 10 ? "0\($0)" : "\($0)" }
        if parts.count == 3 {
            guard let second = Int(parts[2]), (0...59).contains(second) else { return nil }
            return "\(pad(hour)):\(pad(minute)):\(pad(second))"
        }
        return "\(pad(hour)):\(pad(minute))"
    }

    /// A date and time `YYYY-MM-DD HH:MM` (or with `T`) written `YYYY-MM-DDTHH:MM`, or `nil`.
    static func dateTime(_ text: String) -> String? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2, isDate(String(parts[0])), let time = time(String(parts[1])) else { return nil }
        return "\(parts[0])T\(time)"
    }

    /// `latitude longitude [altitude [accuracy]]` in degrees and metres, numbers separated by spaces
    /// (a comma between them works too), written with single spaces; `nil` when out of range.
    static func geopoint(_ text: String) -> String? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" })
        guard (2...4).contains(parts.count) else { return nil }
        var numbers: [Double] = []
        for part in parts {
            guard let number = Double(part), number.isFinite else { return nil }
            numbers.append(number)
        }
        guard abs(numbers[0]) <= 90, abs(numbers[1]) <= 180, numbers.count < 4 || numbers[3] >= 0 else { return nil }
        return parts.joined(separator: " ")
    }

    /// Days from 1970-01-01 to a civil date (proleptic Gregorian), as ODK converts dates to numbers.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
