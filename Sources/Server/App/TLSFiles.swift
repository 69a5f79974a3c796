import Crypto
import Foundation
import NIOSSL
import Shared

/// The certificate chain and private key the server serves HTTPS with (PEM files).
struct TLSFiles: Sendable, Equatable {
    /// The server's certificate, followed by any intermediate certificates, in PEM.
    var certificatePath: String
    /// The certificate's private key in PEM (unencrypted).
    var keyPath: String

    /// swift-nio-ssl's server settings: TLS 1.2 at least, and swift-nio-ssl's default cipher list, which
    /// offers only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305).
    func serverConfiguration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw DataError("Cannot read the TLS certificate \(certificatePath): it must be a PEM file (\(error)).")
        }
        guard !chain.isEmpty else { throw DataError("The TLS certificate file \(certificatePath) holds no certificate.") }
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw DataError("Cannot read the TLS private key \(keyPath): it must be an unencrypted PEM key (\(error)).")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }

    /// The pin laptops check the server against: SHA-256 of the certificate's public key (its
    /// SubjectPublicKeyInfo), as libcurl's `CURLOPT_PINNEDPUBLICKEY` takes it. A renewed certificate
    /// over the same key keeps the pin.
    func publicKeyPin() throws -> CertificatePin {
        try Self.publicKeyPin(ofCertificateAt: certificatePath)
    }

    /// The key pin of the first certificate in a PEM file (a proxy's certificate, say).
    static func publicKeyPin(ofCertificateAt path: String) throws -> CertificatePin {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw DataError("Cannot read the TLS certificate \(path): it must be a PEM file (\(error)).")
        }
        guard let leaf = chain.first else { throw DataError("The TLS certificate file \(path) holds no certificate.") }
        return pin(of: leaf)
    }

    static func pin(of certificate: NIOSSLCertificate) -> CertificatePin {
        // A certificate NIOSSL parsed always has a public key it can write out.
        let spki = (try? certificate.extractPublicKey().toSPKIBytes()) ?? []
        return CertificatePin(sha256: Data(SHA256.hash(data: spki)))
    }
}
