import Foundation
import Shared

/// What the server needs to look up while checking pushed changes.
protocol ValidationLookup {
    func municipalityExists(_ nis: String) throws -> Bool
    func interviewFields(_ id: String) throws -> [String: JSONValue]
    func questionnaire(id: String, version: String) throws -> Questionnaire?
    func userExists(_ id: UserID) throws -> Bool
    /// Whether the municipality is assigned to the user now.
    func isAssigned(_ nis: String, to user: UserID) throws -> Bool
    /// The scope a record was first written in, or nil for a record the log does not hold.
    func scope(ofRecord entity: Entity, id: String) throws -> Scope?
}

/// Decides, change by change, whether a pushed change may be merged.
///
/// Structural checks only (who, where, which field, which type): a constraint that depends on
/// other answers was checked on the laptop when the answer was given, and checking it again
/// against a merged state the interviewer never saw would throw away their work.
struct ChangeValidator<Lookup: ValidationLookup> {
    enum Verdict: Equatable {
        case accept
        /// Not stored: `code` is ``Rejection/Code/forbidden`` (the author may not write this) or `invalid`.
        case reject(Rejection.Code, String)
        /// Valid, but the device does not hold the scope (any more): keep it for a coordinator.
        case quarantine(String)

        static func invalid(_ reason: String) -> Verdict { .reject(.invalid, reason) }
        static func forbidden(_ reason: String) -> Verdict { .reject(.forbidden, reason) }
    }

    let principal: Principal
    let lookup: Lookup
    /// Interview fields set earlier in the same batch, so an interview created offline validates in one push.
    private var batchFields: [String: [String: JSONValue]] = [:]
    /// What the store said, asked once per batch: a push carries dozens of changes to the same interview and municipality.
    private var storedFields: [String: [String: JSONValue]] = [:]
    private var knownMunicipalities: [String: Bool] = [:]
    private var assignedMunicipalities: [String: Bool] = [:]
    /// The scope of every record the batch touched: stored, or set by an earlier change of the batch.
    private var recordScopes: [RecordKey: Scope?] = [:]

    private struct RecordKey: Hashable {
        var entity: Entity
        var id: String
    }

    init(principal: Principal, lookup: Lookup) {
        self.principal = principal
        self.lookup = lookup
    }

    /// Checks one pushed change: who sent it, whether the authority table lets the author write it
    /// (``WriteAuthority``), whether it stays in its record's scope, and what the store must know.
    mutating func check(_ change: Change) throws -> Verdict {
        guard let device = principal.device, change.id.device == device else {
            return .forbidden("Change \(change.id) does not carry this laptop's device id \(principal.device?.rawValue ?? "(none: use a device token)").")
        }
        guard change.hlc.device == device else { return .forbidden("Change \(change.id) has a clock of another device (\(change.hlc.device)).") }
        guard change.author == principal.user else { return .forbidden("Change \(change.id) names author \(change.author), not you (\(principal.user)).") }
        if let base = change.base, base >= change.hlc {
            // A base is the clock of a version the author had seen, so it is older than the author's own edit.
            return .invalid("Change \(change.id) claims to have seen a version (\(base)) no older than itself (\(change.hlc)).")
        }
        guard !change.entityId.isEmpty, change.entityId.utf8.count <= 200, !change.field.isEmpty, change.field.utf8.count <= 200 else {
            return .invalid("Change \(change.id) needs an entity id and a field name of at most 200 bytes.")
        }
        if let bad = ControlCharacters.firstForbidden(in: change.entityId) ?? ControlCharacters.firstForbidden(in: change.field) {
            return .invalid("Change \(change.id) has the control character \(ControlCharacters.describe(bad)) in its entity id or field name.")
        }
        if let text = change.value?.canonicalJSON, text.utf8.count > 256 * 1024 {
            return .invalid("Change \(change.id) carries a value larger than 256 KiB.")
        }
        switch WriteAuthority.check(
            scope: change.scope, entity: change.entity, field: change.field, value: change.value, role: principal.role, author: principal.user
        ) {
        case .allowed: break
        case .forbidden(let reason): return .forbidden("Change \(change.id) was not stored: \(reason)")
        case .invalid(let reason): return .invalid("Change \(change.id) was not stored: \(reason)")
        }
        if let verdict = try checkRecordScope(change) { return verdict }

        guard let nis = change.scope.municipalityNIS else { return .accept }
        if knownMunicipalities[nis] == nil { knownMunicipalities[nis] = try lookup.municipalityExists(nis) }
        guard knownMunicipalities[nis] == true else {
            return .invalid("Unknown municipality \(nis): it is not in the roster.")
        }

        let verdict = try checkEntity(change, nis: nis)
        guard verdict == .accept else { return verdict }
        if !principal.role.canCoordinate, assignedMunicipalities[nis] == nil {
            assignedMunicipalities[nis] = try lookup.isAssigned(nis, to: principal.user)
        }
        if !principal.role.canCoordinate, assignedMunicipalities[nis] != true {
            return .quarantine("Municipality \(nis) is no longer assigned to \(principal.name); a coordinator will accept or discard this change.")
        }
        if change.entity == .interview {
            batchFields[change.entityId, default: [:]][change.field] = change.value ?? .null
        }
        recordScopes[RecordKey(entity: change.entity, id: change.entityId)] = change.scope
        return .accept
    }

    /// A record belongs to the scope it was first written in, for its whole life: a change naming
    /// another scope would move it out of its owner's reach (and into the author's).
    private mutating func checkRecordScope(_ change: Change) throws -> Verdict? {
        let key = RecordKey(entity: change.entity, id: change.entityId)
        if recordScopes[key] == nil { recordScopes[key] = .some(try lookup.scope(ofRecord: change.entity, id: change.entityId)) }
        guard let owner = recordScopes[key] ?? nil, owner != change.scope else { return nil }
        return .forbidden(
            "Change \(change.id) was not stored: \(WriteAuthority.entityName(change.entity).lowercased()) \(change.entityId) belongs to \(owner), not \(change.scope); a record never moves to another scope."
        )
    }

    private mutating func checkEntity(_ change: Change, nis: String) throws -> Verdict {
        switch change.entity {
        case .interview:
            return try checkInterview(change, nis: nis)
        case .contactAttempt:
            guard let id = UUID(uuidString: change.entityId), id.uuidString.lowercased() == change.entityId else {
                return .invalid("A contact attempt id must be a lowercase UUID, not \"\(change.entityId)\".")
            }
            if change.field == ContactAttempt.Field.municipality, change.value?.stringValue != nis {
                return .invalid("A contact attempt in scope \(change.scope) must name municipality \(nis).")
            }
            return .accept
        case .caseFile:
            guard change.entityId == nis else { return .invalid("A case change sets \"status\" of the scope's municipality.") }
            return .accept
        case .assignment:
            guard change.entityId == nis, let user = change.value?.stringValue, try lookup.userExists(UserID(user)) else {
                return .invalid("An assignment sets \"interviewer\" of the scope's municipality to a known user.")
            }
            return .accept
        case .conflict:
            return .accept
        case .invitation:
            return Self.checkInvitation(change, nis: nis)
        default:
            return .forbidden("Unknown entity \"\(change.entity)\" in a municipality scope.")
        }
    }

    /// An invitation names its scope's municipality and an interview by its lowercase UUID, and holds the
    /// hash of its link's secret (64 hex digits), never the secret. Which interview it opens is checked
    /// again when the link is used (the interview must be of the same municipality).
    static func checkInvitation(_ change: Change, nis: String) -> Verdict {
        guard let id = UUID(uuidString: change.entityId), id.uuidString.lowercased() == change.entityId else {
            return .invalid("An invitation id must be a lowercase UUID, not \"\(change.entityId)\".")
        }
        switch change.field {
        case Invitation.Field.municipality where change.value?.stringValue != nis:
            return .invalid("An invitation in scope \(change.scope) must name municipality \(nis).")
        case Invitation.Field.interview:
            guard let text = change.value?.stringValue, let interview = UUID(uuidString: text), interview.uuidString.lowercased() == text else {
                return .invalid("An invitation names its interview by a lowercase UUID.")
            }
        case Invitation.Field.tokenHash:
            guard let text = change.value?.stringValue, text.count == 64, text.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                return .invalid("An invitation holds the SHA-256 of its link's secret as 64 lowercase hex digits, never the secret.")
            }
        default: break
        }
        return .accept
    }

    private mutating func checkInterview(_ change: Change, nis: String) throws -> Verdict {
        guard let id = UUID(uuidString: change.entityId), id.uuidString.lowercased() == change.entityId else {
            return .invalid("An interview id must be a lowercase UUID, not \"\(change.entityId)\".")
        }
        if storedFields[change.entityId] == nil { storedFields[change.entityId] = try lookup.interviewFields(change.entityId) }
        var fields = storedFields[change.entityId] ?? [:]
        fields.merge(batchFields[change.entityId] ?? [:]) { _, new in new }
        if let municipality = fields[Interview.Field.municipality]?.stringValue, municipality != nis {
            return .invalid("Interview \(change.entityId) belongs to municipality \(municipality), not \(nis).")
        }
        if change.field.hasPrefix(Interview.Field.flagPrefix), !principal.role.canCoordinate {
            switch WriteAuthority.checkFlagAnswer(change.value, stored: fields[change.field], field: change.field) {
            case .allowed: break
            case .forbidden(let reason): return .forbidden(reason)
            case .invalid(let reason): return .invalid(reason)
            }
        }
        // Repeat instances are read from `fields` by the check that needs them, not assembled for every change.
        let interview = Interview(id: id, fields: fields.filter { $0.value != .null && !$0.key.hasPrefix(Interview.Field.repeatPrefix) })
        do {
            try Self.checkInterviewEdit(
                field: change.field, value: change.value, interview: interview, answers: interview.answers, fields: fields, lookup: lookup,
                structuralOnly: true, scopeNIS: nis
            )
        } catch let error as DomainError {
            return .invalid(error.message)
        }
        return .accept
    }

    /// Checks one field edit of an interview against its questionnaire and record; throws an
    /// ``DomainError`` (invalid) a person can act on. Who may write the field, and its shape, are
    /// ``WriteAuthority``'s to check first.
    ///
    /// - Parameters:
    ///   - fields: the interview's stored fields with the edits before this one (repeat markers are read from them).
    ///   - structuralOnly: check type and choices but not `required` and `constraint` (for synced edits).
    static func checkInterviewEdit(
        field: String, value: JSONValue?, interview: Interview, answers: [String: JSONValue], fields: [String: JSONValue], lookup: Lookup,
        structuralOnly: Bool = false, scopeNIS: String? = nil
    ) throws {
        if field.hasPrefix(Interview.Field.repeatPrefix) {
            try checkRepeatEdit(field: field, value: value, fields: fields, form: try questionnaire(of: interview, lookup: lookup, checking: "its repeats"))
        } else if field.hasPrefix(Interview.Field.answerPrefix) {
            let question = String(field.dropFirst(Interview.Field.answerPrefix.count))
            let form = try questionnaire(of: interview, lookup: lookup, checking: "its answers")
            try checkNotInRepeat(question, form: form, field: "answers")
            do {
                if structuralOnly {
                    try form.validateStructure(value, for: question, answers: answers)
                } else {
                    try form.validate(value, for: question, answers: answers)
                }
            } catch let error as AnswerError {
                if structuralOnly, error.isContextual { return }
                throw DomainError.invalid(String(describing: error), code: "invalid_answer")
            }
        } else if field == Interview.Field.municipality {
            // Types and who may write are the authority table's (WriteAuthority); this needs the record.
            guard let nis = value?.stringValue, scopeNIS == nil || nis == scopeNIS else {
                throw DomainError.invalid("An interview's municipality is set once, to the municipality of its scope.")
            }
        } else if field.hasPrefix(Interview.Field.flagPrefix) {
            // A flag is on a question of the interview's form: no made-up names (which would also let one
            // push grow an interview by thousands of fields).
            let question = String(field.dropFirst(Interview.Field.flagPrefix.count))
            let form = try questionnaire(of: interview, lookup: lookup, checking: "its flags")
            guard form.question(named: question)?.type.isAnswerable == true else {
                throw DomainError.invalid("The questionnaire \(form.id) \(form.version) has no question \"\(question)\" to flag.", code: "unknown_question")
            }
            try checkNotInRepeat(question, form: form, field: "flags")
        } else if Interview.Field.plain[field] != nil {
            return
        } else {
            throw DomainError.invalid("Interviews have no field \"\(field)\"; answers are \"answers.<question>\", repeat instances \"repeats.<instance>\".")
        }
    }

    /// The questionnaire version an interview was started with; throws when the server does not hold it.
    private static func questionnaire(of interview: Interview, lookup: Lookup, checking what: String) throws -> Questionnaire {
        guard let formID = interview.questionnaire, let version = interview.questionnaireVersion,
            let form = try lookup.questionnaire(id: formID, version: version)
        else {
            throw DomainError.invalid("Interview \(interview.id.uuidString.lowercased()) has no known questionnaire version, so \(what) cannot be checked.")
        }
        return form
    }
}
