#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation
import Secrets
import Shared

/// The file that holds the server's personal-data key: 32 random bytes, readable by the server's user only.
enum PersonalDataKeyFile {
    /// The environment variable that names the key file when `--personal-data-key` is not given.
    static let environmentVariable = "VELDWERK_PERSONAL_DATA_KEY_FILE"

    /// The key file's path: the option, else the environment variable, else none.
    static func path(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let option, !option.isEmpty { return option }
        if let named = environment[environmentVariable], !named.isEmpty { return named }
        return nil
    }

    /// Reads the key; refuses a file others may read or write, or one that is not 32 bytes.
    static func read(_ path: String) throws -> SymmetricKey {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw PersonalDataKeyError.unusableFile(path: path, reason: localized(nl: "bestaat niet of is niet leesbaar.", en: "does not exist or cannot be read."))
        }
        guard status.st_mode & 0o077 == 0 else {
            throw PersonalDataKeyError.unusableFile(
                path: path,
                reason: localized(
                    nl: "ook anderen dan de eigenaar mogen het lezen of schrijven (modus \(String(status.st_mode & 0o777, radix: 8))); maak het privé met: chmod 600 \(path)",
                    en: "others than its owner may read or write it (mode \(String(status.st_mode & 0o777, radix: 8))); make it private with: chmod 600 \(path)"
                )
            )
        }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw PersonalDataKeyError.unusableFile(path: path, reason: localized(nl: "is niet leesbaar.", en: "cannot be read."))
        }
        guard bytes.count == 32 else {
            throw PersonalDataKeyError.unusableFile(
                path: path,
                reason: localized(
                    nl: "bevat \(bytes.count) bytes, geen sleutel van 32; maak er een met: veldwerk-server admin make-personal-data-key --out BESTAND",
                    en: "holds \(bytes.count) bytes, not a 32-byte key; make one with: veldwerk-server admin make-personal-data-key --out FILE"
                )
            )
        }
        return SymmetricKey(data: bytes)
    }

    /// Writes a new random key to a new file with mode 0600; never replaces an existing file.
    static func create(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw PersonalDataKeyError.fileExists(path: path) }
            throw PersonalDataKeyError.unusableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { _ = close(descriptor) }
        let key = PersonalValueSeal.newDataKey().withUnsafeBytes { Array($0) }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == key.count, fsync(descriptor) == 0 else {
            _ = unlink(path)
            throw PersonalDataKeyError.unusableFile(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
