import Foundation
import GRDB
import LogStore
import Shared

extension SQLServerStore {
    /// A flag's status field values.
    enum FlagStatus {
        static let open = "open"
        static let answered = "answered"
        static let resolved = "resolved"
    }

    func approveInterview(_ id: Interview.ID, comment: String?, despiteOpenConflicts: Bool, by author: Principal, now: Date) async throws -> [Change] {
        try DomainError.checkControlCharacters(comment, in: "The comment", as: .multiLine)
        return try await engine.write { [sealing] db in
            let (interview, nis) = try Self.reviewedInterview(id, sealing: sealing, in: db)
            guard interview.state == .complete else {
                throw DomainError.conflict(
                    "Interview \(Self.key(id)) is \(interview.state.rawValue), not complete; only a complete interview can be approved.",
                    code: "not_complete"
                )
            }
            let open = interview.flags.filter { $0.value.objectValue?["status"]?.stringValue == FlagStatus.open }.keys.sorted()
            guard open.isEmpty else {
                throw DomainError.conflict(
                    "\(open.count == 1 ? "A flag is" : "\(open.count) flags are") still open (\(open.joined(separator: ", "))): wait for the interviewer's answer, or resolve the flag first.",
                    code: "flags_open"
                )
            }
            let conflicts = try Self.openConflictsByInterview(Self.key(id), in: db)[Self.key(id)] ?? 0
            guard conflicts == 0 || despiteOpenConflicts else {
                throw DomainError.conflict(
                    "\(conflicts == 1 ? "An answer has" : "\(conflicts) answers have") a kept conflict no one resolved: two people changed it without seeing each other's value. Resolve \(conflicts == 1 ? "it" : "them") first (`veldwerk review conflicts`), or approve despite \(conflicts == 1 ? "it" : "them").",
                    code: "conflicts_open"
                )
            }
            let at = ProgressCalculator.isoTime(now)
            var edits = interview.flags.keys.sorted().compactMap { question -> FieldEdit? in
                guard var flag = interview.flags[question]?.objectValue, flag["status"]?.stringValue == FlagStatus.answered else { return nil }
                flag["status"] = .string(FlagStatus.resolved)
                flag["resolvedBy"] = .string(author.user.rawValue)
                flag["resolvedAt"] = .string(at)
                return FieldEdit(scope: .municipality(nis), entity: .interview, entityId: Self.key(id), field: Interview.Field.flag(question), value: .object(flag))
            }
            // The log position approved: every change so far. A later change of the data makes the
            // interview `editedAfterApproval` (see `reviewStatus(ofInterview:review:in:)`).
            var review: [String: JSONValue] = [
                ReviewStatus.statusKey: .string(ReviewStatus.approved.rawValue), "by": .string(author.user.rawValue), "at": .string(at),
                ReviewStatus.approvedThroughKey: .int(try ChangeLog.lastSeq(in: db)),
            ]
            if let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines), !comment.isEmpty { review["comment"] = .string(comment) }
            edits.append(FieldEdit(scope: .municipality(nis), entity: .interview, entityId: Self.key(id), field: Interview.Field.review, value: .object(review)))
            return try Self.author(edits, by: author.user, now: now, sealing: sealing, in: db)
        }
    }

    func flagAnswer(_ id: Interview.ID, question: String, comment: String, by author: Principal, now: Date) async throws -> [Change] {
        let comment = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !comment.isEmpty else { throw DomainError.invalid("A flag needs a comment that tells the interviewer what to check.") }
        guard comment.count <= 2000 else { throw DomainError.invalid("A flag's comment is at most 2000 characters.") }
        try DomainError.checkControlCharacters(comment, in: "The comment", as: .multiLine)
        return try await engine.write { [sealing] db in
            let (interview, nis) = try Self.reviewedInterview(id, sealing: sealing, in: db)
            guard interview.state != .withdrawn else {
                throw DomainError.conflict("Interview \(Self.key(id)) was withdrawn; there is nothing to flag.", code: "withdrawn")
            }
            guard let formID = interview.questionnaire, let version = interview.questionnaireVersion,
                let form = try Self.questionnaire(id: formID, version: version, in: db)
            else {
                throw DomainError.invalid("Interview \(Self.key(id)) has no known questionnaire version, so its questions cannot be flagged.")
            }
            guard let item = form.question(named: question), item.type.isAnswerable else {
                throw DomainError.invalid(
                    "The questionnaire \(formID) \(version) has no question \"\(question)\" to flag; use a question name such as \(form.questions.first { $0.type.isAnswerable }?.name ?? "b_aanpak").",
                    code: "unknown_question"
                )
            }
            let at = ProgressCalculator.isoTime(now)
            let flag: JSONValue = .object([
                "comment": .string(comment), "status": .string(FlagStatus.open), "by": .string(author.user.rawValue),
                "byName": .string(author.name), "at": .string(at),
            ])
            let review: JSONValue = .object([
                ReviewStatus.statusKey: .string(ReviewStatus.flagged.rawValue), "by": .string(author.user.rawValue), "at": .string(at),
            ])
            let edits = [
                FieldEdit(scope: .municipality(nis), entity: .interview, entityId: Self.key(id), field: Interview.Field.flag(question), value: flag),
                FieldEdit(scope: .municipality(nis), entity: .interview, entityId: Self.key(id), field: Interview.Field.review, value: review),
            ]
            return try Self.author(edits, by: author.user, now: now, sealing: sealing, in: db)
        }
    }

    func resolveFlag(_ id: Interview.ID, question: String, by author: Principal, now: Date) async throws -> [Change] {
        try await engine.write { [sealing] db in
            let (interview, nis) = try Self.reviewedInterview(id, sealing: sealing, in: db)
            guard var flag = interview.flags[question]?.objectValue else {
                throw DomainError.notFound("Interview \(Self.key(id)) has no flag on \"\(question)\".")
            }
            guard flag["status"]?.stringValue != FlagStatus.resolved else { return [] }
            flag["status"] = .string(FlagStatus.resolved)
            flag["resolvedBy"] = .string(author.user.rawValue)
            flag["resolvedAt"] = .string(ProgressCalculator.isoTime(now))
            let edit = FieldEdit(scope: .municipality(nis), entity: .interview, entityId: Self.key(id), field: Interview.Field.flag(question), value: .object(flag))
            return try Self.author([edit], by: author.user, now: now, sealing: sealing, in: db)
        }
    }

    func resolveConflict(_ loserID: ChangeID, choice: ConflictChoice, value: JSONValue?, by author: Principal, now: Date) async throws -> [Change] {
        try await engine.write { [sealing] db in
            guard let seq = try db.value(Int64.self, "SELECT loser_seq FROM conflict WHERE loser_id = ?", [loserID.description]),
                let row = try db.fetchOne("SELECT * FROM change_log WHERE seq = ?", [seq])
            else {
                throw DomainError.notFound("There is no kept conflict \(loserID); `GET /v1/review/conflicts` lists them.")
            }
            let loser = try sealing.open(try ChangeLog.change(row))
            if let resolution = try sealing.fields(of: .conflict, id: loserID.description, in: db)["resolution"] {
                let by = resolution.objectValue?["by"]?.stringValue ?? "someone"
                throw DomainError.conflict("Conflict \(loserID) was resolved already (by \(by)).", code: "already_resolved")
            }
            let current = try sealing.fields(of: loser.entity, id: loser.entityId, in: db)[loser.field]
            let chosen: JSONValue?
            switch choice {
            case .kept: chosen = loser.value
            case .current: chosen = current
            case .new: chosen = value == .null ? nil : value
            }
            // A value typed by the coordinator goes through the same table as every other change.
            switch WriteAuthority.check(scope: loser.scope, entity: loser.entity, field: loser.field, value: chosen, role: author.role, author: author.user) {
            case .allowed: break
            case .forbidden(let reason): throw DomainError.forbidden(reason)
            case .invalid(let reason): throw DomainError.invalid(reason)
            }
            if loser.entity == .interview, let id = UUID(uuidString: loser.entityId) {
                var fields = try sealing.fields(of: .interview, id: loser.entityId, in: db)
                fields[loser.field] = chosen
                let interview = Interview(id: id, fields: fields)
                let lookup = SQLValidationLookup(db: db, cache: QuestionnaireCache(), sealing: sealing)
                try ChangeValidator.checkInterviewEdit(
                    field: loser.field, value: chosen, interview: interview, answers: interview.answers, fields: fields, lookup: lookup,
                    structuralOnly: true
                )
            }
            let resolution: JSONValue = .object([
                "choice": .string(choice.rawValue), "value": chosen ?? .null, "by": .string(author.user.rawValue), "byName": .string(author.name),
                "at": .string(ProgressCalculator.isoTime(now)),
            ])
            let edits = [
                FieldEdit(scope: loser.scope, entity: .conflict, entityId: loserID.description, field: "resolution", value: resolution),
                FieldEdit(scope: loser.scope, entity: loser.entity, entityId: loser.entityId, field: loser.field, value: chosen),
            ]
            return try Self.author(edits, by: author.user, now: now, sealing: sealing, in: db)
        }
    }

    func conflictViews(openOnly: Bool, entityId: String?) async throws -> [ConflictView] {
        try await engine.read { [sealing] db in
            let kept = try ChangeLog.conflicts(openOnly: openOnly, entityId: entityId, in: db).map { try sealing.open($0) }
            let names = try Self.userNames(in: db)
            var laptops: [String: String] = [DeviceID.server.rawValue: "server"]
            for row in try db.fetchAll("SELECT id, name FROM device") { laptops[row["id"]] = row["name"] }
            var formatters: [String: AnswerFormatter] = [:]
            func formatter(for conflict: KeptConflict) throws -> AnswerFormatter {
                guard conflict.key.entity == .interview else { return AnswerFormatter(form: nil) }
                if let cached = formatters[conflict.key.entityId] { return cached }
                let fields = try sealing.fields(of: .interview, id: conflict.key.entityId, in: db)
                var form: Questionnaire?
                if let id = fields[Interview.Field.questionnaire]?.stringValue, let version = fields[Interview.Field.questionnaireVersion]?.stringValue {
                    form = try Self.questionnaire(id: id, version: version, in: db)
                }
                let made = AnswerFormatter(form: form)
                formatters[conflict.key.entityId] = made
                return made
            }
            return try kept.map { conflict in
                let words = try formatter(for: conflict)
                func view(_ change: Change) -> VersionView {
                    VersionView(
                        change: change.id, value: change.value, display: words.display(change.value, field: change.key.field), author: change.author,
                        authorName: names[change.author] ?? change.author.rawValue, deviceName: laptops[change.id.device.rawValue] ?? change.id.device.rawValue,
                        at: ProgressCalculator.isoTime(Date(timeIntervalSince1970: Double(change.hlc.wall) / 1000))
                    )
                }
                return ConflictView(
                    id: conflict.loser.id, scope: conflict.scope, entity: conflict.key.entity, entityId: conflict.key.entityId, field: conflict.key.field,
                    label: words.label(forField: conflict.key.field), municipality: conflict.scope.municipalityNIS, kept: view(conflict.loser),
                    current: conflict.current.map(view), resolution: conflict.resolution
                )
            }
        }
    }

    // MARK: Review status

    /// The review status of one interview as the log says it is now: the one place every reader
    /// (review queue, dashboard, `GET /v1/interviews/{id}`, exports) takes it from.
    ///
    /// An approval that recorded a log position turns into `editedAfterApproval` when some data field
    /// (``ReviewStatus/countsAsDataEdit(_:)``) has a current version written after that position whose
    /// value differs from the field's value at the position (the version with the greatest clock
    /// among the changes up to it: the merge rule, read back in time).
    static func reviewStatus(ofInterview key: String, review: JSONValue?, in db: any SQLDatabase) throws -> ReviewStatus? {
        guard let position = ReviewStatus.approvedThrough(review) else {
            return ReviewStatus.derive(review: review, dataChangedAfterApproval: false)
        }
        let later = try db.fetchAll("SELECT field, value FROM field_state WHERE entity = 'interview' AND entity_id = ? AND change_seq > ?",
            [key, position]
        )
        var changed = false
        for row in later {
            let field: String = row["field"]
            guard ReviewStatus.countsAsDataEdit(field) else { continue }
            let nowText: String? = row["value"]
            let thenText = try db.value(String.self, "SELECT value FROM change_log WHERE entity = 'interview' AND entity_id = ? AND field = ? AND seq <= ? ORDER BY hlc DESC LIMIT 1",
                [key, field, position]
            )
            if try nowText.map(JSONValue.init(json:)) != thenText.map(JSONValue.init(json:)) {
                changed = true
                break
            }
        }
        return ReviewStatus.derive(review: review, dataChangedAfterApproval: changed)
    }

    func interviewIDs(startingWith prefix: String, limit: Int) async throws -> [Interview.ID] {
        try await engine.read { db in
            // A range on the primary key: ids from the prefix up to the prefix followed by the last hex digit.
            try db.values(String.self, "SELECT DISTINCT entity_id FROM field_state WHERE entity = 'interview' AND entity_id >= ? AND entity_id < ? || 'g' ORDER BY entity_id LIMIT ?",
                [prefix, prefix, limit]
            ).compactMap { UUID(uuidString: $0) }
        }
    }

    // MARK: Helpers

    static func key(_ id: Interview.ID) -> String { id.uuidString.lowercased() }

    /// The interview and its municipality, or 404.
    private static func reviewedInterview(_ id: Interview.ID, sealing: PersonalDataSealing, in db: any SQLDatabase) throws -> (Interview, String) {
        let fields = try sealing.fields(of: .interview, id: key(id), in: db)
        guard let nis = fields[Interview.Field.municipality]?.stringValue else {
            throw DomainError.notFound("There is no interview \(key(id)) on the server (has its laptop synced?).")
        }
        return (Interview(id: id, fields: fields), nis)
    }
}
