import Foundation

/// Where fieldwork stands for one sampled municipality.
public enum CaseStatus: String, Codable, Sendable, CaseIterable {
    case notContacted, contacted, appointment, inProgress, completed, refused, unreachable

    /// The status that follows from contact attempts and interviews, unless a coordinator set one.
    ///
    /// A completed interview wins; then a draft interview (in progress); then the latest attempt's
    /// outcome: refused, appointment (or callback) and interviewed map to their statuses, anything
    /// else to contacted.
    public static func derive(attempts: [ContactAttempt], interviews: [Interview], override: CaseStatus? = nil) -> CaseStatus {
        if let override { return override }
        let live = interviews.filter { $0.state != .withdrawn }
        if live.contains(where: { $0.state == .complete }) { return .completed }
        if !live.isEmpty { return .inProgress }
        guard let latest = attempts.max(by: { ($0.at ?? "", $0.id.uuidString) < ($1.at ?? "", $1.id.uuidString) }) else {
            return .notContacted
        }
        switch latest.outcome {
        case .refused: return .refused
        case .appointment: return .appointment
        case .interviewed: return .inProgress
        case .noAnswer, .callback, .wrongContact, .none: return .contacted
        }
    }
}
