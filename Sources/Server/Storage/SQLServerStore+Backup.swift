import Foundation
import GRDB
import LogStore
import Shared

/// What a backup holds: where its log ends, and how big it is.
struct BackupSummary: Codable, Equatable, Sendable {
    /// The file written.
    var path: String
    /// The last change-log position in the backup: every change up to it, and none after.
    var logPosition: Int64
    /// The log's history the backup belongs to (``SQLServerStore/logEpoch``).
    var logEpoch: String
    var bytes: Int64
}

/// Online backups, restores, and the log's epoch: the name of one unbroken history of the change log.
///
/// A restored backup lacks the changes acknowledged after it was taken, and its log positions will be
/// handed out again to other changes. Laptops that synced after the backup hold cursors past its end
/// and, in their own logs, changes the server acknowledged and then lost. A restore therefore gives the
/// log a new epoch; a laptop that syncs with the old one is pulled from position 0 and sends every
/// change it ever made again (pushes are idempotent), so the server gets back whatever any laptop still
/// has, and no laptop skips a change stored at a reused position.
extension SQLServerStore {
    static func registerBackupMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("log-epoch-v1") { db in
            try db.execute(sql: "CREATE TABLE log_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO log_epoch (id, epoch) VALUES (1, ?)", arguments: [Self.newEpoch()])
        }
    }

    /// A fresh epoch: a random UUID's 32 hex digits.
    static func newEpoch() -> String { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }

    /// The log's current epoch.
    static func logEpoch(in db: any SQLDatabase) throws -> String {
        try db.value(String.self, "SELECT epoch FROM log_epoch WHERE id = 1") ?? ""
    }

    /// Copies the database at `database` into `destination` with SQLite's online backup, while a server
    /// keeps serving it: the copy is one consistent moment of the database (writes wait only for each
    /// step). The database is opened read-only and without the personal-data key: sealed values are
    /// copied sealed. The copy is checked (`PRAGMA integrity_check`) before it is reported; its file is
    /// readable by its owner only, as it holds personal data.
    static func backup(database: URL, to destination: URL) throws -> BackupSummary {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let source = try DatabasePool(path: database.path, configuration: configuration)
        FileManager.default.createFile(atPath: destination.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let copy = try DatabaseQueue(path: destination.path)
        try source.backup(to: copy)
        try source.close()
        let (position, epoch) = try copy.read { db in
            try checkIntegrity(db, of: destination.path)
            return (try db.value(Int64.self, "SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0, try logEpoch(in: db))
        }
        try copy.close()
        let bytes = (try? FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? Int64) ?? 0
        return BackupSummary(path: destination.path, logPosition: position, logEpoch: epoch, bytes: bytes ?? 0)
    }

    /// Fails unless SQLite finds the database file whole.
    static func checkIntegrity(_ db: any SQLDatabase, of path: String) throws {
        let result = try db.values(String.self, "PRAGMA integrity_check")
        guard result == ["ok"] else {
            throw BackupError.damaged(path, result.prefix(3).joined(separator: "; "))
        }
    }

    /// Checks that `file` is a whole Veldwerk server database that this version can open, and returns its
    /// log position and epoch (nothing is written).
    static func inspectBackup(_ file: URL) throws -> (logPosition: Int64, logEpoch: String) {
        guard FileManager.default.isReadableFile(atPath: file.path) else { throw BackupError.unreadable(file.path) }
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: file.path, configuration: configuration) } catch { throw BackupError.notADatabase(file.path) }
        defer { try? queue.close() }
        return try queue.read { db in
            do { try checkIntegrity(db, of: file.path) } catch let error as BackupError { throw error } catch { throw BackupError.notADatabase(file.path) }
            guard try db.tableExists("change_log"), try db.tableExists("grdb_migrations") else { throw BackupError.notVeldwerk(file.path) }
            let applied = Set(try db.values(String.self, "SELECT identifier FROM grdb_migrations"))
            let known = Set(migrator.migrations)
            guard applied.isSubset(of: known) else { throw BackupError.newerVersion(file.path, applied.subtracting(known).sorted()) }
            let epoch = try db.tableExists("log_epoch") ? try logEpoch(in: db) : ""
            return (try db.value(Int64.self, "SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0, epoch)
        }
    }

    /// Puts a backup in place as the database at `database`, with a new log epoch (see above).
    ///
    /// The backup is checked first and copied beside the target, made durable, and renamed over it, so a
    /// failure at any point leaves the old database as it was. An existing database is kept beside it as
    /// `veldwerk.sqlite.replaced-<time>` (with its write-ahead log folded in), never deleted.
    /// The server must be stopped (``ServeLock``).
    static func restore(from backup: URL, to database: URL, now: Date) throws -> (summary: BackupSummary, replaced: URL?) {
        _ = try inspectBackup(backup)
        let folder = database.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var replaced: URL?
        if FileManager.default.fileExists(atPath: database.path) {
            // Folds the write-ahead log into the file, so the kept copy is whole on its own.
            let old = try DatabaseQueue(path: database.path)
            try old.writeWithoutTransaction { db in try db.run("PRAGMA wal_checkpoint(TRUNCATE)") }
            try old.close()
            let stamp = ISO8601DateFormatter.string(from: now, timeZone: .gmt, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
            let kept = folder.appendingPathComponent("\(database.lastPathComponent).replaced-\(stamp)")
            try FileManager.default.moveItem(at: database, to: kept)
            replaced = kept
        }
        for suffix in ["-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: database.path + suffix)
        }
        let incoming = folder.appendingPathComponent(".\(database.lastPathComponent).restoring")
        try? FileManager.default.removeItem(at: incoming)
        try FileManager.default.copyItem(at: backup, to: incoming)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: incoming.path)
        let epoch = newEpoch()
        let queue = try DatabaseQueue(path: incoming.path)
        let position = try queue.write { db in
            try db.run("CREATE TABLE IF NOT EXISTS log_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL)")
            try db.run("INSERT OR REPLACE INTO log_epoch (id, epoch) VALUES (1, ?)", [epoch])
            return try db.value(Int64.self, "SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
        }
        try queue.writeWithoutTransaction { db in try db.run("PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: incoming.path + suffix) }
        let handle = try FileHandle(forUpdating: incoming)
        try handle.synchronize()
        try handle.close()
        try FileManager.default.moveItem(at: incoming, to: database)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int64) ?? 0
        return (BackupSummary(path: database.path, logPosition: position, logEpoch: epoch, bytes: bytes ?? 0), replaced)
    }
}

/// Why a backup cannot be made or restored, in words an operator can act on.
enum BackupError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case notADatabase(String)
    case notVeldwerk(String)
    case damaged(String, String)
    case newerVersion(String, [String])
    case serverRunning(String)

    var description: String {
        switch self {
        case .unreadable(let path):
            return localized(nl: "\(path) bestaat niet of is niet leesbaar.", en: "\(path) does not exist or cannot be read.")
        case .notADatabase(let path):
            return localized(nl: "\(path) is geen SQLite-databank.", en: "\(path) is not an SQLite database.")
        case .notVeldwerk(let path):
            return localized(nl: "\(path) is geen back-up van een Veldwerk-server.", en: "\(path) is not a backup of a Veldwerk server.")
        case .damaged(let path, let detail):
            return localized(
                nl: "\(path) is beschadigd (\(detail)); neem een andere back-up.",
                en: "\(path) is damaged (\(detail)); use another backup."
            )
        case .newerVersion(let path, let migrations):
            return localized(
                nl: "\(path) komt van een nieuwere versie van Veldwerk (\(migrations.joined(separator: ", "))); zet ze terug met die versie.",
                en: "\(path) comes from a newer version of Veldwerk (\(migrations.joined(separator: ", "))); restore it with that version."
            )
        case .serverRunning(let folder):
            return localized(
                nl: "Er draait een server op \(folder); stop hem eerst (een terugzetting onder een draaiende server zou wat hij schrijft verliezen).",
                en: "A server is running on \(folder); stop it first (restoring under a running server would lose what it writes)."
            )
        }
    }
}
