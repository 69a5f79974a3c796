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
