import Foundation
import GRDB
import Shared

/// The server's log history this laptop last synced with (``SyncResponse/logEpoch``).
///
/// A server restored from a backup starts a new history: it may have lost changes it acknowledged
/// to this laptop after the backup, and the log positions of this laptop's cursors now hold other
/// changes. So when the history changes, every change this laptop made goes back in the outbox (the
/// server stores each once, whatever is sent twice), and the server pulls it from the start.
extension ClientStore {
    static func registerLogEpochMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("client-v4-log-epoch") { db in
            try db.execute(sql: "ALTER TABLE profile ADD COLUMN log_epoch TEXT")
        }
    }

    /// The log history of the last sync, nil before the first (or with a server that names none).
    func logEpoch() throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT log_epoch FROM profile WHERE id = 1") }
    }

    /// Notes the server's log history; when it is another than the last one, queues every change this
    /// laptop made (except those the server refused for good) to be sent again. Returns how many were queued.
    @discardableResult
    static func follow(logEpoch epoch: String?, in db: Database) throws -> Int {
        guard let epoch else { return 0 }
        guard let row = try Row.fetchOne(db, sql: "SELECT device, log_epoch FROM profile WHERE id = 1") else { return 0 }
        let known: String? = row["log_epoch"]
        guard known != epoch else { return 0 }
        try db.execute(sql: "UPDATE profile SET log_epoch = ? WHERE id = 1", arguments: [epoch])
        guard known != nil else { return 0 }
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO outbox (device, dseq)
                SELECT device, dseq FROM change_log
                WHERE device = ? AND device || ':' || dseq NOT IN (SELECT change_id FROM rejected)
                """,
            arguments: [row["device"] as String]
        )
        return db.changesCount
    }
}
