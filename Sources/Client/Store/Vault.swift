import Crypto
import Foundation
import Secrets
import Shared
import _CryptoExtras

/// The key the laptop seals personal values with, and the passphrase lock that keeps it off the disk in clear.
///
/// A random 256-bit data key seals each personal value (``PersonalData``) through ``PersonalValueSeal``
/// (ChaCha20-Poly1305, a deterministic nonce per value and place), the same sealing the server uses
/// under its personal-data key. The data key is stored only
/// wrapped under a key derived from the interviewer's passphrase with scrypt (RFC 7914, memory-hard;
/// N = 2^15, r = 8, p = 1: 32 MiB).
struct Vault: @unchecked Sendable {
    // Safe: the keys are immutable values once made; nothing mutates them after `init`.
    let dataKey: SymmetricKey
    /// Seals and opens personal values under the data key (the one implementation, shared with the server).
    private let values: PersonalValueSeal

    init(dataKey: SymmetricKey) {
        self.dataKey = dataKey
        values = PersonalValueSeal(dataKey: dataKey)
    }

    static func newDataKey() -> SymmetricKey { PersonalValueSeal.newDataKey() }

    /// The wrapped data key as the profile stores it.
    struct Lock: Codable, Equatable, Sendable {
        var salt: Data
        var logN: Int
        var r: Int
        var p: Int
        /// The data key sealed with ChaCha20-Poly1305 under the scrypt-derived key (nonce, ciphertext, tag).
        var wrapped: Data
        /// HMAC of a fixed text under the data key: tells a cached key from a stale one without the passphrase.
        var check: Data
    }

    static let defaultLogN = 15

    /// Locks the data key under a passphrase.
    static func lock(_ dataKey: SymmetricKey, passphrase: String, logN: Int = defaultLogN) throws -> Lock {
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let wrapping = try derive(passphrase, salt: salt, logN: logN, r: 8, p: 1)
        let wrapped = try ChaChaPoly.seal(dataKey.withUnsafeBytes { Data($0) }, using: wrapping).combined
        return Lock(salt: salt, logN: logN, r: 8, p: 1, wrapped: wrapped, check: check(dataKey))
    }

    /// Opens a lock with a passphrase; a wrong one is ``ClientError/wrongPassphrase``, never an empty key.
    static func open(_ lock: Lock, passphrase: String) throws -> Vault {
        let wrapping = try derive(passphrase, salt: lock.salt, logN: lock.logN, r: lock.r, p: lock.p)
        guard let box = try? ChaChaPoly.SealedBox(combined: lock.wrapped), let key = try? ChaChaPoly.open(box, using: wrapping) else {
            throw ClientError.wrongPassphrase
        }
        return Vault(dataKey: SymmetricKey(data: key))
    }

    /// Whether `key` is the data key this lock wraps.
    static func matches(_ key: SymmetricKey, _ lock: Lock) -> Bool {
        check(key) == lock.check
    }

    private static func check(_ key: SymmetricKey) -> Data {
        PersonalValueSeal.check(key, label: "veldwerk data key")
    }

    private static func derive(_ passphrase: String, salt: Data, logN: Int, r: Int, p: Int) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p)
    }

    // MARK: Values

    /// Whether a stored value is sealed.
    static func isSealed(_ value: JSONValue?) -> Bool { PersonalValueSeal.isSealed(value) }

    /// The value sealed for its place: `{"$sealed": base64(nonce ‖ ciphertext ‖ tag)}`.
    func seal(_ value: JSONValue, entity: Entity, entityId: String, field: String) throws -> JSONValue {
        try values.seal(value, entity: entity, entityId: entityId, field: field)
    }

    /// The value a sealed one holds; any other value as it is.
    func unseal(_ value: JSONValue, entity: Entity, entityId: String, field: String) throws -> JSONValue {
        do {
            return try values.unseal(value, entity: entity, entityId: entityId, field: field)
        } catch is PersonalValueSeal.OpenError {
            throw ClientError.invalidInput("A personal value of \(entity.rawValue) \(entityId) (\(field)) cannot be opened with this laptop's key: the database was changed outside Veldwerk.")
        }
    }
}
