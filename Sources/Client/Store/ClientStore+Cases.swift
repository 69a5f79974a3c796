import Foundation
import GRDB
import LogStore
import Shared

extension ClientStore {
    /// The contact attempts logged for one municipality (by anyone, as of the last sync), oldest first
    /// (``ContactAttempt/chronological(_:)``, the order the server derives case statuses in too).
    func contactAttempts(municipality nis: String) throws -> [ContactAttempt] {
        try pool.read { db in
            var sealer = try sealer(db)
            return ContactAttempt.chronological(
                try ChangeLog.storedRecords(of: .contactAttempt, scope: .municipality(nis), in: db).compactMap { id, record in
                    guard let uuid = UUID(uuidString: id) else { return nil }
                    let fields = try sealer.open(record.fields, entity: .contactAttempt, entityId: id)
                    return ContactAttempt(id: uuid, fields: fields, logged: record.earliestClock)
                }
            )
        }
    }

    /// The ids (lowercased) of contact attempts with changes still in the outbox.
    func pendingContactAttempts() throws -> Set<String> {
        try pool.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT l.entity_id FROM \(ClientStore.outboxChanges)
                        WHERE l.entity = 'contactAttempt'
                        """
                ).map { $0.lowercased() }
            )
        }
    }

    /// The status a coordinator set for a municipality's case, if any.
    func caseOverride(municipality nis: String) throws -> CaseStatus? {
        try pool.read { db in
            try ChangeLog.fields(of: .caseFile, id: nis, in: db)["status"]?.stringValue.flatMap(CaseStatus.init(rawValue:))
        }
    }

    /// Logs one contact attempt as one change set in the municipality's scope; returns its id.
    ///
    /// `at` is stored to the millisecond (`2026-03-02T09:15:04.250Z`); attempts at the same time keep
    /// the order they were logged in (their changes' clocks), whatever their ids.
    @discardableResult
    func logContact(
        municipality nis: String, at: Date, mode: ContactAttempt.Mode, outcome: ContactAttempt.Outcome, note: String?,
        appointment: Date?, interviewer: UserID, now: Date = Date(), id: ContactAttempt.ID = UUID()
    ) throws -> ContactAttempt.ID {
        let key = id.uuidString.lowercased()
        var fields: [(String, JSONValue)] = [
            (ContactAttempt.Field.municipality, .string(nis)),
            (ContactAttempt.Field.at, .string(ContactAttempt.atText(at))),
            (ContactAttempt.Field.mode, .string(mode.rawValue)),
            (ContactAttempt.Field.outcome, .string(outcome.rawValue)),
            (ContactAttempt.Field.interviewer, .string(interviewer.rawValue)),
        ]
        if let note, !note.isEmpty { fields.append((ContactAttempt.Field.note, .string(note))) }
        if let appointment { fields.append((ContactAttempt.Field.appointmentAt, .string(InterviewRunner.isoTime(appointment)))) }
        try record(
            fields.map { FieldEdit(scope: .municipality(nis), entity: .contactAttempt, entityId: key, field: $0.0, value: $0.1) },
            now: now
        )
        return id
    }

    /// One municipality's case as this laptop sees it.
    func caseSummary(municipality nis: String, now: Date = Date()) throws -> CaseSummary {
        let attempts = try contactAttempts(municipality: nis)
        let interviews = try interviews().filter { $0.municipality == nis }
        let override = try caseOverride(municipality: nis)
        return CaseSummary(
            nis: nis, name: try roster()[nis]?.name, attempts: attempts, interviews: interviews, override: override,
            pending: try pendingContactAttempts(), now: now
        )
    }
}

/// A municipality's case: status, attempts, next appointment (what `veldwerk cases` shows).
struct CaseSummary: Encodable, Equatable {
    var nis: String
    var name: String?
    var status: CaseStatus
    /// `derived` (from attempts and interviews) or `coordinator` (set by a coordinator).
    var statusSource: String
    var attempts: Int
    var lastAttempt: ContactAttemptView?
    /// The earliest appointment still to come, ISO time.
    var nextAppointment: String?
    var interviews: Int
    /// When the newest invitation still open was made (the government may fill in the questionnaire itself).
    var invitedAt: String?

    init(nis: String, name: String?, attempts: [ContactAttempt], interviews: [Interview], override: CaseStatus?, pending: Set<String> = [], now: Date) {
        self.nis = nis
        self.name = name
        status = CaseStatus.derive(attempts: attempts, interviews: interviews, override: override)
        statusSource = override == nil ? "derived" : "coordinator"
        self.attempts = attempts.count
        let latest = ContactAttempt.chronological(attempts).last
        lastAttempt = latest.map { ContactAttemptView($0, pending: pending.contains($0.id.uuidString.lowercased())) }
        let nowText = InterviewRunner.isoTime(now)
        nextAppointment = attempts.compactMap(\.appointmentAt).filter { $0 >= nowText }.min()
        self.interviews = interviews.filter { $0.state != .withdrawn }.count
    }
}

/// A contact attempt as commands print it.
struct ContactAttemptView: Encodable, Equatable {
    var id: String
    var at: String?
    var mode: String?
    var outcome: String?
    var note: String?
    var appointmentAt: String?
    var interviewer: String?
    var synced: Bool

    init(_ attempt: ContactAttempt, pending: Bool) {
        id = attempt.id.uuidString.lowercased()
        at = attempt.at
        mode = attempt.mode?.rawValue
        outcome = attempt.outcome?.rawValue
        note = attempt.note
        appointmentAt = attempt.appointmentAt
        interviewer = attempt.interviewer?.rawValue
        synced = !pending
    }
}
