import Crypto
import Foundation
import Shared

/// Seals personal values (``PersonalData``) for storage, and opens them: one implementation for the
/// laptop's vault and the server's personal-data key.
///
/// ChaCha20-Poly1305 under a key derived (HKDF-SHA256) from a 256-bit data key. The nonce is derived
/// from the value and its place (HMAC-SHA256 under a second derived key, as in SIV), so the same value
/// in the same field seals to the same bytes: the merge rule's equality of values still holds, and only
/// "these two are equal" can be learnt from the file. The entity, id and field are the associated data,
/// so a sealed value cannot be moved to another field. A sealed value is stored as
/// `{"$sealed": base64(nonce ‖ ciphertext ‖ tag)}` in place of the value.
public struct PersonalValueSeal: @unchecked Sendable {
    // Safe: the keys are immutable values once made; nothing mutates them after `init`.
    public let dataKey: SymmetricKey
    private let sealingKey: SymmetricKey
    private let nonceKey: SymmetricKey

    public init(dataKey: SymmetricKey) {
        self.dataKey = dataKey
        sealingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("veldwerk personal values".utf8), outputByteCount: 32)
        nonceKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("veldwerk value nonces".utf8), outputByteCount: 32)
    }

    /// A new random 256-bit data key.
    public static func newDataKey() -> SymmetricKey { SymmetricKey(size: .bits256) }

    /// A value that cannot be opened with this key: another key sealed it, or the database was changed outside Veldwerk.
    public struct OpenError: Error, Equatable {
        public var entity: Entity
        public var entityId: String
        public var field: String
    }

    /// The member name of a sealed value's one-member object.
    public static let sealedKey = "$sealed"

    /// Whether a stored value is sealed.
    public static func isSealed(_ value: JSONValue?) -> Bool {
        guard case .object(let members)? = value, members.count == 1, case .string? = members[sealedKey] else { return false }
        return true
    }

    private static func place(_ entity: Entity, _ entityId: String, _ field: String) -> Data {
        Data("\(entity.rawValue)\u{0}\(entityId)\u{0}\(field)".utf8)
    }

    /// The value sealed for its place: `{"$sealed": base64(nonce ‖ ciphertext ‖ tag)}`; equal values in one place seal equal.
    public func seal(_ value: JSONValue, entity: Entity, entityId: String, field: String) throws -> JSONValue {
        let place = Self.place(entity, entityId, field)
        let plain = Data(value.canonicalJSON.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: place + Data([0]) + plain, using: nonceKey)
        let nonce = try ChaChaPoly.Nonce(data: Data(mac).prefix(12))
        let box = try ChaChaPoly.seal(plain, using: sealingKey, nonce: nonce, authenticating: place)
        return .object([Self.sealedKey: .string(box.combined.base64EncodedString())])
    }

    /// The value a sealed one holds; any other value as it is.
    ///
    /// - Throws: ``OpenError`` when the value was sealed under another key or for another place.
    public func unseal(_ value: JSONValue, entity: Entity, entityId: String, field: String) throws -> JSONValue {
        guard Self.isSealed(value), case .object(let members) = value, case .string(let text)? = members[Self.sealedKey] else { return value }
        guard let combined = Data(base64Encoded: text), let box = try? ChaChaPoly.SealedBox(combined: combined),
            let plain = try? ChaChaPoly.open(box, using: sealingKey, authenticating: Self.place(entity, entityId, field)),
            let opened = try? JSONValue(json: String(decoding: plain, as: UTF8.self))
        else { throw OpenError(entity: entity, entityId: entityId, field: field) }
        return opened
    }

    /// An HMAC of a fixed label under the data key: tells the right key from another without revealing it.
    public static func check(_ key: SymmetricKey, label: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(label.utf8), using: key))
    }
}
