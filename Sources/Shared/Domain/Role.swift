import Foundation

/// What a person may do.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Works assigned municipalities on a laptop.
    case interviewer
    /// Sets up and steers fieldwork, reviews interviews, resolves conflicts.
    case coordinator
    /// Exports the dataset.
    case researcher
    /// Everything, including personal data in exports.
    case admin

    /// Whether this role may edit any interview and manage fieldwork.
    public var canCoordinate: Bool { self == .coordinator || self == .admin }
}
