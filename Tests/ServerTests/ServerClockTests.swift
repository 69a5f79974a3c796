import Foundation
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// The server's clock on the engine under test: after a push it is past every clock it received, so
/// what the server writes next (a coordinator's correction) is newer than what it has seen.
@Suite("The server's clock")
struct ServerClockTests {
    @Test("after a push whose clock runs ahead of the server's time, a coordinator's correction of the answer gets a later clock and wins")
    func correctionAfterFastClockWins() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await testStore(path: directory.appending("clock.sqlite").path)
            let seed = try await StudySeed.make(store)
            let nis = seed.order[0]
            let user = seed.interviewers[0]
            var fast = TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "fast"), user: user)
            var slower = TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "slower"), user: user)
            let interview = try #require(seed.interviews[nis]?.first).uuidString.lowercased()
            let key = FieldKey(entity: .interview, entityId: interview, field: "answers.a_dienst")
            let wall = StudySeed.now.millisecondsSince1970
            // The second laptop's clock is behind the first's: the server's clock must not go back to it.
            let ahead = fast.change(key, scope: .municipality(nis), value: .string("onderwijs"), wall: wall + 30_000, base: nil)
            #expect(try await store.push([ahead], from: fast.principal, now: StudySeed.now).accepted == [ahead.id])
            let behind = slower.change(key, scope: .municipality(nis), value: .string("samenleving"), wall: wall + 20_000, base: nil)
            #expect(try await store.push([behind], from: slower.principal, now: StudySeed.now).accepted == [behind.id])
            let newest = try await store.engine.read { db in try db.value(String.self, "SELECT hlc FROM field_state WHERE entity = 'interview' AND entity_id = ? AND field = 'answers.a_dienst'", [interview]) }
            let correction = FieldEdit(scope: .municipality(nis), entity: .interview, entityId: interview, field: "answers.a_dienst", value: .string("welzijn"))
            let authored = try await store.engine.write { db in try SQLServerStore.author([correction], by: UserID("u-coordinator"), now: StudySeed.now, in: db) }
            #expect(authored[0].hlc.encoded > (newest ?? ""), "the correction's clock is after the newest pushed one")
            let value = try await store.engine.read { db in
                try db.value(String.self, "SELECT value FROM field_state WHERE entity = 'interview' AND entity_id = ? AND field = 'answers.a_dienst'", [interview])
            }
            #expect(value == JSONValue.string("welzijn").canonicalJSON)
        }
    }
}
