import Foundation

/// What `POST /v1/cases/{nis}/invitations` takes.
public struct InvitationRequest: Codable, Sendable {
    public var email: String?
    public var validDays: Int?

    public init(email: String? = nil, validDays: Int? = nil) {
        self.email = email
        self.validDays = validDays
    }
}

/// A new invitation, as the server's route and `veldwerk invite --json` give it: its link (shown once;
/// only a hash of its secret is kept) and the text to send.
public struct CreatedInvitation: Codable, Sendable {
    public var invitation: String
    public var interview: String
    public var municipality: String
    public var link: String
    public var expiresAt: String
    public var text: String

    public init(invitation: String, interview: String, municipality: String, link: String, expiresAt: String, text: String) {
        self.invitation = invitation
        self.interview = interview
        self.municipality = municipality
        self.link = link
        self.expiresAt = expiresAt
        self.text = text
    }
}
