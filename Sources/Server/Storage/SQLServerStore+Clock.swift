import LogStore
import Foundation
import GRDB
import Shared

/// Laptop clocks: changes refused for a clock too far ahead, and the devices coordinators should look at.
extension SQLServerStore {
    static func registerClockMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("server-clock-v1") { db in
            try db.execute(sql: """
                    CREATE TABLE device_clock (
                        device_id TEXT PRIMARY KEY REFERENCES device (id),
                        skewed_changes INTEGER NOT NULL DEFAULT 0,
                        last_skewed_at REAL
                    );
                    """
            )
        }
    }

    /// Notes that a device pushed changes whose clock was too far ahead.
    func recordClockSkew(device: DeviceID, changes: Int, at now: Date) async throws {
        try await engine.write { db in
            try db.run("""
                    INSERT INTO device_clock (device_id, skewed_changes, last_skewed_at) VALUES (?, ?, ?)
                    ON CONFLICT (device_id) DO UPDATE SET
                        skewed_changes = device_clock.skewed_changes + excluded.skewed_changes, last_skewed_at = excluded.last_skewed_at
                    """,
                [device.rawValue, changes, now.timeIntervalSince1970]
            )
        }
    }

    /// Devices whose last measured clock offset is beyond `limitMs`, or that ever pushed changes stamped too far ahead.
    func flaggedDevices(limitMs: Int64) async throws -> [FlaggedDevice] {
        try await engine.read { db in
            try db.fetchAll("""
                    SELECT d.id, d.user_id, u.name AS user_name, d.name, d.last_sync_at, d.clock_offset_ms,
                        COALESCE(c.skewed_changes, 0) AS skewed_changes, c.last_skewed_at
                    FROM device d JOIN "user" u ON u.id = d.user_id LEFT JOIN device_clock c ON c.device_id = d.id
                    WHERE d.revoked_at IS NULL AND (ABS(COALESCE(d.clock_offset_ms, 0)) > ? OR COALESCE(c.skewed_changes, 0) > 0)
                    ORDER BY u.name, d.created_at
                    """,
                [limitMs]
            ).compactMap { row in
                guard let id = DeviceID(rawValue: row["id"]) else { return nil }
                let offset: Int64? = row["clock_offset_ms"]
                let skewed: Int = row["skewed_changes"]
                let lastSync: Double? = row["last_sync_at"]
                let lastSkewed: Double? = row["last_skewed_at"]
                var reasons: [String] = []
                if let offset, abs(offset) > limitMs {
                    reasons.append("its clock was \(Self.duration(abs(offset))) \(offset < 0 ? "ahead" : "behind") at its last sync")
                }
                if skewed > 0 {
                    reasons.append("\(skewed) of its changes were stamped too far ahead and were stamped again")
                }
                return FlaggedDevice(
                    id: id, user: UserID(row["user_id"] as String), userName: row["user_name"], name: row["name"],
                    lastSyncAt: lastSync.map(Date.init(timeIntervalSince1970:)), clockOffsetMs: offset, skewedChanges: skewed,
                    lastSkewedAt: lastSkewed.map(Date.init(timeIntervalSince1970:)),
                    reason: reasons.joined(separator: "; ").capitalisingFirst + "; check the laptop's date, time and time zone."
                )
            }
        }
    }

    private static func duration(_ ms: Int64) -> String {
        let minutes = ms / 60_000
        if minutes >= 120 { return "\(minutes / 60) hours" }
        if minutes >= 1 { return "\(minutes) minutes" }
        return "\(ms / 1000) seconds"
    }
}

private extension String {
    var capitalisingFirst: String { prefix(1).uppercased() + dropFirst() }
}
