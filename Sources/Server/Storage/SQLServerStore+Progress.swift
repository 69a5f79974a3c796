import Foundation
import GRDB
import LogStore
import Shared

extension SQLServerStore: CoordinationStore {
    func fieldworkSnapshot() async throws -> FieldworkSnapshot {
        try await engine.read { [sealing] db in
            let rosterRows = try db.values(String.self, "SELECT value FROM field_state WHERE entity = ? AND field = 'record' AND value IS NOT NULL",
                [Entity.municipality.rawValue]
            )
            let municipalities = try rosterRows.map { try JSONValue(json: $0).decode(as: Municipality.self) }
                .sorted { ($0.nis, $0.validFrom) < ($1.nis, $1.validFrom) }
            var snapshot = FieldworkSnapshot(roster: Roster(municipalities: municipalities))

            for (id, record) in try sealing.storedRecords(of: .contactAttempt, in: db) {
                guard let uuid = UUID(uuidString: id), let nis = record.scope?.municipalityNIS else { continue }
                snapshot.attempts[nis, default: []].append(ContactAttempt(id: uuid, fields: record.fields, logged: record.earliestClock))
            }
            // Forms by id@version, read once: an interview's mode and respondent function follow its answers.
            var forms: [String: Questionnaire?] = [:]
            for (id, record) in try Self.scopedRecords(of: .interview, in: db) {
                guard let uuid = UUID(uuidString: id) else { continue }
                var interview = Interview(id: uuid, fields: try sealing.open(record.fields, entity: .interview, entityId: id))
                if let formID = interview.questionnaire, let version = interview.questionnaireVersion {
                    let key = "\(formID)@\(version)"
                    if forms[key] == nil { forms[key] = .some(try Self.questionnaire(id: formID, version: version, in: db)) }
                    if let form = forms[key] ?? nil { interview = interview.withMetadata(from: form) }
                }
                snapshot.interviews[record.nis, default: []].append(interview)
                if let status = try Self.reviewStatus(ofInterview: id, review: interview.review, in: db) { snapshot.reviewStatuses[uuid] = status }
            }
            let overrides = try db.fetchAll("SELECT entity_id, value, hlc FROM field_state WHERE entity = ? AND field = 'status' AND value IS NOT NULL",
                [Entity.caseFile.rawValue]
            )
            for row in overrides {
                guard let status = try JSONValue(json: row["value"]).stringValue.flatMap(CaseStatus.init(rawValue:)),
                    let hlc = HLC(encoded: row["hlc"])
                else { continue }
                snapshot.overrides[row["entity_id"]] = .init(value: status, hlc: hlc)
            }
            let assignments = try db.fetchAll("SELECT entity_id, value, hlc FROM field_state WHERE entity = ? AND field = 'interviewer' AND value IS NOT NULL",
                [Entity.assignment.rawValue]
            )
            for row in assignments {
                guard let user = try JSONValue(json: row["value"]).stringValue, let hlc = HLC(encoded: row["hlc"]) else { continue }
                snapshot.assignments[row["entity_id"]] = .init(value: UserID(user), hlc: hlc)
            }
            for row in try db.fetchAll("SELECT id, name, role FROM \"user\"") {
                guard let role = Role(rawValue: row["role"]) else { continue }
                let id = UserID(row["id"] as String)
                snapshot.people[id] = .init(id: id, name: row["name"], role: role)
            }
            snapshot.laptops = try db.fetchAll("SELECT id, user_id, name, created_at, last_sync_at, revoked_at FROM device ORDER BY id")
                .compactMap { row -> FieldworkSnapshot.Laptop? in
                    guard let device = DeviceID(rawValue: row["id"]) else { return nil }
                    let lastSync: Double? = row["last_sync_at"]
                    let revoked: Double? = row["revoked_at"]
                    return .init(
                        id: device, user: UserID(row["user_id"] as String), name: row["name"],
                        createdAt: Date(timeIntervalSince1970: row["created_at"]), lastSyncAt: lastSync.map(Date.init(timeIntervalSince1970:)),
                        revokedAt: revoked.map(Date.init(timeIntervalSince1970:))
                    )
                }
            snapshot.openConflicts = try Self.openConflictCount(in: db)
            snapshot.openConflictsByInterview = try Self.openConflictsByInterview(nil, in: db)
            snapshot.logPosition = try ChangeLog.lastSeq(in: db)
            return snapshot
        }
    }

    /// Current fields of every record of a kind, with the NIS code of the scope each sits in.
    private static func scopedRecords(of entity: Entity, in db: any SQLDatabase) throws -> [String: (nis: String, fields: [String: JSONValue])] {
        let rows = try db.fetchAll("SELECT entity_id, scope, field, value FROM field_state WHERE entity = ? AND value IS NOT NULL", [entity.rawValue]
        )
        var records: [String: (nis: String, fields: [String: JSONValue])] = [:]
        for row in rows {
            guard let nis = Scope(rawValue: row["scope"])?.municipalityNIS else { continue }
            let id: String = row["entity_id"]
            records[id, default: (nis, [:])].fields[row["field"]] = try JSONValue(json: row["value"])
        }
        return records
    }

    static func openConflictCount(in db: any SQLDatabase) throws -> Int {
        try db.value(Int.self, """
                SELECT COUNT(*) FROM conflict c
                LEFT JOIN field_state r ON r.entity = 'conflict' AND r.entity_id = c.loser_id AND r.field = 'resolution'
                WHERE r.value IS NULL
                """
        ) ?? 0
    }

    /// Open (unresolved) conflicts per interview: every interview's, or one's.
    static func openConflictsByInterview(_ id: String?, in db: any SQLDatabase) throws -> [String: Int] {
        let rows = try db.fetchAll("""
                SELECT c.entity_id, COUNT(*) AS n FROM conflict c
                LEFT JOIN field_state r ON r.entity = 'conflict' AND r.entity_id = c.loser_id AND r.field = 'resolution'
                WHERE c.entity = 'interview' AND r.value IS NULL \(id == nil ? "" : "AND c.entity_id = ?")
                GROUP BY c.entity_id
                """,
            SQLArguments(id.map { [$0] } ?? [])
        )
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["entity_id"] as String, $0["n"] as Int) })
    }

    func questionnaire(id: String, version: String) async throws -> Questionnaire? {
        try await engine.read { db in try Self.questionnaire(id: id, version: version, in: db) }
    }

    static func questionnaire(id: String, version: String, in db: any SQLDatabase) throws -> Questionnaire? {
        guard let definition = try ChangeLog.fields(of: .questionnaire, id: "\(id)@\(version)", in: db)["definition"] else { return nil }
        return try definition.decode(as: Questionnaire.self)
    }

    func userNames() async throws -> [UserID: String] {
        try await engine.read { db in try Self.userNames(in: db) }
    }

    static func userNames(in db: any SQLDatabase) throws -> [UserID: String] {
        var names: [UserID: String] = [UserID.system: "server"]
        for row in try db.fetchAll("SELECT id, name FROM \"user\"") {
            names[UserID(row["id"] as String)] = row["name"]
        }
        return names
    }
}
