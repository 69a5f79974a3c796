import Foundation
import GRDB
import Shared
import Testing

@testable import VeldwerkClient

@Suite("The laptop records only what the server's authority table allows")
struct RecordAuthorityTests {
    @Test("an interviewer's laptop refuses to record an approval, a reassignment or a nested contact time, and stores nothing")
    func refusesForbiddenEdits() throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        let interview = try fixture.newInterview()
        let key = interview.id.uuidString.lowercased()
        let before = try fixture.store.outboxCount()
        let scope = Scope.municipality("11001")
        let refused: [FieldEdit] = [
            FieldEdit(scope: scope, entity: .interview, entityId: key, field: "review", value: .object(["status": .string("approved")])),
            FieldEdit(scope: scope, entity: .interview, entityId: key, field: "interviewer", value: .string("u-someone-else")),
            FieldEdit(scope: scope, entity: .contactAttempt, entityId: UUID().uuidString.lowercased(), field: "at", value: .object(["x": .int(1)])),
            FieldEdit(scope: scope, entity: .caseFile, entityId: "11001", field: "status", value: .string("completed")),
            FieldEdit(scope: scope, entity: .interview, entityId: key, field: "respondentName", value: .string("Els\u{1B}[D")),
        ]
        for edit in refused {
            #expect(throws: ClientError.self, "\(edit.field)") { try fixture.store.record([edit]) }
        }
        // One bad edit in a batch refuses the batch: nothing of it is saved.
        #expect(throws: ClientError.self) {
            try fixture.store.record([
                FieldEdit(scope: scope, entity: .interview, entityId: key, field: "answers.b_meerjarenplan", value: .string("ja")), refused[0],
            ])
        }
        #expect(try fixture.store.outboxCount() == before)
        #expect(try fixture.store.interview(interview.id)?.review == nil)
        #expect(try fixture.store.interview(interview.id)?.answers["b_meerjarenplan"] == nil)
    }
}
