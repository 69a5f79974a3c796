import Crypto
import Foundation
import Shared
import Testing
import _CryptoExtras

@testable import VeldwerkClient

@Suite("Vault: the key of personal values on the laptop")
struct VaultTests {
    @Test("scrypt as called here gives RFC 7914's test vector (N=1024, r=8, p=16)")
    func scryptVector() throws {
        let key = try KDF.Scrypt.deriveKey(from: Data("password".utf8), salt: Data("NaCl".utf8), outputByteCount: 64, rounds: 1024, blockSize: 8, parallelism: 16)
        let hex = key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        #expect(hex == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test("the right passphrase opens the lock; a wrong one is wrongPassphrase")
    func lock() throws {
        let key = Vault.newDataKey()
        let lock = try Vault.lock(key, passphrase: "correct horse", logN: 10)
        #expect(Vault.matches(try Vault.open(lock, passphrase: "correct horse").dataKey, lock))
        #expect(throws: ClientError.wrongPassphrase) { try Vault.open(lock, passphrase: "wrong horse") }
        #expect(!lock.wrapped.contains(key.withUnsafeBytes { Data($0) }))
    }

    @Test("sealing is deterministic per place, hides the value, opens back, and is bound to its entity, id and field")
    func sealing() throws {
        let vault = Vault(dataKey: Vault.newDataKey())
        let value = JSONValue.string("Griet Vandenbroucke")
        let sealed = try vault.seal(value, entity: .interview, entityId: "i-1", field: "respondentName")
        #expect(Vault.isSealed(sealed))
        #expect(!sealed.canonicalJSON.contains("Griet"))
        #expect(try vault.seal(value, entity: .interview, entityId: "i-1", field: "respondentName") == sealed, "equal values stay equal for the merge rule")
        #expect(try vault.seal(value, entity: .interview, entityId: "i-2", field: "respondentName") != sealed)
        #expect(try vault.unseal(sealed, entity: .interview, entityId: "i-1", field: "respondentName") == value)
        #expect(throws: ClientError.self) { try vault.unseal(sealed, entity: .interview, entityId: "i-2", field: "respondentName") }
        #expect(throws: ClientError.self) { try Vault(dataKey: Vault.newDataKey()).unseal(sealed, entity: .interview, entityId: "i-1", field: "respondentName") }
        #expect(try vault.unseal(.string("plain"), entity: .interview, entityId: "i-1", field: "respondentName") == .string("plain"))
    }
}
