import LogStore
import Foundation
import GRDB
import Shared

/// A revoked laptop's last contact: it learns it was revoked, and may first hand over what it had not sent.
extension SQLServerStore {
    func revokedDevice(forTokenHash hash: String) async throws -> Principal? {
        try await engine.read { db in
            guard let row = try db.fetchOne("""
                    SELECT u.id, u.name, u.role, d.id AS device FROM device d JOIN "user" u ON u.id = d.user_id
                    WHERE d.token_hash = ? AND d.revoked_at IS NOT NULL
                    """,
                [hash]
            ), let role = Role(rawValue: row["role"]), let device = DeviceID(rawValue: row["device"])
            else { return nil }
            return Principal(user: UserID(row["id"] as String), name: row["name"], role: role, device: device)
        }
    }

    func holdFinalPush(_ changes: [Change], from device: DeviceID, now: Date) async throws -> PushResult {
        try await pushes.write(durable: !changes.isEmpty) { [sealing] db in
            var result = PushResult()
            var sealer = sealing.sealer(db)
            for change in changes {
                guard change.id.device == device else {
                    result.rejected.append(Rejection(changeId: change.id, code: .forbidden, reason: "This change was not made on laptop \(device)."))
                    continue
                }
                if try db.exists("SELECT 1 FROM change_log WHERE device = ? AND dseq = ?", [change.id.device.rawValue, change.id.seq]) {
                    result.accepted.append(change.id)
                    continue
                }
                let reason = "Sent by laptop \(device) after it was revoked; a coordinator accepts or discards it."
                try Self.quarantine(try sealer.seal(change), reason: reason, now: now, in: db)
                result.rejected.append(Rejection(changeId: change.id, code: .quarantined, reason: reason))
            }
            return result
        }
    }
}
