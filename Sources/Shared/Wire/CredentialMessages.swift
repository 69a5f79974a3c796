import Foundation

/// A credential as coordinators see it: an API token, a laptop's device token or a dashboard session.
///
/// Never carries the secret; `id` is a reference to revoke it by (`t-…` for an API token, the
/// device id for a laptop, `s-…` for a dashboard session).
public struct CredentialInfo: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A person's API token (from `create-user` or a user import).
        case apiToken
        /// A laptop's token (from an enrolment).
        case device
        /// A signed-in dashboard session.
        case session
    }

    public var id: String
    public var kind: Kind
    public var user: UserID
    public var userName: String
    public var role: Role
    /// The laptop's name, for a device token.
    public var name: String?
    public var createdAt: Date
    /// When it was last used, to the minute (nil: never since it was made).
    public var lastUsedAt: Date?
    /// When a dashboard session ends by itself.
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, kind: Kind, user: UserID, userName: String, role: Role, name: String? = nil, createdAt: Date, lastUsedAt: Date? = nil,
        expiresAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.user = user
        self.userName = userName
        self.role = role
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
