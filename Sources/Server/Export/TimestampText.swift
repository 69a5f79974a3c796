import Shared

/// Reads the ISO 8601 dates and timestamps interviews store, without a formatter per value.
enum TimestampText {
    /// Seconds since 1970-01-01T00:00:00Z of `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`,
    /// `±HH:MM` or no zone (read as UTC); `nil` when the text is not one.
    static func unixSeconds(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == 45, bytes[7] == 45,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(Timestamp.days(year: Int64(year), month: Int64(month), day: Int64(day))) * 86_400
        guard bytes.count > 10 else { return seconds }
        guard bytes[10] == 84 || bytes[10] == 32, let hour = number(11..<13), bytes.count >= 16, bytes[13] == 58, let minute = number(14..<16) else {
            return nil
        }
        seconds += Double(hour * 3600 + minute * 60)
        var index = 16
        if index < bytes.count, bytes[index] == 58 {
            guard let second = number(17..<19) else { return nil }
            seconds += Double(second)
            index = 19
            if index < bytes.count, bytes[index] == 46 || bytes[index] == 44 {
                index += 1
                var scale = 0.1
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    seconds += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
            }
        }
        guard index < bytes.count else { return seconds }
        switch bytes[index] {
        case 90 where index + 1 == bytes.count:  // Z
            return seconds
        case 43, 45:  // + or -
            guard let offsetHours = number((index + 1)..<(index + 3)) else { return nil }
            var offsetMinutes = 0
            if index + 3 < bytes.count {
                let start = bytes[index + 3] == 58 ? index + 4 : index + 3
                guard let minutes = number(start..<(start + 2)), start + 2 == bytes.count else { return nil }
                offsetMinutes = minutes
            }
            let offset = Double(offsetHours * 3600 + offsetMinutes * 60)
            return bytes[index] == 43 ? seconds - offset : seconds + offset
        default:
            return nil
        }
    }

    /// Whether `text` is a real calendar date written `YYYY-MM-DD`.
    static func isDate(_ text: String) -> Bool {
        guard text.utf8.count == 10, let seconds = unixSeconds(text) else { return false }
        // A day past the month's end (2024-02-30) rolls over; a real date reads back the same.
        let days = Int((seconds / 86_400).rounded(.down))
        return civil(days: days) == text
    }

    /// `YYYY-MM-DD` of a day counted from 1970-01-01.
    static func civil(days: Int) -> String {
        let (year, month, day) = Timestamp.civilDate(days: Int64(days))
        let pad: (Int64) -> String = { $0 < 10 ? "0\($0)" : "\($0)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }
}
