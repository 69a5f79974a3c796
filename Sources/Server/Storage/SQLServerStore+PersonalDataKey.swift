import Crypto
import Foundation
import GRDB
import LogStore
import Secrets
import Shared

/// What `admin encrypt-personal-data` sealed.
struct PersonalDataEncryption: Codable, Equatable, Sendable {
    /// Changes in the log whose personal value was sealed.
    var changes: Int
    /// Current values (the derived state) sealed with them.
    var currentValues: Int
    /// Quarantined changes whose personal value was sealed.
    var quarantined: Int
}

/// The server's personal-data key and its database: the key check kept at first use, the refusal of a
/// wrong or missing key, and the sealing of values stored in clear before there was a key.
extension SQLServerStore {
    static func registerPersonalDataKeyMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("personal-data-key-v1") { db in
            // An HMAC of a fixed label under the key: tells the right key from another, reveals nothing of it.
            try db.execute(sql: "CREATE TABLE personal_data_key (id INTEGER PRIMARY KEY CHECK (id = 1), key_check BLOB NOT NULL, created_at REAL NOT NULL)"
            )
        }
    }

    /// Checks the key against the database: refuses a wrong key, a missing one once values are sealed,
    /// and a first key while personal values are stored in clear (unless they are about to be sealed).
    /// Records the key's check the first time a key is used.
    static func checkPersonalDataKey(_ seal: PersonalValueSeal?, sealingClearValues: Bool, in db: any SQLDatabase) throws {
        let stored = try db.value(Data.self, "SELECT key_check FROM personal_data_key WHERE id = 1")
        switch (stored, seal) {
        case (nil, nil):
            return
        case (.some, nil):
            throw PersonalDataKeyError.missing
        case (.some(let check), .some(let seal)):
            guard check == PersonalValueSeal.check(seal.dataKey, label: PersonalDataSealing.checkLabel) else { throw PersonalDataKeyError.wrong }
        case (nil, .some(let seal)):
            if !sealingClearValues {
                let clear = try clearPersonalValues(in: db).count + clearQuarantinedChanges(in: db).count
                guard clear == 0 else { throw PersonalDataKeyError.clearValues(count: clear) }
            }
            try db.run("INSERT INTO personal_data_key (id, key_check, created_at) VALUES (1, ?, ?)",
                [PersonalValueSeal.check(seal.dataKey, label: PersonalDataSealing.checkLabel), Date().timeIntervalSince1970]
            )
        }
    }

    /// The log positions of personal values stored in clear.
    private static func clearPersonalValues(in db: any SQLDatabase) throws -> [Int64] {
        var sealer = PersonalDataSealing.none.sealer(db)
        let rows = try db.fetchAll("""
                SELECT seq, entity, entity_id, field FROM change_log
                WHERE value IS NOT NULL AND value NOT LIKE '{"$sealed"%' AND entity IN (?, ?, ?, ?)
                """,
            [Entity.interview.rawValue, Entity.contactAttempt.rawValue, Entity.invitation.rawValue, Entity.conflict.rawValue]
        )
        return try rows.filter { row in
            try sealer.isPersonal(FieldKey(entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"], field: row["field"]))
        }.map { $0["seq"] }
    }

    /// The quarantined changes whose personal value is stored in clear, by change id.
    private static func clearQuarantinedChanges(in db: any SQLDatabase) throws -> [(id: String, change: Change)] {
        var sealer = PersonalDataSealing.none.sealer(db)
        return try db.fetchAll("SELECT change_id, change FROM quarantine").compactMap { row in
            let change = try JSONDecoder().decode(Change.self, from: Data((row["change"] as String).utf8))
            guard let value = change.value, !PersonalValueSeal.isSealed(value), try sealer.isPersonal(change.key) else { return nil }
            return (row["change_id"], change)
        }
    }

    /// Seals every personal value stored in clear, in the log, the derived state and the quarantine, in one
    /// transaction, and records it in the audit trail; then rewrites the database file (`VACUUM`) and
    /// empties the write-ahead log, so that no clear copy stays in the files.
    func encryptPersonalData(by actor: Principal, now: Date) async throws -> PersonalDataEncryption {
        guard sealing.seal != nil else { throw PersonalDataKeyError.missing }
        let result = try await engine.write { [sealing] db in
            try db.sqlitePragma("secure_delete = ON")
            var sealer = sealing.sealer(db)
            let clear = try Self.clearPersonalValues(in: db)
            var currentValues = 0
            for seq in clear {
                guard let row = try db.fetchOne("SELECT * FROM change_log WHERE seq = ?", [seq]) else { continue }
                let sealed = try sealer.seal(try ChangeLog.change(row))
                try db.run("UPDATE change_log SET value = ? WHERE seq = ?", [sealed.value?.canonicalJSON, seq])
                currentValues += try db.run(
                    "UPDATE field_state SET value = ? WHERE change_seq = ? AND value IS NOT NULL", [sealed.value?.canonicalJSON, seq]
                )
            }
            let quarantined = try Self.clearQuarantinedChanges(in: db)
            for (id, change) in quarantined {
                try db.run("UPDATE quarantine SET change = ? WHERE change_id = ?",
                    [String(decoding: try JSONEncoder().encode(try sealer.seal(change)), as: UTF8.self), id]
                )
            }
            let encryption = PersonalDataEncryption(changes: clear.count, currentValues: currentValues, quarantined: quarantined.count)
            try db.run("INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, 'encrypt-personal-data', ?)",
                [now.timeIntervalSince1970, actor.user.rawValue, String(decoding: try JSONEncoder().encode(encryption), as: UTF8.self)]
            )
            return encryption
        }
        try await rewriteFiles()
        return result
    }

    /// Rewrites the database file (`VACUUM`) and empties the write-ahead log, so that no copy of an old value
    /// stays in free pages or in the log.
    func rewriteFiles() async throws {
        try await engine.compact()
    }
}
