import Foundation
import GRDB
import LogStore
import Shared

extension ClientStore {
    /// Stamps again the laptop's unsent changes whose clock is too far ahead of the corrected time,
    /// inside the caller's transaction; the caller then sets the clock back to the log's newest
    /// timestamp. Returns how many were stamped again.
    ///
    /// A laptop whose clock ran ahead before it ever measured its offset has stamped its offline
    /// edits in the future; the server refuses those (`clockSkew`). They never left the laptop, so
    /// they are withdrawn from the local log and recorded again as new changes (new ids) with the
    /// same values: stamped at the estimated real time of the edit (the old stamp moved by the
    /// newly measured offset, never later than now), in their original order, each after the version
    /// its author saw. A base that pointed at a withdrawn change points at its replacement.
    ///
    /// - Parameters:
    ///   - correctedNow: the laptop's time corrected by the new offset, in milliseconds.
    ///   - shiftMs: new offset minus the offset in force when the changes were stamped.
    static func restampTooFarAhead(correctedNow: Int64, shiftMs: Int64, in db: Database) throws -> Int {
        guard let row = try Row.fetchOne(db, sql: "SELECT device, user_id, last_seq FROM profile WHERE id = 1"),
            let device = DeviceID(rawValue: row["device"])
        else { throw ClientError.notEnrolled }
        let limit = correctedNow + ClockSkew.limitMilliseconds
        let ids = try Row.fetchAll(
            db,
            sql: """
                SELECT l.device, l.dseq FROM \(ClientStore.outboxChanges)
                WHERE l.hlc >= ? ORDER BY l.seq
                """,
            arguments: [String(HLC(wall: limit + 1, counter: 0, device: device).encoded.prefix(16))]
        ).map { ChangeID(device: DeviceID(rawValue: $0["device"]) ?? device, seq: $0["dseq"]) }
        guard !ids.isEmpty else { return 0 }

        for id in ids {
            try db.execute(sql: "DELETE FROM outbox WHERE device = ? AND dseq = ?", arguments: [id.device.rawValue, id.seq])
        }
        let withdrawn = try ChangeLog.withdraw(ids, in: db)
        var lastSeq: Int64 = row["last_seq"]
        var stamps = HybridClock(device: device)
        var replaced: [HLC: HLC] = [:]
        let queue = try db.cachedStatement(sql: "INSERT INTO outbox (device, dseq) VALUES (?, ?)")
        for old in withdrawn {
            let base = old.base.map { replaced[$0] ?? $0 }
            let estimate = min(max(old.hlc.wall + shiftMs, (base?.wall ?? 0) + 1), correctedNow)
            if let base, base.wall >= estimate { stamps.receive(base, physical: estimate) }
            lastSeq += 1
            let change = Change(
                id: ChangeID(device: device, seq: lastSeq), scope: old.scope, entity: old.entity, entityId: old.entityId, field: old.field,
                value: old.value, hlc: stamps.tick(physical: estimate), base: base, author: old.author
            )
            replaced[old.hlc] = change.hlc
            try ChangeLog.apply(change, in: db)
            try queue.execute(arguments: [device.rawValue, lastSeq])
        }
        try db.execute(sql: "UPDATE profile SET last_seq = ? WHERE id = 1", arguments: [lastSeq])
        return withdrawn.count
    }
}
