import Foundation
import GRDB
import LogStore
import Shared
import TestSupport

@testable import VeldwerkClient

/// An enrolled client profile in a temporary folder, seeded as a sync would leave it: the default
/// questionnaire and roster (scope `global`) and assignments of some municipalities (a cursor row
/// per `municipality:<nis>` scope). Remove it with ``remove()``.
struct ClientFixture {
    static let user = UserID("u-fixture")
    static let device = DeviceID(rawValue: "d-fixture000001")!

    let directory: TemporaryDirectory
    let store: ClientStore
    let form: Questionnaire

    init(municipalities: [String] = ["11001"], form: Questionnaire? = nil) throws {
        directory = try TemporaryDirectory(prefix: "veldwerk-client")
        store = try ClientStore(home: directory.url)
        try store.saveEnrolment(
            server: "http://127.0.0.1:9",
            response: EnrolResponse(
                user: UserSummary(id: Self.user, name: "Fixture Interviewer", role: .interviewer), device: Self.device, token: "fixture-token",
                serverTime: Date().millisecondsSince1970
            )
        )
        self.form = try form ?? XLSFormCompiler.defaultStudy()
        let form = self.form
        let roster = try Roster.defaultStudy()
        var seq: Int64 = 0
        func serverChange(_ scope: Scope, _ entity: Entity, _ id: String, _ field: String, _ value: JSONValue) -> Change {
            seq += 1
            return Change(
                id: ChangeID(device: .server, seq: seq), scope: scope, entity: entity, entityId: id, field: field, value: value,
                hlc: HLC(wall: 1_700_000_000_000 + seq, counter: 0, device: .server), base: nil, author: .system
            )
        }
        var changes = [serverChange(.global, .questionnaire, "\(form.id)@\(form.version)", "definition", try JSONValue(encoding: form))]
        for nis in municipalities {
            if let row = roster.current(nis: nis) {
                changes.append(serverChange(.global, .municipality, "\(row.nis)@\(row.validFrom)", "record", try JSONValue(encoding: row)))
            }
            changes.append(serverChange(.municipality(nis), .assignment, nis, "interviewer", .string(Self.user.rawValue)))
        }
        let scopes = ["global"] + municipalities.map { "municipality:\($0)" }
        try store.pool.write { db in
            try ChangeLog.apply(changes, in: db)
            for scope in scopes {
                try db.execute(sql: "INSERT INTO cursor (scope, seq) VALUES (?, ?)", arguments: [scope, seq])
            }
        }
    }

    var home: String { directory.path }

    /// Starts a draft interview as `veldwerk interview new` does; returns it.
    func newInterview(municipality nis: String = "11001") throws -> Interview {
        let id = UUID()
        let key = id.uuidString.lowercased()
        let fields: [(String, JSONValue)] = [
            (Interview.Field.municipality, .string(nis)),
            (Interview.Field.questionnaire, .string(form.id)),
            (Interview.Field.questionnaireVersion, .string(form.version)),
            (Interview.Field.state, .string(Interview.State.draft.rawValue)),
            (Interview.Field.startedAt, .string(InterviewRunner.isoTime(Date()))),
            (Interview.Field.interviewer, .string(Self.user.rawValue)),
        ]
        try store.record(fields.map { FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: $0.0, value: $0.1) })
        guard let interview = try store.interview(id) else { throw ClientError.unknownInterview(key) }
        return interview
    }

    /// Applies a coordinator's change (as a sync would bring it), e.g. a review flag.
    func applyFromServer(_ edits: [FieldEdit], seqBase: Int64 = 1000) throws {
        var seq = seqBase
        let changes = edits.map { edit -> Change in
            seq += 1
            return Change(
                id: ChangeID(device: .server, seq: seq), scope: edit.scope, entity: edit.entity, entityId: edit.entityId, field: edit.field,
                value: edit.value, hlc: HLC(wall: Date().millisecondsSince1970, counter: UInt32(seq), device: .server), base: nil,
                author: UserID("u-coordinator")
            )
        }
        try store.pool.write { db in _ = try ChangeLog.apply(changes, in: db) }
    }

    func remove() { directory.remove() }
}
