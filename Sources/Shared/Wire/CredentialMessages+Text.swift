import Foundation
import Shared

extension FieldworkText {
    /// One credential: id, kind, whose, made and last used; never the secret.
    public static func line(_ credential: CredentialInfo) -> String {
        let kind: String
        switch credential.kind {
        case .apiToken: kind = localized(nl: "API-token", en: "API token")
        case .device: kind = "laptop \"\(credential.name ?? "?")\""
        case .session: kind = localized(nl: "dashboardsessie", en: "dashboard session")
        }
        let used = credential.lastUsedAt.map { localized(nl: "laatst gebruikt ", en: "last used ") + stamp($0) }
            ?? localized(nl: "nooit gebruikt", en: "never used")
        let ends = credential.expiresAt.map { localized(nl: "  verloopt ", en: "  ends ") + stamp($0) } ?? ""
        let revoked = credential.revokedAt.map { localized(nl: "  INGETROKKEN ", en: "  REVOKED ") + stamp($0) } ?? ""
        let made = localized(nl: "gemaakt ", en: "made ") + stamp(credential.createdAt)
        return "\(credential.id)  \(kind)  \(credential.userName) (\(credential.role.words)) [\(credential.user)]  \(made)  \(used)\(ends)\(revoked)"
    }

    /// What revoking a credential did, as a sentence.
    public static func revoked(_ credential: CredentialInfo) -> String {
        switch credential.kind {
        case .apiToken:
            return localized(
                nl: "API-token \(credential.id) van \(credential.userName) ingetrokken; het wordt voortaan geweigerd.",
                en: "Revoked API token \(credential.id) of \(credential.userName); it is refused from now on."
            )
        case .device:
            return localized(
                nl: "Laptop \(credential.id) van \(credential.userName) ingetrokken; hij kan niet meer synchroniseren. De eigenaar kan zich opnieuw aanmelden met een nieuwe code.",
                en: "Revoked laptop \(credential.id) of \(credential.userName); it can no longer sync. Its owner can enrol again with a new code."
            )
        case .session:
            return localized(
                nl: "Dashboardsessie \(credential.id) van \(credential.userName) beëindigd; de browser moet opnieuw aanmelden.",
                en: "Ended dashboard session \(credential.id) of \(credential.userName); the browser must sign in again."
            )
        }
    }
}
