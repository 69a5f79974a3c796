import Foundation
import GRDB
import LogStore
import Secrets
import Shared

/// The server's personal-data key at work: personal values (``PersonalData``) are sealed on their way
/// into the database and opened on their way out, so a copied database file or backup does not
/// reveal them. Without a key, values are stored as they come.
///
/// Sealing is deterministic per place (``PersonalValueSeal``): equal values in one field seal to equal
/// bytes, so the merge rule, conflict detection and "edited after approval" compare sealed values as
/// they would the plain ones.
struct PersonalDataSealing: Sendable {
    /// The key's sealing; nil when the server runs without a personal-data key.
    let seal: PersonalValueSeal?

    static let none = PersonalDataSealing(seal: nil)

    init(seal: PersonalValueSeal?) {
        self.seal = seal
    }

    /// The label whose HMAC under the key the database keeps, to tell the right key from another.
    static let checkLabel = "veldwerk server personal-data key"

    /// A sealer for one transaction: it reads the questions the forms declare personal once, when first needed.
    func sealer(_ db: any SQLDatabase) -> Sealer { Sealer(seal: seal, db: db) }

    // MARK: Reading the log, opened

    /// ``ChangeLog/fields(of:id:in:)`` with sealed values opened.
    func fields(of entity: Entity, id entityId: String, in db: any SQLDatabase) throws -> [String: JSONValue] {
        try open(try ChangeLog.fields(of: entity, id: entityId, in: db), entity: entity, entityId: entityId)
    }

    /// ``ChangeLog/records(of:scope:in:)`` with sealed values opened.
    func records(of entity: Entity, scope: Scope? = nil, in db: any SQLDatabase) throws -> [String: [String: JSONValue]] {
        try open(try ChangeLog.records(of: entity, scope: scope, in: db), entity: entity)
    }

    /// ``ChangeLog/storedRecords(of:scope:in:)`` with sealed values opened.
    func storedRecords(of entity: Entity, scope: Scope? = nil, in db: any SQLDatabase) throws -> [String: StoredRecord] {
        var records = try ChangeLog.storedRecords(of: entity, scope: scope, in: db)
        for (id, record) in records where record.fields.values.contains(where: PersonalValueSeal.isSealed) {
            records[id]?.fields = try open(record.fields, entity: entity, entityId: id)
        }
        return records
    }

    // MARK: Opening

    /// The value a sealed one holds; any other value as it is.
    ///
    /// - Throws: ``PersonalDataKeyError`` when the value is sealed and this server has no key, or another key.
    func open(_ value: JSONValue?, entity: Entity, entityId: String, field: String) throws -> JSONValue? {
        guard let value, PersonalValueSeal.isSealed(value) else { return value }
        guard let seal else { throw PersonalDataKeyError.missing }
        do {
            return try seal.unseal(value, entity: entity, entityId: entityId, field: field)
        } catch is PersonalValueSeal.OpenError {
            throw PersonalDataKeyError.cannotOpen(entity: entity, entityId: entityId, field: field)
        }
    }

    func open(_ change: Change) throws -> Change {
        guard PersonalValueSeal.isSealed(change.value) else { return change }
        var change = change
        change.value = try open(change.value, entity: change.entity, entityId: change.entityId, field: change.field)
        return change
    }

    /// One record's fields with every sealed value opened.
    func open(_ fields: [String: JSONValue], entity: Entity, entityId: String) throws -> [String: JSONValue] {
        guard fields.values.contains(where: PersonalValueSeal.isSealed) else { return fields }
        var opened = fields
        for (field, value) in fields where PersonalValueSeal.isSealed(value) {
            opened[field] = try open(value, entity: entity, entityId: entityId, field: field)
        }
        return opened
    }

    /// Records by id, each with every sealed value opened.
    func open(_ records: [String: [String: JSONValue]], entity: Entity) throws -> [String: [String: JSONValue]] {
        var opened = records
        for (id, fields) in records { opened[id] = try open(fields, entity: entity, entityId: id) }
        return opened
    }

    /// A kept conflict with its loser, current version and resolution opened.
    func open(_ conflict: KeptConflict) throws -> KeptConflict {
        var conflict = conflict
        conflict.loser = try open(conflict.loser)
        conflict.current = try conflict.current.map { try open($0) }
        conflict.resolution = try open(conflict.resolution, entity: .conflict, entityId: conflict.loser.id.description, field: ConflictField.resolution)
        return conflict
    }

    /// A stored value's JSON text opened, for a pull (``ChangeLog/wireChanges(in:after:limit:value:in:)``):
    /// only a sealed value is parsed; any other text goes out as it is.
    func openText(entity: Entity, entityId: String, field: String, stored: String) throws -> String {
        guard stored.hasPrefix(Self.sealedPrefix) else { return stored }
        return try open(try JSONValue(json: stored), entity: entity, entityId: entityId, field: field)?.canonicalJSON ?? "null"
    }

    /// How a sealed value's canonical JSON begins.
    static let sealedPrefix = "{\"\(PersonalValueSeal.sealedKey)\""

    // MARK: Sealing

    /// Edits with their personal values sealed; without a key, the edits as they are, unless the database
    /// holds sealed values (then ``PersonalDataKeyError/missing``: a clear value must not join sealed ones).
    func sealed(_ edits: [FieldEdit], in db: any SQLDatabase) throws -> [FieldEdit] {
        guard seal != nil else {
            guard try !Self.databaseIsSealed(db) else { throw PersonalDataKeyError.missing }
            return edits
        }
        var sealer = self.sealer(db)
        return try edits.map { try sealer.seal($0) }
    }

    /// Whether a personal-data key was ever used on this database.
    static func databaseIsSealed(_ db: any SQLDatabase) throws -> Bool {
        try db.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM personal_data_key)") ?? false
    }

    /// Seals the personal values of one transaction's writes.
    struct Sealer {
        /// The key's sealing; nil: values stay as they are.
        let values: PersonalValueSeal?
        let db: any SQLDatabase
        private var declared: Set<String>?

        init(seal: PersonalValueSeal?, db: any SQLDatabase) {
            values = seal
            self.db = db
        }

        /// The change with its value sealed when it is personal; as it is without a key or when sealed already.
        mutating func seal(_ change: Change) throws -> Change {
            guard let values, let value = change.value, !PersonalValueSeal.isSealed(value), try isPersonal(change.key) else { return change }
            var change = change
            change.value = try values.seal(value, entity: change.entity, entityId: change.entityId, field: change.field)
            return change
        }

        /// The edit with its value sealed when it is personal.
        mutating func seal(_ edit: FieldEdit) throws -> FieldEdit {
            guard let values, let value = edit.value, !PersonalValueSeal.isSealed(value), try isPersonal(edit.key) else { return edit }
            var edit = edit
            edit.value = try values.seal(value, entity: edit.entity, entityId: edit.entityId, field: edit.field)
            return edit
        }

        /// Whether a field holds personal data: ``PersonalData``, and a conflict's resolution when the
        /// conflict is on a personal field (the resolution quotes the chosen value).
        mutating func isPersonal(_ key: FieldKey) throws -> Bool {
            if key.entity == .conflict, key.field == ConflictField.resolution {
                guard let row = try db.fetchOne("SELECT entity, entity_id, field FROM conflict WHERE loser_id = ?", [key.entityId])
                else { return false }
                return try isPersonal(FieldKey(entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"], field: row["field"]))
            }
            if PersonalData.isPersonal(entity: key.entity, field: key.field, personalQuestions: []) { return true }
            guard key.entity == .interview, key.field.hasPrefix(Interview.Field.answerPrefix) || key.field.hasPrefix(Interview.Field.flagPrefix)
            else { return false }
            return PersonalData.isPersonal(entity: key.entity, field: key.field, personalQuestions: try declaredQuestions())
        }

        private mutating func declaredQuestions() throws -> Set<String> {
            if let declared { return declared }
            let questions = try SQLServerStore.declaredPersonalQuestions(in: db)
            declared = questions
            return questions
        }
    }
}

/// The field of a conflict record that holds its resolution.
enum ConflictField {
    static let resolution = "resolution"
}

extension Change {
    /// The change with another value (the plain value a caller gave, for a change stored sealed).
    func withValue(_ value: JSONValue?) -> Change {
        var change = self
        change.value = value
        return change
    }
}
