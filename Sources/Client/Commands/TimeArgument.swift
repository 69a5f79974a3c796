import Foundation
import Shared

/// A point in time typed on the command line.
///
/// Accepts `now`, an ISO 8601 time with a zone (`2025-01-14T10:30:00Z`, `2025-01-14T10:30+01:00`),
/// or a local time `2025-01-14 10:30` / `2025-01-14T10:30` / `2025-01-14` (midnight). Stored as UTC ISO 8601.
enum TimeArgument {
    static func parse(_ text: String, now: Date = Date(), timeZone: TimeZone = .current) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "now" { return now }
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: trimmed) { return date }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: trimmed) { return date }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = timeZone
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd"] {
            local.dateFormat = format
            if let date = local.date(from: trimmed) { return date }
        }
        return nil
    }

    static var help: String {
        localized(
            nl: "now, 2025-01-14 10:30 (lokale tijd) of ISO 8601 (2025-01-14T09:30:00Z)",
            en: "now, 2025-01-14 10:30 (local time) or ISO 8601 (2025-01-14T09:30:00Z)"
        )
    }

    /// An ISO time shown in local time, e.g. `2025-01-14 10:30`.
    static func local(_ iso: String?) -> String {
        guard let iso, let milliseconds = Timestamp.milliseconds(iso) else { return iso ?? "—" }
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
