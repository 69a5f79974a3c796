import Foundation
import Shared

/// A version of a field that another overruled, kept for a coordinator to look at.
public struct KeptConflict: Codable, Equatable, Sendable {
    public var key: FieldKey
    public var scope: Scope
    /// The overruled change.
    public var loser: Change
    /// The field's current value as the merge left it.
    public var current: Change?
    /// The resolution, once a coordinator made one (`{"choice": …, "value": …}`).
    public var resolution: JSONValue?

    public var isOpen: Bool { resolution == nil }
}

extension ChangeLog {
    /// The current non-empty fields of one record, by field name.
    public static func fields(of entity: Entity, id entityId: String, in db: any SQLDatabase) throws -> [String: JSONValue] {
        let rows = try db.fetchAll(
            "SELECT field, value FROM field_state WHERE entity = ? AND entity_id = ? AND value IS NOT NULL", [entity.rawValue, entityId]
        )
        var fields: [String: JSONValue] = [:]
        for row in rows {
            fields[row["field"]] = try JSONValue(json: row["value"])
        }
        return fields
    }

    /// The current non-empty fields of every record of a kind (optionally in one scope), by record id.
    public static func records(of entity: Entity, scope: Scope? = nil, in db: any SQLDatabase) throws -> [String: [String: JSONValue]] {
        var sql = "SELECT entity_id, field, value FROM field_state WHERE entity = ? AND value IS NOT NULL"
        var arguments: SQLArguments = [entity.rawValue]
        if let scope {
            sql += " AND scope = ?"
            arguments += [scope.rawValue]
        }
        var records: [String: [String: JSONValue]] = [:]
        for row in try db.fetchAll(sql, arguments) {
            records[row["entity_id"], default: [:]][row["field"]] = try JSONValue(json: row["value"])
        }
        return records
    }

    /// The clock of a field's current version: the `base` of an edit made now.
    public static func currentClock(of key: FieldKey, in db: any SQLDatabase) throws -> HLC? {
        let text = try db.value(
            String.self, "SELECT hlc FROM field_state WHERE entity = ? AND entity_id = ? AND field = ?",
            [key.entity.rawValue, key.entityId, key.field]
        )
        return text.flatMap(HLC.init(encoded:))
    }

    /// One change as stored, in the wire form a pull sends: its id and its JSON.
    public struct WireChange: Sendable {
        public var seq: Int64
        public var id: ChangeID
        /// The change's JSON, as `JSONEncoder` would write the ``Change`` (its stored value copied in as it is).
        public var json: [UInt8]

        /// The change itself, decoded from ``json``.
        public func decoded() throws -> Change {
            try JSONDecoder().decode(Change.self, from: Data(json))
        }
    }

    /// Changes of one scope after a log position, in log order, in wire form: nothing is decoded,
    /// the stored value text goes out as it is, or as `value` turns it (the server opens sealed values
    /// there: entity, id, field and the stored text in, the text to send out).
    public static func wireChanges(
        in scope: Scope, after seq: Int64, limit: Int, value: ((Entity, String, String, String) throws -> String)? = nil, in db: any SQLDatabase
    ) throws -> [WireChange] {
        let rows = try db.fetchAll(
            "SELECT seq, device, dseq, scope, entity, entity_id, field, value, hlc, base, author FROM change_log WHERE scope = ? AND seq > ? ORDER BY seq LIMIT ?",
            [scope.rawValue, seq, limit]
        )
        var result: [WireChange] = []
        for row in rows {
            let device: String = row[1]
            guard let deviceID = DeviceID(rawValue: device) else { throw ChangeLogError.corruptRow("device \(device)") }
            let id = ChangeID(device: deviceID, seq: row[2])
            var valueJSON: String? = row[7]
            if let value, let stored = valueJSON {
                valueJSON = try value(Entity(rawValue: row[4]), row[5], row[6], stored)
            }
            var writer = JSONWriter(capacity: 256)
            Change.writeJSON(
                id: id, scope: row[3], entity: row[4], entityId: row[5], field: row[6], valueJSON: valueJSON, hlc: row[8], base: row[9],
                author: row[10], to: &writer
            )
            result.append(WireChange(seq: row[0], id: id, json: writer.bytes))
        }
        return result
    }

    /// Every change to one record, oldest first by clock: its history.
    public static func history(of entity: Entity, id entityId: String, in db: any SQLDatabase) throws -> [Change] {
        try db.fetchAll("SELECT * FROM change_log WHERE entity = ? AND entity_id = ? ORDER BY hlc", [entity.rawValue, entityId]).map(change)
    }

    /// The highest clock in the log: where a restarted clock must resume.
    public static func maxClock(in db: any SQLDatabase) throws -> HLC? {
        try db.value(String.self, "SELECT MAX(hlc) FROM change_log").flatMap(HLC.init(encoded:))
    }

    /// The last log position.
    public static func lastSeq(in db: any SQLDatabase) throws -> Int64 {
        try db.value(Int64.self, "SELECT MAX(seq) FROM change_log") ?? 0
    }

    /// Kept conflicts, open ones only unless asked, optionally for one record.
    public static func conflicts(openOnly: Bool = true, entity: Entity? = nil, entityId: String? = nil, in db: any SQLDatabase) throws -> [KeptConflict] {
        var sql = """
            SELECT c.loser_id, r.value AS resolution, l.*, s.change_seq AS current_seq
            FROM conflict c
            JOIN change_log l ON l.seq = c.loser_seq
            LEFT JOIN field_state s ON s.entity = c.entity AND s.entity_id = c.entity_id AND s.field = c.field
            LEFT JOIN field_state r ON r.entity = 'conflict' AND r.entity_id = c.loser_id AND r.field = 'resolution'
            WHERE TRUE
            """
        var arguments: SQLArguments = []
        if openOnly { sql += " AND r.value IS NULL" }
        if let entity {
            sql += " AND c.entity = ?"
            arguments += [entity.rawValue]
        }
        if let entityId {
            sql += " AND c.entity_id = ?"
            arguments += [entityId]
        }
        sql += " ORDER BY c.entity, c.entity_id, c.field, l.hlc"
        let rows = try db.fetchAll(sql, arguments)
        return try rows.map { row in
            let loser = try change(row)
            let currentSeq: Int64? = row["current_seq"]
            let current = try currentSeq.flatMap { seq in
                try db.fetchOne("SELECT * FROM change_log WHERE seq = ?", [seq]).map(change)
            }
            let resolutionText: String? = row["resolution"]
            return KeptConflict(
                key: loser.key, scope: loser.scope, loser: loser, current: current,
                resolution: try resolutionText.map { try JSONValue(json: $0) }
            )
        }
    }
}
