import Foundation
import Shared

/// Words and CSS classes the dashboard uses for statuses and times.
enum DisplayText {
    /// "Niet gecontacteerd", "Not contacted", …
    static func label(_ status: CaseStatus) -> String {
        status.words.capitalisedFirst
    }

    /// The badge class of a status (`badge-completed`, …).
    static func badge(_ status: CaseStatus) -> String {
        "badge-" + status.rawValue.lowercased()
    }

    /// The order statuses are listed in: open work first, finished last.
    static func rank(_ status: CaseStatus) -> Int {
        switch status {
        case .appointment: return 0
        case .inProgress: return 1
        case .contacted: return 2
        case .notContacted: return 3
        case .completed: return 4
        case .refused: return 5
        case .unreachable: return 6
        }
    }

    /// Words for a contact outcome ("Geen antwoord", "No answer", …), or a dash.
    static func label(_ outcome: ContactAttempt.Outcome?) -> String {
        outcome?.words.capitalisedFirst ?? "—"
    }

    /// An ISO 8601 time as `2024-11-05 14:03` (UTC as recorded), or the text unchanged.
    static func time(_ iso: String?) -> String {
        guard let iso, !iso.isEmpty else { return "—" }
        guard iso.count >= 16, iso.dropFirst(10).first == "T" else { return iso }
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5))
    }

    /// The clock time of a change, as `2024-11-05 14:03`.
    static func time(_ hlc: HLC) -> String {
        time(ProgressCalculator.isoTime(Date(timeIntervalSince1970: Double(hlc.wall) / 1000)))
    }

    /// A review status in words (`edited after approval`), or `not reviewed`.
    static func review(_ status: ReviewStatus?) -> String {
        ReviewStatus.words(status)
    }

    /// A flag or review status as a badge class.
    static func reviewBadge(_ status: String?) -> String {
        switch status {
        case "approved", "resolved": return "badge-completed"
        case "answered", ReviewStatus.editedAfterApproval.rawValue: return "badge-appointment"
        case "flagged", "open": return "badge-refused"
        default: return "badge-notcontacted"
        }
    }

    /// Percent-encodes a query value.
    static func query(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// One `<option>` of a filter.
struct SelectOption: Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// The frame every signed-in page shares: title, who is signed in, the logout form's token, which tab is active.
struct PageChrome: Sendable {
    var title: String
    var signedIn: Bool
    var userName: String
    var csrf: String
    var onOverview = false
    var onMunicipalities = false
    var onReview = false
    var onConflicts = false
    var onDownloads = false
    /// Signed in as a researcher: the downloads are all the dashboard offers.
    var researcher = false
    /// A short message after an action ("Interview approved.").
    var notice: String?
}

extension String {
    /// The text with its first letter in capitals: "niet gecontacteerd" → "Niet gecontacteerd".
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
