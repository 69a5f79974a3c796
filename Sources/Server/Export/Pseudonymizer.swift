import Crypto
import Foundation

/// Stable pseudonyms: HMAC-SHA256 of a kind and an id under the server's secret key, truncated.
///
/// The same id gets the same pseudonym in every export of one server, so researchers can follow an
/// interviewer or a municipality across exports; without the key the pseudonym does not reveal the id.
struct Pseudonymizer: Sendable {
    enum Kind: String, Sendable {
        case interviewer = "I"
        case municipality = "M"
        case interview = "R"
    }

    private let key: [UInt8]

    init(key: [UInt8]) {
        self.key = key
    }

    /// `I-` / `M-` / `R-` and 12 hex digits (48 bits: no collision among a study's ids in practice).
    func pseudonym(_ kind: Kind, _ id: String) -> String {
        let message = Data((kind.rawValue + ":" + id).utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        var text = kind.rawValue + "-"
        for byte in mac.prefix(6) {
            text += Self.hex[Int(byte >> 4)]
            text += Self.hex[Int(byte & 0x0f)]
        }
        return text
    }

    private static let hex = "0123456789abcdef".map(String.init)
}
