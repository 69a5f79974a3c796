import Crypto
import Foundation
import Shared
import _CryptoExtras

/// The key the laptop seals personal values with, and the passphrase lock that keeps it off the disk in clear.
///
/// A random 256-bit data key seals each personal value (``PersonalData``) with ChaCha20-Poly1305. The
/// nonce is derived from the value and its place (HMAC-SHA256 under a second key, as in SIV), so the
/// same value in the same field seals to the same bytes: the merge rule's equality of values still
/// holds, and only "these two are equal" can be learnt from the file. The entity, id and field are the
/// associated data, so a sealed value cannot be moved to another field. The data key is stored only
/// wrapped under a key derived from the interviewer's passphrase with scrypt (RFC 7914, memory-hard;
/// N = 2^15, r = 8, p = 1: 32 MiB).
struct Vault: @unchecked Sendable {
    // Safe: the keys are immutable values once made; nothing mutates them after `init`.
    let dataKey: SymmetricKey
    private let sealingKey: SymmetricKey
    private let nonceKey: SymmetricKey

    init(dataKey: SymmetricKey) {
        self.dataKey = dataKey
        sealingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("veldwerk personal values".utf8), outputByteCount: 32)
        nonceKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("veldwerk value nonces".utf8), outputByteCount: 32)
    }

    static func newDataKey() -> SymmetricKey { SymmetricKey(size: .bits256) }

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
        Data(HMAC<SHA256>.authenticationCode(for: Data("veldwerk data key".utf8), using: key))
    }

    private static func derive(_ passphrase: String, salt: Data, logN: Int, r: Int, p: Int) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p)
    }

    // MARK: Values

    static let sealedKey = "$sealed"

    /// Whether a stored value is sealed.
    static func isSealed(_ value: JSONValue?) -> Bool {
        guard case .object(let members)? = value, members.count == 1, case .string? = members[sealedKey] else { return false }
        return true
    }

    private static func place(_ entity: Entity, _ entityId: String, _ field: String) -> Data {
        Data("\(entity.rawValue)\u{0}\(entityId)\u{0}\(field)".utf8)
    }

    /// The value sealed for its place: `{"$sealed": base64(nonce ‖ ciphertext ‖ tag)}`.
    func seal(_ value: JSONValue, entity: Entity, entityId: String, field: String) throws -> JSONValue {
        let place = Self.place(entity, entityId, field)
        let plain = Data(value.canonicalJSON.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: place + Data([0]) + plain, using: nonceKey)
        let nonce = try ChaChaPoly.Nonce(data: Data(mac).prefix(12))
        let box = try ChaChaPoly.seal(plain, using: sealingKey, nonce: nonce, authenticating: place)
        return .object([Self.sealedKey: .string(box.combined.base64EncodedString())])
    }

    /// The value a sealed one holds; any other value as it is.
    func unseal(_ value: JSONValue, entity: Entity, entityId: String, field: String) throws -> JSONValue {
        guard Self.isSealed(value), case .object(let members) = value, case .string(let text)? = members[Self.sealedKey] else { return value }
        guard let combined = Data(base64Encoded: text), let box = try? ChaChaPoly.SealedBox(combined: combined),
            let plain = try? ChaChaPoly.open(box, using: sealingKey, authenticating: Self.place(entity, entityId, field))
        else { throw ClientError.invalidInput("A personal value of \(entity.rawValue) \(entityId) (\(field)) cannot be opened with this laptop's key: the database was changed outside Veldwerk.") }
        return try JSONValue(json: String(decoding: plain, as: UTF8.self))
    }
}
