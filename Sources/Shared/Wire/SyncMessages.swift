import Foundation

/// `POST /v1/enrol`: a laptop trades a one-time code for a device token.
public struct EnrolRequest: Codable, Equatable, Sendable {
    public var code: String
    public var deviceName: String

    public init(code: String, deviceName: String) {
        self.code = code
        self.deviceName = deviceName
    }
}

public struct EnrolResponse: Codable, Equatable, Sendable {
    public var user: UserSummary
    public var device: DeviceID
    public var token: String
    /// Server time in milliseconds since 1970.
    public var serverTime: Int64

    public init(user: UserSummary, device: DeviceID, token: String, serverTime: Int64) {
        self.user = user
        self.device = device
        self.token = token
        self.serverTime = serverTime
    }
}

/// Who a token belongs to.
public struct UserSummary: Codable, Equatable, Sendable {
    public var id: UserID
    public var name: String
    public var role: Role

    public init(id: UserID, name: String, role: Role) {
        self.id = id
        self.name = name
        self.role = role
    }
}

/// `POST /v1/sync`: push local changes, pull what is new in the scopes the device may read.
public struct SyncRequest: Codable, Equatable, Sendable {
    public var device: DeviceID
    public var push: [Change]
    /// The last log position pulled, per scope (`global`, `municipality:<nis>`). A scope not named starts at 0.
    public var cursors: [String: Int64]
    /// The laptop's clock, milliseconds since 1970, when it sent the request.
    public var clientTime: Int64
    /// The log history the cursors belong to (``SyncResponse/logEpoch`` of the last sync); nil before the first.
    public var logEpoch: String?

    public init(device: DeviceID, push: [Change], cursors: [String: Int64], clientTime: Int64, logEpoch: String? = nil) {
        self.device = device
        self.push = push
        self.cursors = cursors
        self.clientTime = clientTime
        self.logEpoch = logEpoch
    }
}

public struct SyncResponse: Codable, Equatable, Sendable {
    /// Pushed changes the server holds durably (now or from an earlier push): the client may drop them from its outbox.
    public var accepted: [ChangeID]
    /// Pushed changes the server did not merge, each with the reason. The server keeps those it quarantined.
    public var rejected: [Rejection]
    /// Changes new to the device, in log order.
    public var pull: [Change]
    /// The position reached in every scope the device may read; scopes not listed are no longer readable.
    public var cursors: [String: Int64]
    /// More changes wait: sync again with the new cursors.
    public var more: Bool
    /// Server time in milliseconds since 1970 when the response was made.
    public var serverTime: Int64
    /// True when the laptop was revoked: nothing was merged or pulled, its unsent changes wait in the
    /// server's quarantine, and it must delete the study's data. Absent otherwise.
    public var revoked: Bool?
    /// The server's log history. When it differs from the laptop's last one, the server was restored from
    /// a backup: the pull started again from position 0, and the laptop must push every change it made
    /// again, since the server may have lost some it acknowledged. Absent from older servers.
    public var logEpoch: String?

    public init(
        accepted: [ChangeID], rejected: [Rejection], pull: [Change], cursors: [String: Int64], more: Bool, serverTime: Int64, revoked: Bool? = nil,
        logEpoch: String? = nil
    ) {
        self.logEpoch = logEpoch
        self.accepted = accepted
        self.rejected = rejected
        self.pull = pull
        self.cursors = cursors
        self.more = more
        self.serverTime = serverTime
        self.revoked = revoked
    }
}

/// A pushed change the server did not merge.
public struct Rejection: Codable, Equatable, Sendable {
    public enum Code: String, Codable, Sendable {
        /// The change is not valid (unknown question, wrong type, malformed value); it is not stored.
        case invalid
        /// The author may not write this field (``WriteAuthority``), or the change would move a record
        /// to another scope; it is not stored.
        case forbidden
        /// The device no longer holds the scope; the change is kept for a coordinator to accept or discard.
        case quarantined
        /// The change's clock is too far ahead of the server's (see ``ClockSkew``); it is not stored. The
        /// laptop stamps it again with its corrected clock under a new id and sends it in its next round.
        case clockSkew
    }

    public var changeId: ChangeID
    public var code: Code
    public var reason: String

    public init(changeId: ChangeID, code: Code, reason: String) {
        self.changeId = changeId
        self.code = code
        self.reason = reason
    }
}

/// The body of every error response: `{"error": {"code": …, "message": …}}`.
public struct ErrorBody: Codable, Equatable, Sendable {
    public struct Detail: Codable, Equatable, Sendable {
        public var code: String
        public var message: String
        /// The request's id in the server's log (also the `X-Request-Id` header), for a person to quote.
        public var requestId: String?
    }

    public var error: Detail

    public init(code: String, message: String, requestId: String? = nil) {
        self.error = Detail(code: code, message: message, requestId: requestId)
    }
}

/// `PATCH /v1/interviews/{id}`: a coordinator edits fields of an interview on the server.
public struct FieldEditRequest: Codable, Equatable, Sendable {
    /// Field name → new value, e.g. `answers.b_aanpak` → `"netwerk"`. `null` clears the field.
    public var fields: [String: JSONValue]

    public init(fields: [String: JSONValue]) { self.fields = fields }
}

public struct FieldEditResponse: Codable, Equatable, Sendable {
    public var changes: [Change]
    public init(changes: [Change]) { self.changes = changes }
}
