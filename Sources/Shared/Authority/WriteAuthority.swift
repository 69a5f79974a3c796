import Foundation
import Shared

/// Who may write which field of which record, and what shape its value has: one table for the
/// server's check of every pushed or edited change and for the laptop's refusal to record what it
/// may not send.
///
/// A change is looked up by its scope kind, entity and field. No matching rule, or a rule whose
/// writers leave out the author's role, means **forbidden**; a value of the wrong shape means
/// **invalid**. What needs stored state (does the municipality exist, is the answer a choice of the
/// question, does the flag the interviewer answers exist) is checked by the caller after this.
public enum WriteAuthority {
    /// Where a record lives.
    public enum ScopeKind: String, Sendable, Hashable {
        case global
        case municipality

        public init(_ scope: Scope) { self = scope.municipalityNIS == nil ? .global : .municipality }
    }

    /// Which fields a rule covers: one name, or every name under a prefix (`answers.`).
    public enum FieldPattern: Sendable, Hashable, CustomStringConvertible {
        case exact(String)
        case prefix(String)

        public func matches(_ field: String) -> Bool {
            switch self {
            case .exact(let name): return field == name
            case .prefix(let prefix): return field.hasPrefix(prefix) && field.utf8.count > prefix.utf8.count
            }
        }

        public var description: String {
            switch self {
            case .exact(let name): return name
            case .prefix(let prefix): return prefix + (prefix == Interview.Field.repeatPrefix ? "<instance>[.<question>]" : "<question>")
            }
        }
    }

    /// The shape a value must have (null clears a field where `nullable`).
    public enum ValueShape: Sendable, Hashable, CustomStringConvertible {
        /// One line of text: no control characters.
        case line
        /// Free text: newline and tab are the only control characters.
        case text
        /// An ISO 8601 date and time (`2025-01-14T10:30:00Z`, fractional seconds and an offset allowed).
        case timestamp
        /// One of these words.
        case oneOf([String])
        /// A JSON object.
        case object
        /// A user id; an interviewer may name only themselves.
        case user
        /// Anything the questionnaire accepts: checked against the question by the caller.
        case answer
        /// A repeat field: `repeats.<instance>` holds a ``RepeatInstance/Marker`` object, `repeats.<instance>.<question>`
        /// an answer; the repeat, the question and the value are checked against the questionnaire by the caller.
        case repeatField

        public var description: String {
            switch self {
            case .line: return "one line of text"
            case .text: return "text"
            case .timestamp: return "a date and time such as 2025-01-14T10:30:00Z"
            case .oneOf(let words): return "one of " + words.joined(separator: ", ")
            case .object: return "a JSON object"
            case .user: return "a user id"
            case .answer: return "an answer to the question"
            case .repeatField: return "an instance {group, parent, order, deleted}, or an answer to a question of its repeat"
            }
        }
    }

    /// One row of the table.
    public struct Rule: Sendable {
        public var scope: ScopeKind
        public var entity: Entity
        public var field: FieldPattern
        public var writers: Set<Role>
        public var shape: ValueShape
        /// Whether null (clearing the field) is allowed.
        public var nullable: Bool
        /// Whether a laptop may send it. The roster and questionnaires are published only through the
        /// server's own routes (`roster load`, `questionnaire load`), which check them whole.
        public var pushable: Bool

        public init(
            _ scope: ScopeKind, _ entity: Entity, _ field: FieldPattern, _ writers: Set<Role>, _ shape: ValueShape, nullable: Bool = false,
            pushable: Bool = true
        ) {
            self.scope = scope
            self.entity = entity
            self.field = field
            self.writers = writers
            self.shape = shape
            self.nullable = nullable
            self.pushable = pushable
        }

        /// Who may write it, as the table in docs/ARCHITECTURE.md says it.
        public var writersText: String {
            let roles = Role.allCases.filter(writers.contains).map(\.rawValue).joined(separator: ", ")
            return pushable ? roles : roles + " (on the server only)"
        }
    }

    /// What the table says of one change.
    public enum Verdict: Equatable, Sendable {
        case allowed
        /// The author's role may not write this field (or no one may).
        case forbidden(String)
        /// The value has the wrong shape.
        case invalid(String)
    }

    static let coordinators: Set<Role> = [.coordinator, .admin]
    static let fieldwork: Set<Role> = [.interviewer, .coordinator, .admin]

    /// The table. docs/ARCHITECTURE.md prints it; a test keeps the two the same.
    public static let rules: [Rule] = [
        // Global scope: the study's set-up.
        Rule(.global, .municipality, .exact("record"), coordinators, .object, pushable: false),
        Rule(.global, .questionnaire, .exact("definition"), coordinators, .object, pushable: false),
        Rule(.global, .conflict, .exact("resolution"), coordinators, .object, nullable: true),
        // A municipality's scope: who works it, its case, contacts and interviews.
        Rule(.municipality, .assignment, .exact("interviewer"), coordinators, .user),
        Rule(.municipality, .caseFile, .exact("status"), coordinators, .oneOf(CaseStatus.allCases.map(\.rawValue)), nullable: true),
        Rule(.municipality, .contactAttempt, .exact(ContactAttempt.Field.municipality), fieldwork, .line),
        Rule(.municipality, .contactAttempt, .exact(ContactAttempt.Field.at), fieldwork, .timestamp),
        Rule(.municipality, .contactAttempt, .exact(ContactAttempt.Field.mode), fieldwork, .oneOf(ContactAttempt.Mode.allCases.map(\.rawValue))),
        Rule(.municipality, .contactAttempt, .exact(ContactAttempt.Field.outcome), fieldwork, .oneOf(ContactAttempt.Outcome.allCases.map(\.rawValue))),
        Rule(.municipality, .contactAttempt, .exact(ContactAttempt.Field.note), fieldwork, .text, nullable: true),
        Rule(.municipality, .contactAttempt, .exact(ContactAttempt.Field.appointmentAt), fieldwork, .timestamp, nullable: true),
        Rule(.municipality, .contactAttempt, .exact(ContactAttempt.Field.interviewer), fieldwork, .user),
        Rule(.municipality, .interview, .exact(Interview.Field.municipality), fieldwork, .line),
        Rule(.municipality, .interview, .exact(Interview.Field.questionnaire), fieldwork, .line),
        Rule(.municipality, .interview, .exact(Interview.Field.questionnaireVersion), fieldwork, .line),
        Rule(.municipality, .interview, .exact(Interview.Field.mode), fieldwork, .line, nullable: true),
        Rule(.municipality, .interview, .exact(Interview.Field.respondentFunction), fieldwork, .line, nullable: true),
        Rule(.municipality, .interview, .exact(Interview.Field.respondentName), fieldwork, .line, nullable: true),
        Rule(.municipality, .interview, .exact(Interview.Field.respondentEmail), fieldwork, .line, nullable: true),
        Rule(.municipality, .interview, .exact(Interview.Field.state), fieldwork, .oneOf(Interview.State.allCases.map(\.rawValue))),
        Rule(.municipality, .interview, .exact(Interview.Field.startedAt), fieldwork, .timestamp, nullable: true),
        Rule(.municipality, .interview, .exact(Interview.Field.completedAt), fieldwork, .timestamp, nullable: true),
        Rule(.municipality, .interview, .exact(Interview.Field.interviewer), fieldwork, .user),
        Rule(.municipality, .interview, .exact(Interview.Field.review), coordinators, .object, nullable: true),
        Rule(.municipality, .interview, .prefix(Interview.Field.answerPrefix), fieldwork, .answer, nullable: true),
        // Repeat instances: made and deleted by a marker, answered like answers (null clears an answer).
        Rule(.municipality, .interview, .prefix(Interview.Field.repeatPrefix), fieldwork, .repeatField, nullable: true),
        // An interviewer only answers a flag a coordinator raised (checked against the stored flag by the caller).
        Rule(.municipality, .interview, .prefix(Interview.Field.flagPrefix), fieldwork, .object, nullable: true),
        Rule(.municipality, .conflict, .exact("resolution"), coordinators, .object, nullable: true),
        // An invitation to fill in the interview in a browser: made by whoever works the municipality, offline too.
        Rule(.municipality, .invitation, .exact(Invitation.Field.municipality), fieldwork, .line),
        Rule(.municipality, .invitation, .exact(Invitation.Field.interview), fieldwork, .line),
        Rule(.municipality, .invitation, .exact(Invitation.Field.tokenHash), fieldwork, .line),
        Rule(.municipality, .invitation, .exact(Invitation.Field.createdAt), fieldwork, .timestamp),
        Rule(.municipality, .invitation, .exact(Invitation.Field.createdBy), fieldwork, .user),
        Rule(.municipality, .invitation, .exact(Invitation.Field.expiresAt), fieldwork, .timestamp),
        Rule(.municipality, .invitation, .exact(Invitation.Field.email), fieldwork, .line, nullable: true),
        Rule(.municipality, .invitation, .exact(Invitation.Field.revokedAt), fieldwork, .timestamp, nullable: true),
    ]

    /// The rule for a field, if the table has one.
    public static func rule(scope: Scope, entity: Entity, field: String) -> Rule? {
        let kind = ScopeKind(scope)
        return rules.first { $0.scope == kind && $0.entity == entity && $0.field.matches(field) }
    }

    /// Checks one change a laptop sends or a person edits against the table: may `role` (as user
    /// `author`) write `value` into this field?
    public static func check(
        scope: Scope, entity: Entity, field: String, value: JSONValue?, role: Role, author: UserID
    ) -> Verdict {
        guard let rule = rule(scope: scope, entity: entity, field: field) else {
            let kind = ScopeKind(scope)
            if !rules.contains(where: { $0.scope == kind && $0.entity == entity }) {
                return .forbidden("Entity \"\(entity)\" does not belong in the \(kind.rawValue) scope.")
            }
            return .forbidden("\(entityName(entity)) has no field \"\(field)\" that anyone may write.")
        }
        guard rule.writers.contains(role) else {
            let who = rule.writers == coordinators ? "coordinators" : rule.writers.map(\.rawValue).sorted().joined(separator: ", ")
            return .forbidden("Only \(who) may write \(rule.field) of \(entityName(entity).lowercased()); \(role.rawValue)s may not.")
        }
        guard rule.pushable else {
            return .forbidden(
                "\(entityName(entity)) is published on the server (`veldwerk admin questionnaire load`, `roster load`), where it is checked whole; a laptop does not send it."
            )
        }
        guard let value, value != .null else {
            if rule.shape == .repeatField, RepeatInstance.parseField(field)?.question == nil {
                return .invalid("\(field) cannot be cleared: delete a repeat instance by writing its marker with \"deleted\": true.")
            }
            return rule.nullable ? .allowed : .invalid("\(rule.field) of \(entityName(entity).lowercased()) cannot be cleared; it is \(rule.shape).")
        }
        return checkShape(value, field: field, rule: rule, role: role, author: author)
    }

    private static func checkShape(_ value: JSONValue, field: String, rule: Rule, role: Role, author: UserID) -> Verdict {
        let what = "\(rule.field) of \(entityName(rule.entity).lowercased())"
        switch rule.shape {
        case .answer:
            return .allowed
        case .repeatField:
            guard let (_, question) = RepeatInstance.parseField(field) else {
                return .invalid("\(field) is not a repeat field: write repeats.<instance>[.<question>] with an instance id of 8 to 32 of a-z and 0-9.")
            }
            if question == nil, RepeatInstance.Marker(value) == nil {
                return .invalid("\(field) makes a repeat instance: its value is {\"group\": repeat, \"order\": text} with \"parent\" for a nested repeat, and \"deleted\": true to delete it.")
            }
            return .allowed
        case .object:
            return value.objectValue == nil ? .invalid("\(what) must be \(rule.shape).") : .allowed
        case .line, .text:
            guard let text = value.stringValue else { return .invalid("\(what) must be \(rule.shape), not \(kind(of: value)).") }
            if let bad = ControlCharacters.firstForbidden(in: text, as: rule.shape == .text ? .multiLine : .singleLine) {
                return .invalid("\(what) holds the control character \(ControlCharacters.describe(bad)); type it again without it.")
            }
            return .allowed
        case .timestamp:
            guard let text = value.stringValue, Timestamp.isValid(text) else {
                return .invalid("\(what) must be \(rule.shape), not \(value.stringValue.map { "\"\($0.prefix(40))\"" } ?? kind(of: value)).")
            }
            return .allowed
        case .oneOf(let words):
            guard let text = value.stringValue, words.contains(text) else { return .invalid("\(what) must be \(rule.shape).") }
            return .allowed
        case .user:
            guard let text = value.stringValue, !text.isEmpty, ControlCharacters.isClean(text) else {
                return .invalid("\(what) must be \(rule.shape).")
            }
            if !coordinators.contains(role), text != author.rawValue {
                return .forbidden("An interviewer may name only themselves as \(what), not \(text).")
            }
            return .allowed
        }
    }

    public static func entityName(_ entity: Entity) -> String {
        switch entity {
        case .interview: return "An interview"
        case .contactAttempt: return "A contact attempt"
        case .caseFile: return "A case"
        case .assignment: return "An assignment"
        case .municipality: return "A roster row"
        case .questionnaire: return "A questionnaire"
        case .conflict: return "A conflict"
        case .invitation: return "An invitation"
        default: return "Entity \(entity)"
        }
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "true/false"
        case .int, .double: return "a number"
        case .string: return "text"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

extension WriteAuthority {
    /// The keys an interviewer may send in a flag: the coordinator's own, copied, and the answer's time.
    static let flagAnswerKeys: Set<String> = ["comment", "status", "by", "byName", "at", "answeredAt"]

    /// Checks a flag written by someone who does not coordinate: it may only mark a flag a
    /// coordinator raised as answered, keeping the coordinator's comment, author and time.
    ///
    /// - Parameter stored: the flag as the server holds it (nil: there is no such flag).
    public static func checkFlagAnswer(_ value: JSONValue?, stored: JSONValue?, field: String) -> Verdict {
        guard let stored = stored?.objectValue else {
            return .forbidden("There is no review flag \(field) to answer; only coordinators raise flags.")
        }
        guard let flag = value?.objectValue else {
            return .forbidden("Only coordinators remove a review flag (\(field)).")
        }
        if let extra = flag.keys.sorted().first(where: { !flagAnswerKeys.contains($0) }) {
            return .forbidden("An interviewer marks a flag answered; \"\(extra)\" in \(field) is for coordinators.")
        }
        guard flag["status"]?.stringValue == "answered" else {
            return .forbidden("An interviewer may only mark a flag \"answered\"; resolving \(field) is for coordinators.")
        }
        for key in ["comment", "by", "byName", "at"] where flag[key] != stored[key] {
            return .forbidden("An interviewer may not change the coordinator's \(key) of flag \(field).")
        }
        if let answeredAt = flag["answeredAt"], !(answeredAt.stringValue.map(Timestamp.isValid) ?? false) {
            return .invalid("answeredAt of flag \(field) must be a date and time such as 2025-01-14T10:30:00Z.")
        }
        return .allowed
    }
}
