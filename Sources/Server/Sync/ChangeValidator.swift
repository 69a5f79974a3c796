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
}

/// Decides, change by change, whether a pushed change may be merged.
///
/// Structural checks only (who, where, which field, which type): a constraint that depends on
/// other answers was checked on the laptop when the answer was given, and checking it again
/// against a merged state the interviewer never saw would throw away their work.
struct ChangeValidator<Lookup: ValidationLookup> {
    enum Verdict: Equatable {
        case accept
        case reject(String)
        /// Valid, but the device does not hold the scope (any more): keep it for a coordinator.
        case quarantine(String)
    }

    let principal: Principal
    let lookup: Lookup
    /// Interview fields set earlier in the same batch, so an interview created offline validates in one push.
    private var batchFields: [String: [String: JSONValue]] = [:]
    /// What the store said, asked once per batch: a push carries dozens of changes to the same interview and municipality.
    private var storedFields: [String: [String: JSONValue]] = [:]
    private var knownMunicipalities: [String: Bool] = [:]
    private var assignedMunicipalities: [String: Bool] = [:]

    init(principal: Principal, lookup: Lookup) {
        self.principal = principal
        self.lookup = lookup
    }

    mutating func check(_ change: Change) throws -> Verdict {
        guard let device = principal.device, change.id.device == device else {
            return .reject("Change \(change.id) does not carry this laptop's device id \(principal.device?.rawValue ?? "(none: use a device token)").")
        }
        guard change.hlc.device == device else { return .reject("Change \(change.id) has a clock of another device (\(change.hlc.device)).") }
        guard change.author == principal.user else { return .reject("Change \(change.id) names author \(change.author), not you (\(principal.user)).") }
        guard !change.entityId.isEmpty, change.entityId.utf8.count <= 200, !change.field.isEmpty, change.field.utf8.count <= 200 else {
            return .reject("Change \(change.id) needs an entity id and a field name of at most 200 bytes.")
        }
        if let text = change.value?.canonicalJSON, text.utf8.count > 256 * 1024 {
            return .reject("Change \(change.id) carries a value larger than 256 KiB.")
        }

        let nis: String
        switch change.scope {
        case .global:
            guard principal.role.canCoordinate else {
                return .reject("Only coordinators edit the global scope (questionnaire and roster); change \(change.id) was not stored.")
            }
            return [Entity.municipality, .questionnaire, .conflict].contains(change.entity)
                ? .accept : .reject("Entity \(change.entity) does not belong in the global scope.")
        default:
            guard let code = change.scope.municipalityNIS else { return .reject("Unknown scope \(change.scope).") }
            nis = code
        }
        if knownMunicipalities[nis] == nil { knownMunicipalities[nis] = try lookup.municipalityExists(nis) }
        guard knownMunicipalities[nis] == true else {
            return .reject("Unknown municipality \(nis): it is not in the roster.")
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
        return .accept
    }

    private mutating func checkEntity(_ change: Change, nis: String) throws -> Verdict {
        switch change.entity {
        case .interview:
            return try checkInterview(change, nis: nis)
        case .contactAttempt:
            guard UUID(uuidString: change.entityId) != nil else { return .reject("A contact attempt id must be a UUID, not \"\(change.entityId)\".") }
            guard ContactAttempt.Field.all.contains(change.field) else {
                return .reject("Contact attempts have no field \"\(change.field)\".")
            }
            if change.field == ContactAttempt.Field.municipality, change.value?.stringValue != nis {
                return .reject("A contact attempt in scope \(change.scope) must name municipality \(nis).")
            }
            if change.field == ContactAttempt.Field.mode, let value = change.value, ContactAttempt.Mode(rawValue: value.stringValue ?? "") == nil {
                return .reject("Contact mode must be one of \(ContactAttempt.Mode.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if change.field == ContactAttempt.Field.outcome, let value = change.value,
                ContactAttempt.Outcome(rawValue: value.stringValue ?? "") == nil
            {
                return .reject("Contact outcome must be one of \(ContactAttempt.Outcome.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return .accept
        case .caseFile:
            guard principal.role.canCoordinate else { return .reject("Only a coordinator sets a case status; it follows from contacts otherwise.") }
            guard change.entityId == nis, change.field == "status" else { return .reject("A case change sets \"status\" of the scope's municipality.") }
            if let value = change.value, CaseStatus(rawValue: value.stringValue ?? "") == nil {
                return .reject("Case status must be one of \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return .accept
        case .assignment:
            guard principal.role.canCoordinate else { return .reject("Only a coordinator assigns municipalities.") }
            guard change.entityId == nis, change.field == "interviewer", let user = change.value?.stringValue,
                try lookup.userExists(UserID(user))
            else { return .reject("An assignment sets \"interviewer\" of the scope's municipality to a known user.") }
            return .accept
        case .conflict:
            guard principal.role.canCoordinate else { return .reject("Only a coordinator resolves conflicts.") }
            return .accept
        default:
            return .reject("Unknown entity \"\(change.entity)\" in a municipality scope.")
        }
    }

    private mutating func checkInterview(_ change: Change, nis: String) throws -> Verdict {
        guard let id = UUID(uuidString: change.entityId), id.uuidString.lowercased() == change.entityId else {
            return .reject("An interview id must be a lowercase UUID, not \"\(change.entityId)\".")
        }
        if storedFields[change.entityId] == nil { storedFields[change.entityId] = try lookup.interviewFields(change.entityId) }
        var fields = storedFields[change.entityId] ?? [:]
        fields.merge(batchFields[change.entityId] ?? [:]) { _, new in new }
        if let municipality = fields[Interview.Field.municipality]?.stringValue, municipality != nis {
            return .reject("Interview \(change.entityId) belongs to municipality \(municipality), not \(nis).")
        }
        let interview = Interview(id: id, fields: fields.filter { $0.value != .null })
        do {
            try Self.checkInterviewEdit(
                field: change.field, value: change.value, interview: interview, answers: interview.answers, lookup: lookup, structuralOnly: true,
                scopeNIS: nis
            )
        } catch let error as APIError {
            return .reject(error.message)
        }
        return .accept
    }

    /// Checks one field edit of an interview; throws an ``APIError`` (422) a person can act on.
    ///
    /// - Parameter structuralOnly: check type and choices but not `required` and `constraint` (for synced edits).
    static func checkInterviewEdit(
        field: String, value: JSONValue?, interview: Interview, answers: [String: JSONValue], lookup: Lookup,
        structuralOnly: Bool = false, scopeNIS: String? = nil
    ) throws {
        if field.hasPrefix(Interview.Field.answerPrefix) {
            let question = String(field.dropFirst(Interview.Field.answerPrefix.count))
            guard let formID = interview.questionnaire, let version = interview.questionnaireVersion,
                let form = try lookup.questionnaire(id: formID, version: version)
            else {
                throw APIError.unprocessable("Interview \(interview.id.uuidString.lowercased()) has no known questionnaire version, so its answers cannot be checked.")
            }
            do {
                if structuralOnly {
                    try form.validateStructure(value, for: question, answers: answers)
                } else {
                    try form.validate(value, for: question, answers: answers)
                }
            } catch let error as AnswerError {
                if structuralOnly, error.isContextual { return }
                throw APIError.unprocessable(String(describing: error), code: "invalid_answer")
            }
        } else if field.hasPrefix(Interview.Field.flagPrefix) {
            if let value, value.objectValue == nil {
                throw APIError.unprocessable("A review flag is an object such as {\"comment\": \"…\", \"status\": \"open\"}.")
            }
        } else if let personal = Interview.Field.plain[field] {
            _ = personal
            switch field {
            case Interview.Field.state:
                if let value, Interview.State(rawValue: value.stringValue ?? "") == nil {
                    throw APIError.unprocessable("Interview state must be draft, complete or withdrawn.")
                }
            case Interview.Field.municipality:
                guard let nis = value?.stringValue, scopeNIS == nil || nis == scopeNIS else {
                    throw APIError.unprocessable("An interview's municipality is set once, to the municipality of its scope.")
                }
            case Interview.Field.review:
                if let value, value.objectValue == nil { throw APIError.unprocessable("review is an object such as {\"status\": \"approved\"}.") }
            case Interview.Field.questionnaireVersion, Interview.Field.questionnaire:
                if let value, value.stringValue == nil { throw APIError.unprocessable("\(field) is a string.") }
            default:
                if let value, value.stringValue == nil { throw APIError.unprocessable("\(field) is a string or null.") }
            }
        } else {
            throw APIError.unprocessable("Interviews have no field \"\(field)\"; answers are \"answers.<question>\".")
        }
    }
}
