import Foundation
import Shared

/// What went wrong, in words that say what to do next.
enum ClientError: Error, CustomStringConvertible, Equatable {
    case notEnrolled
    case alreadyEnrolled
    /// The server refused; `requestID` is its log's id for the request (quoted to whoever runs the server).
    case server(status: Int, code: String, message: String, requestID: String? = nil)
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
            return localized(
                nl: "Deze laptop is nog niet aangemeld. Voer `veldwerk enrol --server URL --code CODE` uit met de code van je coördinator.",
                en: "This laptop is not enrolled yet. Run `veldwerk enrol --server URL --code CODE` with the code from your coordinator."
            )
        case .alreadyEnrolled:
            return localized(
                nl: "Dit profiel is al aangemeld. Gebruik een andere --home-map voor een tweede profiel.",
                en: "This profile is enrolled already. Use another --home folder for a second profile."
            )
        case .server(let status, _, let message, let requestID):
            let refused = localized(nl: "De server weigerde (\(status)): \(message)", en: "The server refused (\(status)): \(message)")
            guard let requestID, status >= 500 || status == 400 else { return refused }
            // A failure the person cannot fix themselves: the id lets the operator find it in the server's log.
            return refused + localized(
                nl: " (verzoek-id \(requestID): geef dit door aan wie de server beheert)",
                en: " (request id \(requestID): pass it on to whoever runs the server)"
            )
        case .transport(let message):
            return localized(
                nl: "De server is niet bereikbaar: \(message). Controleer het adres en de verbinding en probeer opnieuw.",
                en: "Could not reach the server: \(message). Check the address and the connection, then try again."
            )
        case .offline(let message):
            return localized(
                nl: "De server is niet bereikbaar: \(message). Je werk is bewaard op deze laptop; synchroniseer opnieuw als je online bent.",
                en: "Could not reach the server: \(message). Your work is saved on this laptop; sync again when you are online."
            )
        case .badResponse(let message):
            return localized(
                nl: "De server stuurde een antwoord dat dit programma niet kan lezen (\(message)). Klopt het adres, en hebben programma en server dezelfde versie?",
                en: "The server sent an answer this client cannot read (\(message)). Is the URL right, and are client and server the same version?"
            )
        case .unknownInterview(let id):
            return localized(
                nl: "Er is geen interview \(id) op deze laptop; `veldwerk interviews` toont ze.",
                en: "There is no interview \(id) on this laptop; `veldwerk interviews` lists them."
            )
        case .notAssigned(let nis):
            return localized(
                nl: "Gemeente \(nis) is op deze laptop niet aan jou toegewezen. `veldwerk municipalities` toont de jouwe (synchroniseer eerst als ze net werd toegewezen).",
                en: "Municipality \(nis) is not assigned to you on this laptop. `veldwerk municipalities` lists yours (sync first if it was just assigned)."
            )
        case .noQuestionnaire:
            return localized(
                nl: "Deze laptop heeft nog geen vragenlijst. Voer één keer `veldwerk sync` uit terwijl je online bent.",
                en: "This laptop has no questionnaire yet. Run `veldwerk sync` once while online."
            )
        case .invalidInput(let message), .insecureTransport(let message):
            return message
        case .untrustedServer(let message):
            return localized(nl: "Geen verbinding: ", en: "Not connected: ") + message
        case .revoked:
            return localized(
                nl: "Deze laptop werd ingetrokken; de gegevens van de studie werden verwijderd.", en: "This laptop was revoked; its study data has been removed."
            )
        case .wrongPassphrase:
            return localized(
                nl: "Die wachtzin opent de persoonsgegevens op deze laptop niet. Er werd niets getoond of gewijzigd; probeer opnieuw (VELDWERK_PASSPHRASE, als die gezet is, bevat de verkeerde).",
                en: "That passphrase does not open this laptop's personal data. Nothing was shown or changed; try again (VELDWERK_PASSPHRASE, if set, holds the wrong one)."
            )
        case .passphraseNeeded:
            return localized(
                nl: "Hiervoor is de wachtzin nodig die de persoonsgegevens op deze laptop beschermt: voer het uit in een terminal om ernaar gevraagd te worden, of zet VELDWERK_PASSPHRASE (scripts).",
                en: "This needs the passphrase that protects personal data on this laptop: run it in a terminal to be asked, or set VELDWERK_PASSPHRASE (scripts)."
            )
        }
    }

    /// The process exit code scripts can rely on.
    var exitCode: Int32 {
        switch self {
        case .notEnrolled, .alreadyEnrolled: return 3
        case .transport, .offline: return 4
        case .server(let status, _, _, _) where status == 401 || status == 403: return 5
        case .revoked: return 5
        case .server, .badResponse: return 6
        case .unknownInterview, .notAssigned, .noQuestionnaire, .invalidInput, .insecureTransport: return 2
        case .untrustedServer: return 8
        case .wrongPassphrase, .passphraseNeeded: return 9
        }
    }
}

extension ClientError {
    /// The error a non-2xx answer stands for: the server's `{"error": …}` body, or the bare status.
    static func refusal(status: Int, body: Data) -> ClientError {
        guard let error = try? JSONDecoder().decode(ErrorBody.self, from: body) else {
            return .server(status: status, code: "http_\(status)", message: "HTTP \(status) without an explanation")
        }
        return .server(status: status, code: error.error.code, message: error.error.message, requestID: error.error.requestId)
    }
}
