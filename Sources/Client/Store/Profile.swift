import Foundation
import Shared

/// Who this laptop is for the server: filled in by `veldwerk enrol`.
struct Profile: Codable, Equatable, Sendable {
    var serverURL: String
    var token: String
    var device: DeviceID
    var user: UserID
    var userName: String
    var role: Role
    var lastSyncAt: Date?
    /// Server clock minus laptop clock, in milliseconds, as measured at the last sync.
    var clockOffsetMs: Int64
    /// How requests to the server are checked (CA file, pinned key, plain HTTP allowed), set at enrolment.
    var security: TransportSecurity
}
