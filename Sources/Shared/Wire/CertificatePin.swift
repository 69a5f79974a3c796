import Foundation

/// A server's TLS public key, pinned: the SHA-256 of its SubjectPublicKeyInfo.
///
/// A laptop that holds the pin talks only to a server presenting that key, whatever a certificate
/// authority vouches for, so an enrolled laptop cannot be sent to a look-alike server.
public struct CertificatePin: Codable, Equatable, Hashable, Sendable {
    /// The 32 bytes of the hash.
    public let sha256: Data

    public init(sha256: Data) {
        self.sha256 = sha256
    }

    /// Reads the URL-safe form an enrolment code carries (base64url, no padding) or libcurl's
    /// `sha256//BASE64`; nil when the text is not a 32-byte hash.
    public init?(text: String) {
        var body = text.hasPrefix("sha256//") ? String(text.dropFirst(8)) : text
        body = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while body.count % 4 != 0 { body += "=" }
        guard let data = Data(base64Encoded: body), data.count == 32 else { return nil }
        self.sha256 = data
    }

    /// The form an enrolment code carries: base64url without padding (43 characters).
    public var urlSafe: String {
        sha256.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The form libcurl's `CURLOPT_PINNEDPUBLICKEY` takes.
    public var curlPinnedPublicKey: String { "sha256//" + sha256.base64EncodedString() }
}

/// What a person types at enrolment: the one-time code, optionally followed by the server's
/// certificate pin after a dot (`ABCD-EFGH.q2v…`). Codes without a pin keep working.
public struct EnrolmentTicket: Equatable, Sendable {
    public var code: String
    public var pin: CertificatePin?

    public init(code: String, pin: CertificatePin?) {
        self.code = code
        self.pin = pin
    }

    /// Splits typed text into code and pin; nil when the part after the dot is not a pin.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let dot = trimmed.firstIndex(of: ".") else {
            self.init(code: trimmed, pin: nil)
            return
        }
        guard let pin = CertificatePin(text: String(trimmed[trimmed.index(after: dot)...])) else { return nil }
        self.init(code: String(trimmed[..<dot]), pin: pin)
    }

    public var text: String { pin.map { "\(code).\($0.urlSafe)" } ?? code }
}
