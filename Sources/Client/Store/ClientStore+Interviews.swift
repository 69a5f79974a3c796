import Foundation
import GRDB
import LogStore
import Shared

extension ClientStore {
    /// Records edits of one interview's fields as one transaction (one `record` call).
    @discardableResult
    func recordInterview(_ interview: Interview, _ fields: [InterviewRunner.FieldValue], now: Date = Date()) throws -> [Change] {
        guard let nis = interview.municipality else { throw ClientError.unknownInterview(interview.id.uuidString.lowercased()) }
        let key = interview.id.uuidString.lowercased()
        return try record(
            fields.map { FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: $0.field, value: $0.value) },
            now: now
        )
    }

    /// Makes an instance of the repeat `group` (inside the instance `parent`, for a nested repeat):
    /// one change on `repeats.<new id>` whose order is the change's clock. Returns the new id.
    /// - Throws: ``ClientError/invalidInput(_:)`` for a group that is not a repeat, a parent that is
    ///   not a live instance of the enclosing repeat, or a parent missing or given where none belongs.
    @discardableResult
    func addInstance(of group: String, parent: String?, to interview: Interview, form: Questionnaire, now: Date = Date()) throws -> String {
        guard let repeatGroup = form.group(named: group), repeatGroup.repeats else {
            let names = form.groups.filter(\.repeats).map(\.name).joined(separator: ", ")
            throw ClientError.invalidInput(localized(
                nl: "\(group) is geen herhaling van deze vragenlijst (herhalingen: \(names.isEmpty ? "geen" : names)).",
                en: "\(group) is not a repeat of this questionnaire (repeats: \(names.isEmpty ? "none" : names))."
            ))
        }
        let enclosing = form.enclosingRepeat(ofGroup: repeatGroup.parent)?.name
        let live = interview.repeats ?? [:]
        switch (enclosing, parent) {
        case (nil, nil): break
        case (let outer?, let parent?):
            guard live[outer]?.contains(where: { $0.id == parent }) == true else {
                throw ClientError.invalidInput(localized(
                    nl: "\(parent) is geen instantie van \(outer) in dit interview.", en: "\(parent) is not an instance of \(outer) in this interview."
                ))
            }
        case (let outer?, nil):
            throw ClientError.invalidInput(localized(
                nl: "\(group) zit in de herhaling \(outer): geef met --parent de instantie ervan.", en: "\(group) is inside the repeat \(outer): name its instance with --parent."
            ))
        case (nil, _?):
            throw ClientError.invalidInput(localized(nl: "\(group) zit niet in een andere herhaling: laat --parent weg.", en: "\(group) is not inside another repeat: leave out --parent."))
        }
        let id = RepeatInstance.newID()
        try recordInterview(
            interview, [.init(field: Interview.Field.repeatInstance(id), value: RepeatInstance.Marker(group: group, parent: parent, order: "").value)], now: now
        )
        return id
    }

    /// Deletes a repeat instance: writes its stored marker again with `"deleted": true` (a change like any other).
    func deleteInstance(_ id: String, of interview: Interview, now: Date = Date()) throws {
        let stored = try self.interview(interview.id) ?? interview
        guard let instance = stored.repeats?.values.joined().first(where: { $0.id == id }) else {
            throw ClientError.invalidInput(localized(nl: "Dit interview heeft geen instantie \(id).", en: "This interview has no instance \(id)."))
        }
        let marker = RepeatInstance.Marker(group: instance.group, parent: instance.parent, order: instance.order, deleted: true)
        try recordInterview(interview, [.init(field: Interview.Field.repeatInstance(id), value: marker.value)], now: now)
    }

    /// Marks an interview complete: `state` = complete and `completedAt` = now, as one change set.
    func markComplete(_ interview: Interview, now: Date = Date()) throws {
        try recordInterview(
            interview,
            [
                .init(field: Interview.Field.state, value: .string(Interview.State.complete.rawValue)),
                .init(field: Interview.Field.completedAt, value: .string(InterviewRunner.isoTime(now))),
            ],
            now: now
        )
    }

    /// Per interview: the time of its newest change (from the merged state) and whether any of its changes wait in the outbox.
    func interviewActivity() throws -> [String: (lastChange: Date?, pending: Bool)] {
        try pool.read { db in
            var result: [String: (lastChange: Date?, pending: Bool)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT entity_id, MAX(hlc) AS newest FROM field_state WHERE entity = 'interview' GROUP BY entity_id") {
                let newest: String? = row["newest"]
                result[row["entity_id"]] = (newest.flatMap(HLC.init(encoded:)).map { Date(milliseconds: $0.wall) }, false)
            }
            let pending = try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT l.entity_id FROM \(ClientStore.outboxChanges)
                    WHERE l.entity = 'interview'
                    """
            )
            for id in pending {
                result[id, default: (nil, false)].pending = true
            }
            return result
        }
    }
}
