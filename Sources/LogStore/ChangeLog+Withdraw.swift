import Foundation
import Shared

extension ChangeLog {
    /// Takes changes that never left this store out of the log and merges their fields again from what remains.
    ///
    /// Only for changes no one else has (the laptop's own changes the server refused): the log is
    /// the truth, and a change another replica holds must never be withdrawn. Runs inside the
    /// caller's transaction. Returns the withdrawn changes, in log order.
    @discardableResult
    public static func withdraw(_ ids: [ChangeID], in db: any SQLDatabase) throws -> [Change] {
        var withdrawn: [Change] = []
        for id in ids {
            if let row = try db.fetchOne("SELECT * FROM change_log WHERE device = ? AND dseq = ?", [id.device.rawValue, id.seq]) {
                withdrawn.append(try change(row))
            }
        }
        let keys = Set(withdrawn.map(\.key))
        for key in keys {
            try db.run("DELETE FROM conflict WHERE entity = ? AND entity_id = ? AND field = ?", [key.entity.rawValue, key.entityId, key.field])
            try db.run("DELETE FROM field_state WHERE entity = ? AND entity_id = ? AND field = ?", [key.entity.rawValue, key.entityId, key.field])
        }
        for change in withdrawn {
            try db.run("DELETE FROM change_log WHERE device = ? AND dseq = ?", [change.id.device.rawValue, change.id.seq])
        }
        for key in keys {
            try rebuildDerivedState(of: key, in: db)
        }
        return withdrawn
    }

    /// Merges one field again from every version of it in the log (its derived rows must be gone already).
    static func rebuildDerivedState(of key: FieldKey, in db: any SQLDatabase) throws {
        let logged = try db.fetchAll(
            "SELECT * FROM change_log WHERE entity = ? AND entity_id = ? AND field = ? ORDER BY seq", [key.entity.rawValue, key.entityId, key.field]
        ).map { row in Logged(change: try ChangeLog.change(row), seq: row["seq"]) }
        try writeDerivedState(of: key, from: logged, in: db)
    }
}
