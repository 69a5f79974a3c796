import Shared

/// Who may revoke whose credentials: the one set of checks behind the API and both `admin` front ends.
///
/// An admin may revoke anyone's. A coordinator may revoke interviewers' and researchers' credentials
/// and their own (not another coordinator's or an admin's). Nobody below coordinator may revoke or list.
enum CredentialPolicy {
    /// Throws 403 unless `actor` may revoke a credential of `owner` (whose role is `ownerRole`).
    static func checkRevoke(by actor: Principal, owner: UserID, ownerName: String, ownerRole: Role) throws {
        switch actor.role {
        case .admin:
            return
        case .coordinator:
            if owner == actor.user || ownerRole == .interviewer || ownerRole == .researcher { return }
            throw APIError.forbidden(
                "\(ownerName) is a \(ownerRole.rawValue); a coordinator may revoke interviewers', researchers' and their own credentials. Ask an admin."
            )
        case .interviewer, .researcher:
            throw APIError.forbidden("Only a coordinator or admin may revoke credentials; you are signed in as \(actor.role.rawValue).")
        }
    }
}
