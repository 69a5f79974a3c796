import Shared

/// Who is calling: the person, their role, and the laptop when the token is a device token.
struct Principal: Sendable, Equatable {
    var user: UserID
    var name: String
    var role: Role
    /// The enrolled laptop, for a device token; nil for an API token.
    var device: DeviceID?
}
