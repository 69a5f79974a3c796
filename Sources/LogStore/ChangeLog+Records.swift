import Foundation
import Shared

/// One record's current non-empty fields, with its scope and the clock it was first written with.
public struct StoredRecord: Sendable, Equatable {
    /// The scope the record's fields sit in.
    public var scope: Scope?
    public var fields: [String: JSONValue]
    /// The earliest clock among the current versions of its fields: when the record was made, for
    /// records whose fields are written together and rarely edited (contact attempts).
    public var earliestClock: HLC?
}

extension ChangeLog {
    /// The current non-empty fields of every record of a kind (optionally in one scope), by record id,
    /// with each record's scope and earliest clock.
    public static func storedRecords(of entity: Entity, scope: Scope? = nil, in db: any SQLDatabase) throws -> [String: StoredRecord] {
        var sql = "SELECT entity_id, scope, field, value, hlc FROM field_state WHERE entity = ? AND value IS NOT NULL"
        var arguments: SQLArguments = [entity.rawValue]
        if let scope {
            sql += " AND scope = ?"
            arguments += [scope.rawValue]
        }
        var records: [String: StoredRecord] = [:]
        for row in try db.fetchAll(sql, arguments) {
            let id: String = row["entity_id"]
            var record = records[id] ?? StoredRecord(scope: Scope(rawValue: row["scope"]), fields: [:], earliestClock: nil)
            record.fields[row["field"]] = try JSONValue(json: row["value"])
            if let clock = (row["hlc"] as String?).flatMap(HLC.init(encoded:)), record.earliestClock.map({ clock < $0 }) ?? true {
                record.earliestClock = clock
            }
            records[id] = record
        }
        return records
    }
}
