import Foundation
import GRDB
import Shared

/// The change log on SQLite: where server and client alike append changes and carry out the merge rule.
///
/// Three tables: `change_log` (every change received, once, in arrival order: `seq` is the log
/// position), `field_state` (the current value of every field, derived) and `conflict` (the
/// overruled versions kept for review, derived). The derived tables can be rebuilt from the log
/// with ``rebuildDerivedState(_:)``. All functions run inside the caller's transaction.
public enum ChangeLog {
    /// What happened to one change handed to ``apply(_:in:)``.
    public enum Outcome: Equatable, Sendable {
        /// Stored at this log position.
        case applied(seq: Int64, decision: MergeDecision)
        /// Stored before; nothing changed.
        case duplicate
    }

    /// Appends the changes to the log and merges each into the derived state, in order.
    ///
    /// Duplicates (same change id) are ignored, so a retried push is harmless.
    @discardableResult
    public static func apply(_ changes: [Change], in db: Database) throws -> [Outcome] {
        // The stored versions of every field the batch touches, read together, then kept current here.
        var histories = try versions(of: Set(changes.lazy.map(\.key)), in: db)
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(changes.count)
        for change in changes {
            let outcome = try apply(change, history: histories[change.key] ?? [], in: db)
            if case .applied = outcome {
                histories[change.key, default: []].append(change.version)
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Appends one change and merges it; see ``apply(_:in:)``.
    @discardableResult
    public static func apply(_ change: Change, in db: Database) throws -> Outcome {
        try apply(change, history: versions(of: change.key, in: db), in: db)
    }

    /// Appends one change and merges it against `history`, every version of its field stored so far.
    private static func apply(_ change: Change, history: [FieldVersion], in db: Database) throws -> Outcome {
        let decision = Merge.decide(change.version, history: history)
        if decision.isDuplicate { return .duplicate }

        let valueText = change.value?.canonicalJSON
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO change_log (device, dseq, scope, entity, entity_id, field, value, hlc, base, author)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try insert.execute(arguments: [
            change.id.device.rawValue, change.id.seq, change.scope.rawValue, change.entity.rawValue, change.entityId,
            change.field, valueText, change.hlc.encoded, change.base?.encoded, change.author.rawValue,
        ])
        // The same id under another field: it was stored before (a client must never reuse an id).
        guard db.changesCount == 1 else { return .duplicate }
        let seq = db.lastInsertedRowID

        if decision.becomesCurrent {
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO field_state (entity, entity_id, field, scope, value, hlc, change_seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (entity, entity_id, field) DO UPDATE SET
                        scope = excluded.scope, value = excluded.value, hlc = excluded.hlc, change_seq = excluded.change_seq
                    """
            )
            try upsert.execute(arguments: [
                change.entity.rawValue, change.entityId, change.field, change.scope.rawValue, valueText, change.hlc.encoded, seq,
            ])
        }
        let losers = (decision.incomingLoses ? [change.id] : []) + decision.newLosers
        if !losers.isEmpty {
            let keep = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO conflict (loser_seq, loser_id, scope, entity, entity_id, field)
                    SELECT seq, device || ':' || dseq, scope, entity, entity_id, field FROM change_log WHERE device = ? AND dseq = ?
                    """
            )
            for loser in losers {
                try keep.execute(arguments: [loser.device.rawValue, loser.seq])
            }
        }
        return .applied(seq: seq, decision: decision)
    }

    /// Every version of one field stored so far.
    public static func versions(of key: FieldKey, in db: Database) throws -> [FieldVersion] {
        let statement = try db.cachedStatement(
            sql: "SELECT device, dseq, hlc, base, value FROM change_log WHERE entity = ? AND entity_id = ? AND field = ?"
        )
        let rows = try Row.fetchCursor(statement, arguments: [key.entity.rawValue, key.entityId, key.field])
        var versions: [FieldVersion] = []
        while let row = try rows.next() {
            versions.append(try fieldVersion(row))
        }
        return versions
    }

    /// Every version stored so far of each of these fields, for the fields that have any.
    ///
    /// One query per 500 fields: the keys go in as one JSON array and meet the log's field index.
    public static func versions(of keys: Set<FieldKey>, in db: Database) throws -> [FieldKey: [FieldVersion]] {
        let statement = try db.cachedStatement(
            sql: """
                SELECT l.entity, l.entity_id, l.field, l.device, l.dseq, l.hlc, l.base, l.value
                FROM json_each(?) k
                JOIN change_log l ON l.entity = json_extract(k.value, '$[0]') AND l.entity_id = json_extract(k.value, '$[1]')
                    AND l.field = json_extract(k.value, '$[2]')
                """
        )
        var result: [FieldKey: [FieldVersion]] = [:]
        let keys = Array(keys)
        for start in stride(from: 0, to: keys.count, by: 500) {
            let chunk = keys[start..<min(start + 500, keys.count)]
            let array = JSONValue.array(chunk.map { .array([.string($0.entity.rawValue), .string($0.entityId), .string($0.field)]) })
            let rows = try Row.fetchCursor(statement, arguments: [array.canonicalJSON])
            while let row = try rows.next() {
                let key = FieldKey(entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"], field: row["field"])
                result[key, default: []].append(try fieldVersion(row))
            }
        }
        return result
    }

    /// Empties the derived tables and merges the whole log again, in log order.
    public static func rebuildDerivedState(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM field_state; DELETE FROM conflict;")
        var state = MergedState()
        var seqByID: [ChangeID: Int64] = [:]
        var changeByID: [ChangeID: Change] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM change_log ORDER BY seq")
        while let row = try rows.next() {
            let change = try ChangeLog.change(row)
            state.apply(change)
            seqByID[change.id] = row["seq"]
            changeByID[change.id] = change
        }
        try writeDerivedState(state, seqByID: seqByID, changeByID: changeByID, in: db)
    }

    /// Writes the values and kept conflicts of a merged state into the derived tables.
    static func writeDerivedState(_ state: MergedState, seqByID: [ChangeID: Int64], changeByID: [ChangeID: Change], in db: Database) throws {
        for (key, field) in state.fields {
            if let current = field.current, let seq = seqByID[current.id], let change = changeByID[current.id] {
                try db.execute(
                    sql: "INSERT INTO field_state (entity, entity_id, field, scope, value, hlc, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [key.entity.rawValue, key.entityId, key.field, change.scope.rawValue, current.value?.canonicalJSON, current.hlc.encoded, seq]
                )
            }
            for loser in field.losers {
                if let seq = seqByID[loser], let change = changeByID[loser] {
                    try db.execute(
                        sql: "INSERT INTO conflict (loser_seq, loser_id, scope, entity, entity_id, field) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [seq, loser.description, change.scope.rawValue, key.entity.rawValue, key.entityId, key.field]
                    )
                }
            }
        }
    }

    static func fieldVersion(_ row: Row) throws -> FieldVersion {
        let device: String = row["device"]
        let hlcText: String = row["hlc"]
        guard let deviceID = DeviceID(rawValue: device), let hlc = HLC(encoded: hlcText) else {
            throw ChangeLogError.corruptRow("device \(device), clock \(hlcText)")
        }
        let baseText: String? = row["base"]
        let valueText: String? = row["value"]
        return FieldVersion(
            id: ChangeID(device: deviceID, seq: row["dseq"]),
            hlc: hlc,
            base: try baseText.map { text in
                guard let base = HLC(encoded: text) else { throw ChangeLogError.corruptRow("base \(text)") }
                return base
            },
            value: try valueText.map { try JSONValue(json: $0) }
        )
    }

    /// Decodes a full `change_log` row.
    public static func change(_ row: Row) throws -> Change {
        let version = try fieldVersion(row)
        let scopeText: String = row["scope"]
        guard let scope = Scope(rawValue: scopeText) else { throw ChangeLogError.corruptRow("scope \(scopeText)") }
        return Change(
            id: version.id, scope: scope, entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"],
            field: row["field"], value: version.value, hlc: version.hlc, base: version.base, author: UserID(row["author"] as String)
        )
    }
}

/// The stored log could not be read back.
public enum ChangeLogError: Error, CustomStringConvertible {
    case corruptRow(String)

    public var description: String {
        switch self {
        case .corruptRow(let what): return "The change log holds a row that cannot be read (\(what)); restore from a backup."
        }
    }
}
