import Foundation
import GRDB
import Shared

/// Removing a study's data from the laptop: after a revocation, or when the study ends (`veldwerk purge`).
extension ClientStore {
    /// A revoked laptop's last sync: drops from the outbox what the server took (accepted, or held in its
    /// quarantine), and nothing else: no merge, no cursor, no clock.
    func handOver(_ response: SyncResponse) throws {
        try pool.write { db in
            let dequeue = try db.cachedStatement(sql: "DELETE FROM outbox WHERE device = ? AND dseq = ?")
            for id in response.accepted + response.rejected.map(\.changeId) {
                try dequeue.execute(arguments: [id.device.rawValue, id.seq])
            }
        }
    }

    /// What the study left on this laptop, for the sentence that says what was removed.
    struct Contents: Equatable, Sendable, Encodable {
        var interviews: Int
        var contacts: Int
        var unsentChanges: Int
    }

    func contents() throws -> Contents {
        let count = "SELECT COUNT(DISTINCT entity_id) FROM field_state WHERE entity = ?"
        return try pool.read { db in
            Contents(
                interviews: try Int.fetchOne(db, sql: count, arguments: [Entity.interview.rawValue]) ?? 0,
                contacts: try Int.fetchOne(db, sql: count, arguments: [Entity.contactAttempt.rawValue]) ?? 0,
                unsentChanges: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
            )
        }
    }

    /// The profile's database files: the database, its write-ahead log and shared-memory index.
    static func databaseFiles(home: URL) -> [URL] {
        let database = home.appendingPathComponent("veldwerk.sqlite")
        return ["", "-wal", "-shm", "-journal"].map { URL(fileURLWithPath: database.path + $0) }
    }

    /// Deletes the study's data in `home`: each database file is overwritten with zeros, then removed; the
    /// folder goes too when nothing else is in it. Call with no ``ClientStore`` open on `home`.
    ///
    /// Overwriting makes the bytes unreadable through the file system on disks that write in place; an
    /// SSD may keep copies in blocks it has remapped, which only disk encryption covers.
    /// - Returns: whether there was anything to remove.
    @discardableResult
    static func removeStudyData(home: URL) throws -> Bool {
        var removed = false
        for file in databaseFiles(home: home) where FileManager.default.fileExists(atPath: file.path) {
            if let handle = try? FileHandle(forUpdating: file) {
                let size = (try? handle.seekToEnd()) ?? 0
                try handle.seek(toOffset: 0)
                let zeros = Data(count: 1 << 16)
                var left = size
                while left > 0 {
                    let chunk = Int(min(left, UInt64(zeros.count)))
                    try handle.write(contentsOf: zeros.prefix(chunk))
                    left -= UInt64(chunk)
                }
                try handle.synchronize()
                try handle.close()
            }
            try FileManager.default.removeItem(at: file)
            removed = true
        }
        if let left = try? FileManager.default.contentsOfDirectory(atPath: home.path), left.isEmpty {
            try? FileManager.default.removeItem(at: home)
        }
        return removed
    }
}
