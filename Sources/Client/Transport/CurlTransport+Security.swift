import CCurl
import Foundation
import Shared

extension CurlTransport {
    /// The options that make a transfer check whom it talks to: certificates always verified (libcurl's
    /// default, never turned off), TLS 1.2 at least, the profile's CA file or else the environment's,
    /// the pinned public key, and only http and https (no redirect to another protocol).
    func securityOptions(_ handle: UnsafeMutableRawPointer) -> [CURLcode] {
        var options = [
            ccurl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)),
            ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
        ]
        let environment = ProcessInfo.processInfo.environment
        if let bundle = security.caFile ?? environment["CURL_CA_BUNDLE"] ?? environment["SSL_CERT_FILE"] {
            options.append(ccurl_setopt_string(handle, CURLOPT_CAINFO, bundle))
        }
        if let pin = security.pin {
            options.append(ccurl_setopt_string(handle, CURLOPT_PINNEDPUBLICKEY, pin.curlPinnedPublicKey))
        }
        return options
    }

    /// A failed transfer as an error a person can act on: certificate trouble is said as such, the rest is
    /// "could not reach the server".
    func failure(_ result: CURLcode, url: String) -> ClientError {
        let detail = String(cString: curl_easy_strerror(result))
        switch result {
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .untrustedServer(
                localized(
                    nl: "de server op \(url) toont een andere sleutel dan die waarmee deze laptop werd aangemeld. Het kan een nagemaakte server zijn; "
                        + "stuur niets en vraag je coördinator of de sleutel van de server veranderde.",
                    en: "the server at \(url) presents another key than the one this laptop was enrolled with. It may be a look-alike server; "
                        + "send nothing and ask your coordinator whether the server's key was changed."
                )
            )
        case CURLE_PEER_FAILED_VERIFICATION:
            return .untrustedServer(
                localized(
                    nl: "het certificaat van \(url) kon niet gecontroleerd worden (\(detail)). Gebruikt de studie een eigen certificaatautoriteit, "
                        + "meld dan aan met --cacert BESTAND; anders kan de verbinding onderschept worden.",
                    en: "the certificate of \(url) could not be verified (\(detail)). If the study uses its own certificate authority, "
                        + "enrol with --cacert FILE; otherwise the connection may be intercepted."
                )
            )
        case CURLE_SSL_CACERT_BADFILE:
            return .untrustedServer("the certificate authority file \(security.caFile ?? "") cannot be read (\(detail)).")
        default:
            return .transport("\(detail) (\(url))")
        }
    }
}
