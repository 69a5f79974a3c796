import Foundation
import GRDB
import LogStore
import Shared

/// What a purge of personal data removed.
struct PersonalDataPurge: Codable, Equatable, Sendable {
    /// Changes in the log whose personal value was removed (the change itself stays, with no value).
    var changes: Int
    /// Current values (the derived state) removed with them.
    var currentValues: Int
    /// Quarantined changes whose personal value was removed.
    var quarantined: Int
    /// Values recorded before this moment were removed.
    var before: Date
}

/// Removing personal data from the server after the study's retention date, and the audit trail that records it.
extension SQLServerStore {
    static func registerPersonalDataMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("audit-v1") { db in
            try db.execute(sql: """
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        detail TEXT NOT NULL
                    )
                    """
            )
        }
    }

    /// Removes every personal value (``PersonalData``) recorded before `cutoff` from the log, the derived
    /// state and the quarantine, keeping each change (its id, field, clock and author) and every
    /// non-personal value, and records the purge in the audit trail; then rewrites the database file
    /// (`VACUUM`) and empties the write-ahead log, so that no copy of a removed value stays in the files.
    ///
    /// A value counts as recorded when its change was made (its clock's wall time).
    func purgePersonalData(before cutoff: Date, by actor: Principal, now: Date) async throws -> PersonalDataPurge {
        let cutoffMs = cutoff.millisecondsSince1970
        let result = try await engine.write { db in
            // SQLite: freed space is overwritten with zeros, not left for the next write. PostgreSQL keeps
            // dead row versions until `rewriteFiles` (VACUUM FULL) below.
            try db.sqlitePragma("secure_delete = ON")
            let declared = try Self.declaredPersonalQuestions(in: db)
            func isPersonal(_ entity: String, _ field: String, _ hlc: String) -> Bool {
                guard PersonalData.isPersonal(entity: Entity(rawValue: entity), field: field, personalQuestions: declared) else { return false }
                return (HLC(encoded: hlc)?.wall ?? Int64.max) < cutoffMs
            }
            let rows = try db.fetchAll("SELECT seq, entity, field, hlc FROM change_log WHERE value IS NOT NULL AND entity IN (?, ?, ?)",
                [Entity.interview.rawValue, Entity.contactAttempt.rawValue, Entity.invitation.rawValue]
            )
            let purged: [Int64] = rows.filter { isPersonal($0["entity"], $0["field"], $0["hlc"]) }.map { $0["seq"] }
            var currentValues = 0
            for seq in purged {
                try db.run("UPDATE change_log SET value = NULL WHERE seq = ?", [seq])
                currentValues += try db.run("UPDATE field_state SET value = NULL WHERE change_seq = ? AND value IS NOT NULL", [seq])
            }
            var quarantined = 0
            for row in try db.fetchAll("SELECT change_id, change FROM quarantine") {
                var change = try JSONDecoder().decode(Change.self, from: Data((row["change"] as String).utf8))
                guard change.value != nil, isPersonal(change.entity.rawValue, change.field, change.hlc.encoded) else { continue }
                change.value = nil
                try db.run("UPDATE quarantine SET change = ? WHERE change_id = ?",
                    [String(decoding: try JSONEncoder().encode(change), as: UTF8.self), row["change_id"] as String]
                )
                quarantined += 1
            }
            let purge = PersonalDataPurge(changes: purged.count, currentValues: currentValues, quarantined: quarantined, before: cutoff)
            try db.run("INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, 'purge-personal-data', ?)",
                [now.timeIntervalSince1970, actor.user.rawValue, String(decoding: try JSONEncoder().encode(purge), as: UTF8.self)]
            )
            return purge
        }
        // The old values may still sit in free pages of the file and in the write-ahead log: rewrite both.
        try await rewriteFiles()
        return result
    }

    /// Every question any published form declares personal (a question declared in one version counts in all).
    static func declaredPersonalQuestions(in db: any SQLDatabase) throws -> Set<String> {
        try publishedQuestionnaires(in: db).reduce(into: Set<String>()) { $0.formUnion($1.form.personalQuestions) }
    }

    /// The audit trail, newest first.
    func auditLog() async throws -> [AuditEntry] {
        try await engine.read { db in
            try db.fetchAll("SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC").map { row in
                AuditEntry(at: Date(timeIntervalSince1970: row["at"]), actor: UserID(row["actor"] as String), action: row["action"], detail: row["detail"])
            }
        }
    }
}

/// One line of the audit trail: who did what, when, with the details as JSON.
struct AuditEntry: Codable, Equatable, Sendable {
    var at: Date
    var actor: UserID
    var action: String
    var detail: String
}
