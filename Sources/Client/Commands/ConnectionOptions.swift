import ArgumentParser
import Foundation
import Shared

/// How a profile checks the server it signs in to (`enrol`, `login`); kept in the profile for every later request.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "A PEM file of the certificate authority that signed the server's certificate, when it is not one the system trusts.")
    var cacert: String?
    @Flag(help: "Allow plain http:// to another machine. Everything, names and answers included, then crosses the network unencrypted.")
    var allowInsecureHTTP = false

    func validate() throws {
        if let cacert, !FileManager.default.isReadableFile(atPath: cacert) {
            throw ValidationError("--cacert \(cacert): no such readable file.")
        }
    }

    /// The settings to keep: the CA file by its absolute path, so later commands find it from any folder.
    func security(pin: CertificatePin?) throws -> TransportSecurity {
        let caFile = cacert.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        return TransportSecurity(caFile: caFile, pin: pin, allowInsecureHTTP: allowInsecureHTTP)
    }
}
