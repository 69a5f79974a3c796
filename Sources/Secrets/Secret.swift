import Crypto
import Foundation

/// Random secrets (tokens, enrolment codes, invitation links) and the hashes that are all the server stores of them.
/// Server and laptop share it: a laptop makes an invitation's link offline and syncs only its hash.
public enum Secret {
    /// A new bearer token: 256 random bits, base64url without padding, never beginning with '-'.
    ///
    /// Base64url's '-' would begin one token in 64, and a command line then takes the token for an
    /// option (`veldwerk login --token -x…`); such draws are drawn again (256 bits less a sliver).
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let token = newToken(using: &generator)
            if !token.hasPrefix("-") { return token }
        }
    }

    /// One draw of 32 random bytes as base64url without padding (may begin with '-').
    public static func newToken(using generator: inout some RandomNumberGenerator) -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A new enrolment code a person can type: `XXXX-XXXX` from an alphabet without 0/O, 1/I/L.
    public static func newEnrolmentCode() -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<8).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return String(characters[0..<4]) + "-" + String(characters[4..<8])
    }

    /// Enrolment codes are compared without case, spaces or dashes.
    public static func normalisedCode(_ code: String) -> String {
        code.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    /// SHA-256 of the secret, hex: what the database keeps.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
