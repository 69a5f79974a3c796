import Foundation

/// Where fieldwork stands for one sampled municipality.
public enum CaseStatus: String, Codable, Sendable, CaseIterable {
    case notContacted, contacted, appointment, inProgress, completed, refused, unreachable

    /// How many attempts in a row without reaching anyone make a case unreachable.
    public static let unreachableAfter = 5

    /// The status that follows from contact attempts and interviews, unless a coordinator set one.
    ///
    /// A completed interview wins; then a draft interview (in progress); then the latest attempt's
    /// outcome: refused, appointment (or callback) and interviewed map to their statuses, anything
    /// else to contacted, except that ``unreachableAfter`` attempts in a row without reaching anyone
    /// (no-answer, wrong-contact) make the case unreachable. Attempts are ordered by
    /// ``ContactAttempt/chronological(_:)``: by time, then in the order they were logged, so the
    /// laptop and the server, calling this same function on the same merged log, agree.
    public static func derive(attempts: [ContactAttempt], interviews: [Interview], override: CaseStatus? = nil) -> CaseStatus {
        if let override { return override }
        let live = interviews.filter { $0.state != .withdrawn }
        if live.contains(where: { $0.state == .complete }) { return .completed }
        if !live.isEmpty { return .inProgress }
        let ordered = ContactAttempt.chronological(attempts)
        guard let latest = ordered.last else { return .notContacted }
        let recent = ordered.suffix(unreachableAfter)
        if recent.count == unreachableAfter, recent.allSatisfy({ $0.outcome == .noAnswer || $0.outcome == .wrongContact }) {
            return .unreachable
        }
        switch latest.outcome {
        case .refused: return .refused
        case .appointment: return .appointment
        case .interviewed: return .inProgress
        case .noAnswer, .callback, .wrongContact, .none: return .contacted
        }
    }
}
