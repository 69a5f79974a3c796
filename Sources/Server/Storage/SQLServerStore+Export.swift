import Foundation
import GRDB
import LogStore
import Shared

extension SQLServerStore: ExportStore {
    /// Registers the export tables: the secret key behind pseudonyms, made once per database.
    static func registerExportMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("export-v1") { db in
            try db.execute(sql: """
                    CREATE TABLE export_secret (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        secret BLOB NOT NULL CHECK (length(secret) = 32)
                    )
                    """
            )
            var generator = SystemRandomNumberGenerator()
            let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            try db.execute(sql: "INSERT INTO export_secret (id, secret) VALUES (1, ?)", arguments: [Data(secret)])
        }
    }

    /// Opens a snapshot: one read transaction that every page of the export reads from.
    func beginExport() async throws -> any ExportReading {
        let snapshot = try await engine.snapshot()
        let position = try await snapshot.read { db in try ChangeLog.lastSeq(in: db) }
        return SnapshotExportReading(snapshot: snapshot, sealing: sealing, logPosition: position)
    }
}

/// ``ExportReading`` over an engine's snapshot: a connection holding one read transaction (writers go
/// on meanwhile), released when the export is done and this value goes away.
final class SnapshotExportReading: ExportReading {
    private let snapshot: any SQLSnapshot
    /// Opens sealed personal values (the exporter leaves them out unless asked to include personal data).
    private let sealing: PersonalDataSealing
    let logPosition: Int64

    init(snapshot: any SQLSnapshot, sealing: PersonalDataSealing, logPosition: Int64) {
        self.snapshot = snapshot
        self.sealing = sealing
        self.logPosition = logPosition
    }

    func study() async throws -> ExportStudy {
        try await snapshot.read { db in
            let forms = try ChangeLog.records(of: .questionnaire, in: db).values.compactMap { fields in
                try fields["definition"]?.decode(as: Questionnaire.self)
            }
            let municipalities = try ChangeLog.records(of: .municipality, in: db).values.compactMap { fields in
                try fields["record"]?.decode(as: Municipality.self)
            }
            var users: [UserID: User] = [:]
            for row in try db.fetchAll("SELECT id, name, email, role FROM \"user\"") {
                guard let role = Role(rawValue: row["role"]) else { continue }
                let id = UserID(row["id"] as String)
                users[id] = User(id: id, name: row["name"], email: row["email"], role: role)
            }
            let secret = try db.value(Data.self, "SELECT secret FROM export_secret WHERE id = 1") ?? Data()
            return ExportStudy(
                questionnaires: forms,
                roster: Roster(municipalities: municipalities.sorted { ($0.nis, $0.validFrom) < ($1.nis, $1.validFrom) }),
                users: users, pseudonymKey: Array(secret), logPosition: self.logPosition
            )
        }
    }

    func interviews(after id: String?, limit: Int, changedAfter: Int64?) async throws -> [InterviewFields] {
        try await snapshot.read { [sealing] db in
            // The page's ids in key order (the primary key index), then their fields in one range scan.
            var sql = "SELECT DISTINCT entity_id FROM field_state WHERE entity = 'interview' AND entity_id > ?"
            var arguments: SQLArguments = [id ?? ""]
            if let changedAfter {
                sql += " AND change_seq > ?"
                arguments += [changedAfter]
            }
            sql += " ORDER BY entity_id LIMIT ?"
            arguments += [limit]
            let ids = try db.values(String.self, sql, arguments)
            guard let first = ids.first, let last = ids.last else { return [] }
            let wanted = changedAfter == nil ? nil : Set(ids)
            let rows = try db.fetchAll("""
                    SELECT entity_id, field, value FROM field_state
                    WHERE entity = 'interview' AND entity_id BETWEEN ? AND ? AND value IS NOT NULL
                    ORDER BY entity_id, field
                    """,
                [first, last]
            )
            var result: [InterviewFields] = []
            result.reserveCapacity(ids.count)
            for row in rows {
                let entityID: String = row["entity_id"]
                if let wanted, !wanted.contains(entityID) { continue }
                if result.last?.id != entityID { result.append(InterviewFields(id: entityID, fields: [:])) }
                result[result.count - 1].fields[row["field"]] = try JSONValue(json: row["value"])
            }
            for index in result.indices {
                result[index].fields = try sealing.open(result[index].fields, entity: .interview, entityId: result[index].id)
                let review = result[index].fields[Interview.Field.review]
                result[index].reviewStatus = try SQLServerStore.reviewStatus(ofInterview: result[index].id, review: review, in: db)
            }
            return result
        }
    }

    func longestStrings(of fields: [String]) async throws -> [String: Int] {
        let patterns = fields.compactMap(RepeatAnswerPattern.question(in:))
        let plain = fields.filter { RepeatAnswerPattern.question(in: $0) == nil }
        guard !fields.isEmpty else { return [:] }
        return try await snapshot.read { [sealing] db in
            var longest: [String: Int] = [:]
            /// Sealed values are measured opened: `key` names the column a sealed field's value counts for (nil: none).
            func measureSealed(_ sql: String, _ arguments: SQLArguments, key: (String) -> String?) throws {
                let sealed = try db.fetchAll(sql, arguments)
                for row in sealed {
                    let field: String = row["field"]
                    guard let column = key(field),
                        case .string(let text)? = try sealing.open(try JSONValue(json: row["value"]), entity: .interview, entityId: row["entity_id"], field: field)
                    else { continue }
                    longest[column] = max(longest[column] ?? 0, text.utf8.count)
                }
            }
            if !plain.isEmpty {
                let placeholders = Array(repeating: "?", count: plain.count).joined(separator: ", ")
                let rows = try db.fetchAll(
                    """
                    SELECT field, MAX(\(db.dialect.jsonStringBytes("value"))) AS bytes FROM field_state
                    WHERE entity = 'interview' AND field IN (\(placeholders)) AND \(db.dialect.isJSONString("value"))
                    GROUP BY field
                    """,
                    SQLArguments(plain)
                )
                for row in rows { longest[row["field"]] = row["bytes"] }
                try measureSealed(
                    """
                    SELECT entity_id, field, value FROM field_state
                    WHERE entity = 'interview' AND field IN (\(placeholders)) AND value LIKE '{"$sealed"%'
                    """,
                    SQLArguments(plain), key: { $0 }
                )
            }
            if !patterns.isEmpty {
                // repeats.<instance>.<question>: the question is what follows the second dot.
                let wanted = Set(patterns)
                let rows = try db.fetchAll(
                    """
                    SELECT substr(field, 9 + \(db.dialect.position(of: "'.'", in: "substr(field, 9)"))) AS question,
                           MAX(\(db.dialect.jsonStringBytes("value"))) AS bytes FROM field_state
                    WHERE entity = 'interview' AND field LIKE 'repeats.%.%' AND \(db.dialect.isJSONString("value"))
                    GROUP BY question
                    """
                )
                for row in rows {
                    let question: String = row["question"]
                    if wanted.contains(question) { longest[RepeatAnswerPattern.field(question)] = row["bytes"] }
                }
                try measureSealed(
                    """
                    SELECT entity_id, field, value FROM field_state
                    WHERE entity = 'interview' AND field LIKE 'repeats.%.%' AND value LIKE '{"$sealed"%'
                    """,
                    SQLArguments(),
                    key: { field in
                        let question = field.split(separator: ".", maxSplits: 2).dropFirst(2).first.map(String.init) ?? ""
                        return wanted.contains(question) ? RepeatAnswerPattern.field(question) : nil
                    }
                )
            }
            return longest
        }
    }
}
