import Foundation
import Shared

/// Builds the review queue from a fieldwork snapshot: every interview that is not withdrawn, what it needs next first.
enum ReviewQueueBuilder {
    /// Interviews for review, ordered by what needs a coordinator first, then latest completed first.
    static func items(_ snapshot: FieldworkSnapshot) -> [ReviewItem] {
        let names = snapshot.people.mapValues(\.name)
        var items: [ReviewItem] = []
        for (nis, interviews) in snapshot.interviews {
            let municipalityName = snapshot.roster.current(nis: nis)?.name ?? nis
            for interview in interviews where interview.state != .withdrawn {
                let statuses = interview.flags.values.compactMap { $0.objectValue?["status"]?.stringValue }
                items.append(
                    ReviewItem(
                        id: interview.id.uuidString.lowercased(), municipality: nis, municipalityName: municipalityName, interviewer: interview.interviewer,
                        interviewerName: interview.interviewer.map { names[$0] ?? $0.rawValue }, state: interview.state.rawValue,
                        completedAt: interview.completedAt, reviewStatus: snapshot.reviewStatus(of: interview)?.rawValue,
                        openFlags: statuses.filter { $0 == "open" }.count, answeredFlags: statuses.filter { $0 == "answered" }.count,
                        openConflicts: snapshot.openConflictsByInterview[interview.id.uuidString.lowercased()] ?? 0
                    )
                )
            }
        }
        return items.sorted { (priority($0), $1.completedAt ?? "", $0.id) < (priority($1), $0.completedAt ?? "", $1.id) }
    }

    /// 0: flags answered, to check; 1: complete, not reviewed (or edited after approval); 2: flags open at the interviewer; 3: draft; 4: approved.
    static func priority(_ item: ReviewItem) -> Int {
        if item.answeredFlags > 0 { return 0 }
        if isAwaitingReview(item) { return 1 }
        if item.openFlags > 0 { return 2 }
        if item.reviewStatus == ReviewStatus.approved.rawValue { return 4 }
        return 3
    }

    /// What the coordinator does next, in words.
    static func task(_ item: ReviewItem) -> String {
        switch priority(item) {
        case 0:
            return localized(
                nl: "Bekijk het antwoord van de interviewer op \(item.answeredFlags == 1 ? "een markering" : "\(item.answeredFlags) markeringen")",
                en: "Check the interviewer's answer to \(item.answeredFlags == 1 ? "a flag" : "\(item.answeredFlags) flags")"
            )
        case 1:
            let conflicts = item.openConflicts ?? 0
            if conflicts > 0 {
                return localized(
                    nl: "Los \(conflicts == 1 ? "het open conflict" : "\(conflicts) open conflicten") op, beoordeel dan",
                    en: "Resolve \(conflicts == 1 ? "the open conflict" : "\(conflicts) open conflicts"), then review"
                )
            }
            return item.reviewStatus == ReviewStatus.editedAfterApproval.rawValue
                ? localized(
                    nl: "Gewijzigd na goedkeuring: bekijk de wijzigingen en keur opnieuw goed of markeer",
                    en: "Edited after approval: review the changes and approve again or flag"
                )
                : localized(nl: "Beoordeel en keur goed of markeer", en: "Review and approve or flag")
        case 2: return localized(nl: "Wacht op de interviewer", en: "Waiting for the interviewer")
        case 4: return localized(nl: "Klaar", en: "Done")
        default:
            return item.state == Interview.State.complete.rawValue
                ? localized(nl: "Keur goed als de markeringen afgehandeld zijn", en: "Approve when the flags are settled")
                : localized(nl: "Interview nog niet afgerond", en: "Interview not complete yet")
        }
    }

    /// The values `show` takes; `todo` (the default) is what needs a coordinator now.
    static let shows = ["todo", "pending", "edited", "answered", "flagged", "approved", "all"]

    /// Complete and not reviewed yet, or edited after its approval: a coordinator's to look at.
    static func isAwaitingReview(_ item: ReviewItem) -> Bool {
        item.state == Interview.State.complete.rawValue
            && (item.reviewStatus == nil || item.reviewStatus == ReviewStatus.editedAfterApproval.rawValue)
    }

    /// Whether an item belongs under a filter: `todo`, `pending` (awaiting review, edited after approval included),
    /// `edited` (edited after approval), `answered`, `flagged`, `approved`, `all`.
    static func matches(_ item: ReviewItem, show: String) -> Bool {
        switch show {
        case "pending": return isAwaitingReview(item)
        case "edited": return item.reviewStatus == ReviewStatus.editedAfterApproval.rawValue
        case "answered": return item.answeredFlags > 0
        case "flagged": return item.openFlags > 0
        case "approved": return item.reviewStatus == ReviewStatus.approved.rawValue
        case "all": return true
        default: return priority(item) <= 1
        }
    }
}
