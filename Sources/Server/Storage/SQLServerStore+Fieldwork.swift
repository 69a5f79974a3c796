import Foundation
import GRDB
import LogStore
import Shared

/// Fieldwork set-up: questionnaire versions, the roster, people, laptops, assignments and quarantine.
extension SQLServerStore {
    // MARK: Questionnaires

    func publishQuestionnaire(_ form: Questionnaire, by author: Principal, now: Date) async throws -> PublishResult {
        let definition = try JSONValue(encoding: form)
        return try await engine.write { db in
            let existing = try Self.publishedQuestionnaires(in: db)
            if let same = existing.first(where: { $0.form.id == form.id && $0.form.version == form.version }) {
                guard same.form == form else {
                    throw DomainError.conflict(
                        "Version \(form.version) of \(form.id) is published already with other content; raise `version` in the settings sheet to publish a new version.",
                        code: "version_exists"
                    )
                }
                return PublishResult(questionnaire: Self.summary(same.form, publishedAt: same.publishedAt), published: false)
            }
            for earlier in existing where earlier.form.id == form.id {
                for question in form.questions {
                    guard let old = earlier.form.question(named: question.name), old.type != question.type else { continue }
                    throw XLSFormError(
                        sheet: "survey", row: question.row, column: "type",
                        reason: "\(question.name) was \(old.type.xlsform) in version \(earlier.form.version) and is \(question.type.xlsform) now; a question keeps its type across versions (give the new question a new name)"
                    )
                }
            }
            _ = try Self.author(
                [FieldEdit(scope: .global, entity: .questionnaire, entityId: "\(form.id)@\(form.version)", field: "definition", value: definition)],
                by: author.user, now: now, sealing: self.sealing, in: db
            )
            return PublishResult(questionnaire: Self.summary(form, publishedAt: ISO8601DateFormatter().string(from: now)), published: true)
        }
    }

    func questionnaireSummaries() async throws -> [QuestionnaireSummary] {
        try await engine.read { db in
            try Self.publishedQuestionnaires(in: db).map { Self.summary($0.form, publishedAt: $0.publishedAt) }
        }
    }

    /// The `default_language` of the questionnaire published last: the language the dashboard speaks by default.
    func studyLanguage() async throws -> String? {
        try await engine.read { db in
            try db.value(
                String.self,
                """
                SELECT \(db.dialect.jsonText("s.value", "defaultLanguage")) FROM field_state s JOIN change_log l ON l.seq = s.change_seq
                WHERE s.entity = 'questionnaire' AND s.field = 'definition' AND s.value IS NOT NULL ORDER BY l.seq DESC LIMIT 1
                """
            )
        }
    }

    static func publishedQuestionnaires(in db: any SQLDatabase) throws -> [(form: Questionnaire, publishedAt: String?)] {
        let rows = try db.fetchAll("""
                SELECT s.value, l.hlc FROM field_state s JOIN change_log l ON l.seq = s.change_seq
                WHERE s.entity = 'questionnaire' AND s.field = 'definition' AND s.value IS NOT NULL ORDER BY l.seq
                """
        )
        return try rows.map { row in
            let form = try JSONValue(json: row["value"]).decode(as: Questionnaire.self)
            let published = HLC(encoded: row["hlc"]).map { ISO8601DateFormatter().string(from: Date(milliseconds: $0.wall)) }
            return (form, published)
        }
    }

    private static func summary(_ form: Questionnaire, publishedAt: String?) -> QuestionnaireSummary {
        QuestionnaireSummary(
            id: form.id, version: form.version, title: form.title.text(nil), questions: form.questions.filter(\.type.isAnswerable).count,
            publishedAt: publishedAt
        )
    }

    // MARK: Roster

    /// Loads municipality rows; only rows that are new or differ become changes.
    func loadRoster(_ roster: Roster, by author: Principal, now: Date) async throws -> RosterLoadResult {
        let encoded = try roster.municipalities.map { ($0, try JSONValue(encoding: $0)) }
        return try await engine.write { db in
            let current = try ChangeLog.records(of: .municipality, in: db)
            let edits = encoded.compactMap { municipality, value -> FieldEdit? in
                let id = "\(municipality.nis)@\(municipality.validFrom)"
                guard current[id]?["record"] != value else { return nil }
                return FieldEdit(scope: .global, entity: .municipality, entityId: id, field: "record", value: value)
            }
            _ = try Self.author(edits, by: author.user, now: now, sealing: self.sealing, in: db)
            return RosterLoadResult(
                rows: roster.municipalities.count, changed: edits.count, validOn2024: roster.municipalities(validOn: "2024-12-31").count,
                validOn2025: roster.municipalities(validOn: "2025-01-01").count
            )
        }
    }

    /// The roster as the log holds it now.
    func roster() async throws -> Roster {
        try await engine.read { db in try Self.roster(in: db) }
    }

    static func roster(in db: any SQLDatabase) throws -> Roster {
        let records = try ChangeLog.records(of: .municipality, in: db)
        let municipalities = try records.values.compactMap { try $0["record"]?.decode(as: Municipality.self) }
        return Roster(municipalities: municipalities.sorted { ($0.nis, $0.validFrom) < ($1.nis, $1.validFrom) })
    }

    // MARK: People

    func users(role: Role? = nil) async throws -> [User] {
        try await engine.read { db in
            var sql = "SELECT * FROM \"user\""
            var arguments: SQLArguments = []
            if let role {
                sql += " WHERE role = ?"
                arguments += [role.rawValue]
            }
            return try db.fetchAll(sql + " ORDER BY name, id", arguments).compactMap { row in
                Role(rawValue: row["role"]).map { User(id: UserID(row["id"] as String), name: row["name"], email: row["email"], role: $0) }
            }
        }
    }

    /// Creates users from CSV text with columns `name` and optionally `email` and `role` (default interviewer).
    ///
    /// All rows are checked before any is stored; interviewers get an enrolment code each. Only an admin
    /// (`creator`) may create admins: their tokens export personal data.
    func createUsers(csv: String, codeLifetime: TimeInterval, now: Date, creator: Role = .admin) async throws -> [CreatedUser] {
        let table: CSVReader.Table
        do {
            table = try CSVReader.table(csv)
        } catch {
            throw DomainError.invalid("The user list is not valid CSV: \(error).")
        }
        guard table.hasColumn("name") else {
            throw DomainError.invalid("The user list needs a header row with a `name` column (and optionally `email`, `role`).")
        }
        var people: [(String, String?, Role)] = []
        for record in table.records {
            let name = (record["name"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw DomainError.invalid("Row \(record.row): the name is empty.") }
            for (column, text) in [("name", record["name"]), ("email", record["email"]), ("role", record["role"])] {
                do {
                    try DomainError.checkControlCharacters(text, in: "the \(column)")
                } catch let error as DomainError {
                    throw DomainError.invalid("Row \(record.row): \(error.message) Nobody was created.", code: error.code)
                }
            }
            let roleText = (record["role"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard let role = roleText.isEmpty ? .interviewer : Role(rawValue: roleText) else {
                throw DomainError.invalid("Row \(record.row): role \"\(roleText)\" is not interviewer, coordinator, researcher or admin.")
            }
            if role == .admin && creator != .admin {
                throw DomainError.forbidden("Row \(record.row): only an admin may create another admin; you are signed in as \(creator.rawValue). Nobody was created.")
            }
            let email = (record["email"] ?? "").trimmingCharacters(in: .whitespaces)
            if !email.isEmpty && !email.contains("@") { throw DomainError.invalid("Row \(record.row): \"\(email)\" is not an e-mail address.") }
            people.append((name, email.isEmpty ? nil : email, role))
        }
        var created: [CreatedUser] = []
        for (name, email, role) in people {
            let user = try await createUser(name: name, role: role, email: email, now: now)
            if role == .interviewer {
                created.append(CreatedUser(user: user, token: nil, enrolmentCode: try await issueEnrolmentCode(for: user.id, lifetime: codeLifetime, now: now)))
            } else {
                created.append(CreatedUser(user: user, token: try await issueAPIToken(for: user.id, now: now), enrolmentCode: nil))
            }
        }
        return created
    }

    /// Finds a user by id, e-mail or exact name (for CSV assignment lists).
    func findUser(_ text: String) async throws -> User? {
        try await engine.read { db in
            let wanted = text.trimmingCharacters(in: .whitespaces)
            let rows = try db.fetchAll("SELECT * FROM \"user\" WHERE id = ? OR lower(email) = lower(?) OR name = ?", [wanted, wanted, wanted])
            guard rows.count == 1, let row = rows.first, let role = Role(rawValue: row["role"]) else { return nil }
            return User(id: UserID(row["id"] as String), name: row["name"], email: row["email"], role: role)
        }
    }

    // MARK: Laptops

    func devices() async throws -> [DeviceInfo] {
        try await engine.read { db in
            try db.fetchAll("SELECT d.*, u.name AS user_name FROM device d JOIN \"user\" u ON u.id = d.user_id ORDER BY u.name, d.created_at"
            ).compactMap { row in
                guard let id = DeviceID(rawValue: row["id"]) else { return nil }
                let lastSync: Double? = row["last_sync_at"]
                let revoked: Double? = row["revoked_at"]
                return DeviceInfo(
                    id: id, user: UserID(row["user_id"] as String), userName: row["user_name"], name: row["name"],
                    enrolledAt: Date(timeIntervalSince1970: row["created_at"]), lastSyncAt: lastSync.map(Date.init(timeIntervalSince1970:)),
                    clockOffsetMs: row["clock_offset_ms"], revokedAt: revoked.map(Date.init(timeIntervalSince1970:))
                )
            }
        }
    }

    /// Revokes a laptop: its token stops working at once.
    func revokeDevice(_ id: DeviceID, now: Date) async throws {
        try await engine.write { db in
            let revoked = try db.run("UPDATE device SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", [now.timeIntervalSince1970, id.rawValue])
            guard revoked == 1 else { throw DomainError.notFound("There is no device \(id); `devices` lists them.") }
        }
    }

    // MARK: Assignments

    func assignments() async throws -> [AssignmentInfo] {
        try await engine.read { db in
            let roster = try Self.roster(in: db)
            let names = Dictionary(try db.fetchAll("SELECT id, name FROM \"user\"").map { ($0["id"] as String, $0["name"] as String) }) { a, _ in a }
            return try ChangeLog.records(of: .assignment, in: db).compactMap { nis, fields -> AssignmentInfo? in
                guard let user = fields["interviewer"]?.stringValue else { return nil }
                let municipality = roster.current(nis: nis)
                return AssignmentInfo(
                    nis: nis, municipality: municipality?.name, province: municipality?.province, interviewer: UserID(user), interviewerName: names[user]
                )
            }.sorted { $0.nis < $1.nis }
        }
    }

    /// Assigns from CSV text with columns `nis_code` and `interviewer` (user id, e-mail or exact name); all rows are checked first.
    func assign(csv: String, by author: Principal, now: Date) async throws -> [Change] {
        let table: CSVReader.Table
        do {
            table = try CSVReader.table(csv)
        } catch {
            throw DomainError.invalid("The assignment list is not valid CSV: \(error).")
        }
        guard table.hasColumn("nis_code"), table.hasColumn("interviewer") else {
            throw DomainError.invalid("The assignment list needs a header row with columns nis_code and interviewer.")
        }
        var byUser: [UserID: [String]] = [:]
        var order: [UserID] = []
        for record in table.records {
            let nis = (record["nis_code"] ?? "").trimmingCharacters(in: .whitespaces)
            let who = record["interviewer"] ?? ""
            guard Scope.isNIS(nis) else { throw DomainError.invalid("Row \(record.row): \"\(nis)\" is not a NIS code (five digits).") }
            guard let user = try await findUser(who) else {
                throw DomainError.invalid("Row \(record.row): no single user matches \"\(who)\" (use the user id, e-mail or exact name).")
            }
            if byUser[user.id] == nil { order.append(user.id) }
            byUser[user.id, default: []].append(nis)
        }
        var changes: [Change] = []
        for user in order {
            changes += try await assign(byUser[user] ?? [], to: user, by: author, now: now)
        }
        return changes
    }

    // MARK: Cases

    /// Sets (or with nil clears) a coordinator's case status for a municipality; it overrides the status that follows from contacts.
    func setCaseStatus(_ nis: String, to status: CaseStatus?, by author: Principal, now: Date) async throws -> Change {
        try await engine.write { db in
            guard try SQLValidationLookup(db: db, cache: QuestionnaireCache()).municipalityExists(nis) else {
                throw DomainError.invalid("Unknown municipality \(nis): use a NIS code from the roster.", code: "unknown_municipality")
            }
            let edit = FieldEdit(scope: .municipality(nis), entity: .caseFile, entityId: nis, field: "status", value: status.map { .string($0.rawValue) })
            guard let change = try Self.author([edit], by: author.user, now: now, sealing: self.sealing, in: db).first else { throw DomainError.invalid("Nothing changed.") }
            return change
        }
    }

    // MARK: Quarantine

    func quarantine(status: QuarantinedChange.Status? = .open) async throws -> [QuarantinedChange] {
        try await engine.read { [sealing] db in
            var sql = "SELECT * FROM quarantine"
            var arguments: SQLArguments = []
            if let status {
                sql += " WHERE status = ?"
                arguments += [status.rawValue]
            }
            return try db.fetchAll(sql + " ORDER BY received_at, change_id", arguments).compactMap { row in
                guard let status = QuarantinedChange.Status(rawValue: row["status"]),
                    let change = try? JSONDecoder().decode(Change.self, from: Data((row["change"] as String).utf8))
                else { return nil }
                return QuarantinedChange(change: try sealing.open(change), reason: row["reason"], receivedAt: Date(timeIntervalSince1970: row["received_at"]), status: status)
            }
        }
    }

    /// Accepts a quarantined change into the log (merged like any other change) or discards it.
    func resolveQuarantine(_ id: ChangeID, accept: Bool, now: Date) async throws -> QuarantinedChange {
        try await engine.write { [sealing] db in
            guard let row = try db.fetchOne("SELECT * FROM quarantine WHERE change_id = ?", [id.description]),
                let change = try? JSONDecoder().decode(Change.self, from: Data((row["change"] as String).utf8))
            else { throw DomainError.notFound("There is no quarantined change \(id).") }
            guard row["status"] as String == QuarantinedChange.Status.open.rawValue else {
                throw DomainError.conflict("Change \(id) was \(row["status"] as String) already.")
            }
            if accept {
                // Checked when it was pushed; a record may have been written in its own scope since.
                let lookup = SQLValidationLookup(db: db, cache: QuestionnaireCache())
                if let owner = try lookup.scope(ofRecord: change.entity, id: change.entityId), owner != change.scope {
                    throw DomainError.conflict(
                        "Change \(id) names \(change.scope), but \(change.entity) \(change.entityId) belongs to \(owner); a record never moves to another scope. Discard it.",
                        code: "scope_mismatch"
                    )
                }
                // Sealed when it was quarantined; sealed now should a key have come since.
                var sealer = sealing.sealer(db)
                try ChangeLog.apply(try sealer.seal(change), in: db)
            }
            let status: QuarantinedChange.Status = accept ? .accepted : .discarded
            try db.run("UPDATE quarantine SET status = ? WHERE change_id = ?", [status.rawValue, id.description])
            return QuarantinedChange(change: try sealing.open(change), reason: row["reason"], receivedAt: Date(timeIntervalSince1970: row["received_at"]), status: status)
        }
    }
}
