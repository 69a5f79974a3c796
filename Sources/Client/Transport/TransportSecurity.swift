import Foundation
import Shared

/// How the laptop checks whom it talks to: the certificate authority it trusts, the server's pinned
/// public key, and whether plain HTTP to another machine was explicitly allowed.
///
/// Chosen at `veldwerk enrol` (or `veldwerk login`), kept in the profile, applied to every request.
struct TransportSecurity: Codable, Equatable, Sendable {
    /// A PEM file of certificate authorities to trust instead of the system's (a study's private CA).
    var caFile: String?
    /// The server's public key hash; a server presenting another key is refused even with a valid certificate.
    var pin: CertificatePin?
    /// Plain `http://` to a host that is not this machine, which sends names and answers readable by
    /// anyone on the network; only with `--allow-insecure-http`.
    var allowInsecureHTTP = false

    init(caFile: String? = nil, pin: CertificatePin? = nil, allowInsecureHTTP: Bool = false) {
        self.caFile = caFile
        self.pin = pin
        self.allowInsecureHTTP = allowInsecureHTTP
    }

    /// Why a request to `url` must not go out, or nil when it may.
    func refusal(for url: String) -> ClientError? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return .invalidInput("\(url) is not a server address; it must start with https:// (or http:// for this machine).")
        }
        switch scheme {
        case "https":
            return nil
        case "http":
            if pin != nil {
                return .insecureTransport(
                    "This laptop was enrolled with the server's certificate pin, so it talks to the server only over https://, not \(url)."
                )
            }
            if allowInsecureHTTP || Loopback.isHost(components.host ?? "") { return nil }
            let host = components.host ?? url
            return .insecureTransport(localized(
                nl: "Geen gewone http:// naar \(host): namen, e-mailadressen en antwoorden zouden onversleuteld over het netwerk gaan, "
                    + "leesbaar en wijzigbaar voor iedereen onderweg. Gebruik het https://-adres van de server; enkel op een netwerk dat je vertrouwt: "
                    + "--allow-insecure-http.",
                en: "Refusing plain http:// to \(host): names, e-mail addresses and answers would cross the network unencrypted, "
                    + "readable and changeable by anyone on the way. Use the server's https:// address; only on a network you trust, "
                    + "pass --allow-insecure-http."
            ))
        default:
            return .invalidInput(localized(
                nl: "\(url) is geen serveradres; het begint met https:// (of http:// voor deze machine).",
                en: "\(url) is not a server address; it must start with https:// (or http:// for this machine)."
            ))
        }
    }
}
