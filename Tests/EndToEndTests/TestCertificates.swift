import Foundation
import TestSupport

@testable import VeldwerkServer

/// A certificate authority made for one test, a server certificate for 127.0.0.1 it signed, and a
/// look-alike certificate for the same address signed by the same authority over another key.
/// Made with the openssl command (Debian's `openssl` package).
struct TestCertificates {
    let folder: TemporaryDirectory

    var caPath: String { folder.url.appendingPathComponent("ca.pem").path }
    var server: TLSFiles { files("server") }
    var lookAlike: TLSFiles { files("lookalike") }

    private func files(_ name: String) -> TLSFiles {
        TLSFiles(certificatePath: folder.url.appendingPathComponent("\(name).pem").path, keyPath: folder.url.appendingPathComponent("\(name).key").path)
    }

    static func make() async throws -> TestCertificates {
        let folder = try TemporaryDirectory(prefix: "veldwerk-tls")
        let certificates = TestCertificates(folder: folder)
        let dir = folder.url.path
        let extensions = "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        try extensions.write(toFile: "\(dir)/server.ext", atomically: true, encoding: .utf8)
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem",
            "-days", "2", "-subj", "/CN=Veldwerk test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        for name in ["server", "lookalike"] {
            try await openssl([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(dir)/\(name).key",
                "-out", "\(dir)/\(name).csr", "-subj", "/CN=127.0.0.1",
            ])
            try await openssl([
                "x509", "-req", "-in", "\(dir)/\(name).csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key", "-CAcreateserial",
                "-out", "\(dir)/\(name).pem", "-days", "2", "-extfile", "\(dir)/server.ext",
            ])
        }
        return certificates
    }

    func remove() { folder.remove() }

    private static func openssl(_ arguments: [String]) async throws {
        let result = try await ProgramRunner.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw CertificateError(description: "openssl \(arguments.first ?? "") failed: \(result.stderr)") }
    }

    struct CertificateError: Error, CustomStringConvertible {
        var description: String
    }
}
