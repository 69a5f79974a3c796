import Foundation
import GRDB
import LogStore
import Shared

/// ``ValidationLookup`` over an open transaction, on either engine.
struct SQLValidationLookup: ValidationLookup {
    let db: any SQLDatabase
    let cache: QuestionnaireCache
    /// Opens sealed personal values: validation reads what was typed.
    var sealing: PersonalDataSealing = .none

    func municipalityExists(_ nis: String) throws -> Bool {
        // Record ids are `<nis>@<valid from>`: a range on the primary key ('@' + 1 = 'A'), not a LIKE that scans.
        try db.exists(
            "SELECT EXISTS (SELECT 1 FROM field_state WHERE entity = 'municipality' AND entity_id > ? || '@' AND entity_id < ? || 'A')", [nis, nis]
        )
    }

    func interviewFields(_ id: String) throws -> [String: JSONValue] {
        try sealing.fields(of: .interview, id: id, in: db)
    }

    func questionnaire(id: String, version: String) throws -> Questionnaire? {
        let key = "\(id)@\(version)"
        if let cached = cache.get(key) { return cached }
        guard let definition = try ChangeLog.fields(of: .questionnaire, id: key, in: db)["definition"] else { return nil }
        let form = try definition.decode(as: Questionnaire.self)
        cache.set(key, form)
        return form
    }

    func userExists(_ id: UserID) throws -> Bool {
        try db.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM \"user\" WHERE id = ?)", [id.rawValue]) ?? false
    }

    func isAssigned(_ nis: String, to user: UserID) throws -> Bool {
        try db.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM field_state WHERE entity = 'assignment' AND entity_id = ? AND field = 'interviewer' AND value = ?)",
            [nis, JSONValue.string(user.rawValue).canonicalJSON]
        ) ?? false
    }

    func scope(ofRecord entity: Entity, id: String) throws -> Scope? {
        // The first change of the record: every later one must name the same scope.
        try db.value(String.self, "SELECT scope FROM change_log WHERE entity = ? AND entity_id = ? ORDER BY seq LIMIT 1", [entity.rawValue, id]
        ).flatMap(Scope.init(rawValue:))
    }
}
