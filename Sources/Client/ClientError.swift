import Foundation

/// What went wrong, in words that say what to do next.
enum ClientError: Error, CustomStringConvertible, Equatable {
    case notEnrolled
    case alreadyEnrolled
    case server(status: Int, code: String, message: String)
    case transport(String)
    /// The server could not be reached during a sync: the laptop's work waits in its outbox.
    case offline(String)
    case badResponse(String)
    case unknownInterview(String)
    case notAssigned(String)
    case noQuestionnaire
    case invalidInput(String)
    /// A request that would go out unprotected (plain HTTP to another machine), refused before sending.
    case insecureTransport(String)
    /// The server's certificate could not be checked, or it is not the pinned one.
    case untrustedServer(String)
    /// The passphrase does not open this profile's key.
    case wrongPassphrase
    /// A personal value must be sealed or opened and no passphrase can be asked for.
    case passphraseNeeded
    /// The server revoked this laptop; its study data has been removed (the sentence was printed already).
    case revoked

    var description: String {
        switch self {
        case .notEnrolled:
            return "This laptop is not enrolled yet. Run `veldwerk enrol --server URL --code CODE` with the code from your coordinator."
        case .alreadyEnrolled:
            return "This profile is enrolled already. Use another --home folder for a second profile."
        case .server(let status, _, let message):
            return "The server refused (\(status)): \(message)"
        case .transport(let message):
            return "Could not reach the server: \(message). Check the address and the connection, then try again."
        case .offline(let message):
            return "Could not reach the server: \(message). Your work is saved on this laptop; sync again when you are online."
        case .badResponse(let message):
            return "The server sent an answer this client cannot read (\(message)). Is the URL right, and are client and server the same version?"
        case .unknownInterview(let id):
            return "There is no interview \(id) on this laptop; `veldwerk interviews` lists them."
        case .notAssigned(let nis):
            return "Municipality \(nis) is not assigned to you on this laptop. `veldwerk municipalities` lists yours (sync first if it was just assigned)."
        case .noQuestionnaire:
            return "This laptop has no questionnaire yet. Run `veldwerk sync` once while online."
        case .invalidInput(let message), .insecureTransport(let message):
            return message
        case .untrustedServer(let message):
            return "Not connected: \(message)"
        case .revoked:
            return "This laptop was revoked; its study data has been removed."
        case .wrongPassphrase:
            return "That passphrase does not open this laptop's personal data. Nothing was shown or changed; try again (VELDWERK_PASSPHRASE, if set, holds the wrong one)."
        case .passphraseNeeded:
            return "This needs the passphrase that protects personal data on this laptop: run it in a terminal to be asked, or set VELDWERK_PASSPHRASE (scripts)."
        }
    }

    /// The process exit code scripts can rely on.
    var exitCode: Int32 {
        switch self {
        case .notEnrolled, .alreadyEnrolled: return 3
        case .transport, .offline: return 4
        case .server(let status, _, _) where status == 401 || status == 403: return 5
        case .revoked: return 5
        case .server, .badResponse: return 6
        case .unknownInterview, .notAssigned, .noQuestionnaire, .invalidInput, .insecureTransport: return 2
        case .untrustedServer: return 8
        case .wrongPassphrase, .passphraseNeeded: return 9
        }
    }
}
