import Foundation
import Shared

extension ChangeLog {
    /// Turns local edits into changes of one device and merges them, inside the caller's transaction.
    ///
    /// Each change gets the device's next sequence number, a fresh clock tick, and as `base`
    /// the clock of the field's current version: the version the author saw.
    ///
    /// - Parameters:
    ///   - lastSeq: the device's last used sequence number; advanced past the new changes.
    ///   - clock: the device's clock; ticked once per change.
    ///   - physical: the (corrected) wall time in milliseconds.
    public static func author(
        _ edits: [FieldEdit], lastSeq: inout Int64, clock: inout HybridClock, author: UserID, physical: Int64, in db: any SQLDatabase
    ) throws -> [Change] {
        var changes: [Change] = []
        changes.reserveCapacity(edits.count)
        // One batch: the fields' versions are read once, and each edit's base is the field's value so
        // far, including an earlier edit of the same field in this call.
        var batch = try Batch(keys: Set(edits.lazy.map(\.key)), in: db)
        for edit in edits {
            lastSeq += 1
            let change = Change(
                id: ChangeID(device: clock.device, seq: lastSeq), scope: edit.scope, entity: edit.entity, entityId: edit.entityId,
                field: edit.field, value: edit.value, hlc: clock.tick(physical: physical),
                base: batch.currentClock(of: edit.key), author: author
            )
            try batch.add(change, in: db)
            changes.append(change)
        }
        try batch.finish(in: db)
        return changes
    }
}
