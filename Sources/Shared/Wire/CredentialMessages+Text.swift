import Foundation

extension FieldworkText {
    /// One credential: id, kind, whose, made and last used; never the secret.
    public static func line(_ credential: CredentialInfo) -> String {
        let kind: String
        switch credential.kind {
        case .apiToken: kind = "API token"
        case .device: kind = "laptop \"\(credential.name ?? "?")\""
        case .session: kind = "dashboard session"
        }
        let used = credential.lastUsedAt.map { "last used \(stamp($0))" } ?? "never used"
        let ends = credential.expiresAt.map { "  ends \(stamp($0))" } ?? ""
        let revoked = credential.revokedAt.map { "  REVOKED \(stamp($0))" } ?? ""
        return "\(credential.id)  \(kind)  \(credential.userName) (\(credential.role.rawValue)) [\(credential.user)]  made \(stamp(credential.createdAt))  \(used)\(ends)\(revoked)"
    }

    /// What revoking a credential did, as a sentence.
    public static func revoked(_ credential: CredentialInfo) -> String {
        switch credential.kind {
        case .apiToken: return "Revoked API token \(credential.id) of \(credential.userName); it is refused from now on."
        case .device: return "Revoked laptop \(credential.id) of \(credential.userName); it can no longer sync. Its owner can enrol again with a new code."
        case .session: return "Ended dashboard session \(credential.id) of \(credential.userName); the browser must sign in again."
        }
    }
}
