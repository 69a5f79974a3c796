import Crypto
import Foundation
import GRDB
import LogStore
import Shared

/// Personal values at rest: sealed on their way into the laptop's database, opened on their way out
/// (to the screen, to the server). A profile without a vault (enrolled before there was one) keeps
/// its values as they are.
extension ClientStore {
    static func registerVaultMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("client-v3-vault") { db in
            try db.execute(sql: "CREATE TABLE vault (id INTEGER PRIMARY KEY CHECK (id = 1), lock TEXT NOT NULL)")
        }
    }

    /// Makes a new data key locked under `passphrase`; personal values recorded from now on are sealed.
    func createVault(passphrase: String) throws {
        let lock = try Vault.lock(Vault.newDataKey(), passphrase: passphrase)
        let text = String(decoding: try JSONEncoder().encode(lock), as: UTF8.self)
        try pool.write { db in try db.execute(sql: "INSERT INTO vault (id, lock) VALUES (1, ?)", arguments: [text]) }
    }

    func hasVault() throws -> Bool {
        try pool.read { db in try Self.storedLock(db) != nil }
    }

    static func storedLock(_ db: Database) throws -> Vault.Lock? {
        try String.fetchOne(db, sql: "SELECT lock FROM vault WHERE id = 1").map { try JSONDecoder().decode(Vault.Lock.self, from: Data($0.utf8)) }
    }

    /// The questions the laptop's forms declare personal.
    static func personalQuestions(_ db: Database, arriving: [Change] = []) throws -> Set<String> {
        var forms = try ChangeLog.records(of: .questionnaire, in: db).values.compactMap { try $0["definition"]?.decode(as: Questionnaire.self) }
        forms += arriving.filter { $0.entity == .questionnaire && $0.field == "definition" }.compactMap { try? $0.value?.decode(as: Questionnaire.self) }
        return forms.reduce(into: Set<String>()) { $0.formUnion($1.personalQuestions) }
    }

    /// Seals and opens values within one database access; asks for the vault only when a value needs it.
    struct Sealer {
        let db: Database
        let access: VaultAccess
        let arriving: [Change]
        private var personalQuestions: Set<String>?
        private var vault: Vault?
        private var lock: Vault.Lock??

        init(db: Database, access: VaultAccess, arriving: [Change] = []) {
            self.db = db
            self.access = access
            self.arriving = arriving
        }

        /// The declared questions, read once and only when a value is to be sealed.
        private mutating func personal() throws -> Set<String> {
            if let personalQuestions { return personalQuestions }
            let questions = try ClientStore.personalQuestions(db, arriving: arriving)
            personalQuestions = questions
            return questions
        }

        private mutating func openVault() throws -> Vault? {
            if let vault { return vault }
            if lock == nil { lock = .some(try ClientStore.storedLock(db)) }
            guard let stored = lock ?? nil else { return nil }
            vault = try access.vault(for: stored)
            return vault
        }

        mutating func seal(_ value: JSONValue?, entity: Entity, entityId: String, field: String) throws -> JSONValue? {
            guard let value, !Vault.isSealed(value), PersonalData.isPersonal(entity: entity, field: field, personalQuestions: try personal()),
                let vault = try openVault()
            else { return value }
            return try vault.seal(value, entity: entity, entityId: entityId, field: field)
        }

        mutating func open(_ value: JSONValue?, entity: Entity, entityId: String, field: String) throws -> JSONValue? {
            guard let value, Vault.isSealed(value) else { return value }
            guard let vault = try openVault() else { throw ClientError.wrongPassphrase }
            return try vault.unseal(value, entity: entity, entityId: entityId, field: field)
        }

        mutating func seal(_ change: Change) throws -> Change {
            var change = change
            change.value = try seal(change.value, entity: change.entity, entityId: change.entityId, field: change.field)
            return change
        }

        mutating func open(_ change: Change) throws -> Change {
            var change = change
            change.value = try open(change.value, entity: change.entity, entityId: change.entityId, field: change.field)
            return change
        }

        mutating func open(_ fields: [String: JSONValue], entity: Entity, entityId: String) throws -> [String: JSONValue] {
            guard fields.values.contains(where: Vault.isSealed) else { return fields }
            var opened = fields
            for (field, value) in fields where Vault.isSealed(value) {
                opened[field] = try open(value, entity: entity, entityId: entityId, field: field)
            }
            return opened
        }
    }

    func sealer(_ db: Database, arriving: [Change] = []) throws -> Sealer {
        Sealer(db: db, access: vaultAccess, arriving: arriving)
    }

    /// Changes the passphrase: a new data key, every sealed value sealed again under it, the key locked
    /// under the new passphrase, the session cache forgotten. One transaction: all or nothing.
    func changePassphrase(to passphrase: String) throws -> Int {
        let newKey = Vault.newDataKey()
        let lock = try Vault.lock(newKey, passphrase: passphrase)
        let fresh = Vault(dataKey: newKey)
        let count = try pool.write { db -> Int in
            guard let stored = try Self.storedLock(db) else { throw ClientError.invalidInput("This profile has no passphrase to change.") }
            let old = try vaultAccess.vault(for: stored)
            var count = 0
            // change_log by its seq; field_state (WITHOUT ROWID) by its key.
            for (table, key) in [("change_log", "seq = ?"), ("field_state", "entity = ? AND entity_id = ? AND field = ?")] {
                let keyColumns = table == "change_log" ? "seq" : "entity AS k1, entity_id AS k2, field AS k3"
                let rows = try Row.fetchAll(
                    db, sql: "SELECT \(keyColumns), entity, entity_id, field, value FROM \(table) WHERE value LIKE '{\"$sealed\"%'"
                )
                for row in rows {
                    let entity = Entity(rawValue: row["entity"])
                    let id: String = row["entity_id"], field: String = row["field"]
                    let plain = try old.unseal(try JSONValue(json: row["value"]), entity: entity, entityId: id, field: field)
                    let sealed = try fresh.seal(plain, entity: entity, entityId: id, field: field)
                    let where_: StatementArguments = table == "change_log" ? [row["seq"] as Int64] : [entity.rawValue, id, field]
                    try db.execute(sql: "UPDATE \(table) SET value = ? WHERE \(key)", arguments: [sealed.canonicalJSON] + where_)
                    count += 1
                }
            }
            try db.execute(sql: "UPDATE vault SET lock = ? WHERE id = 1", arguments: [String(decoding: try JSONEncoder().encode(lock), as: UTF8.self)])
            return count
        }
        vaultAccess.cache.forget()
        vaultAccess.cache.write(newKey)
        return count
    }
}
