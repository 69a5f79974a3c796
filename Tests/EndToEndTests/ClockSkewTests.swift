import Foundation
import GRDB
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// A laptop whose clock runs a day ahead or behind: measured, corrected, flagged, and never winning by its clock alone.
@Suite("Clock skew end to end", .serialized)
struct ClockSkewTests {
    static let day: TimeInterval = 24 * 3600

    /// A laptop profile driven in this process, with its own wall clock.
    struct SkewedLaptop {
        let home: TemporaryDirectory
        let store: ClientStore
        let api: APIClient
        let skew: TimeInterval

        init(server: TestServer, code: String, skew: TimeInterval) async throws {
            home = try TemporaryDirectory(prefix: "veldwerk-skewed")
            store = try ClientStore(home: home.url)
            let enrolment = try await APIClient(transport: CurlTransport(), baseURL: server.url, token: nil)
                .enrol(EnrolRequest(code: code, deviceName: "skewed"))
            try store.saveEnrolment(server: server.url, response: enrolment)
            api = APIClient(transport: CurlTransport(), baseURL: server.url, token: enrolment.token)
            self.skew = skew
        }

        var now: Date { Date().addingTimeInterval(skew) }

        /// The laptop has not measured its offset yet (its clock was set wrong after enrolment).
        func forgetOffset() throws {
            try store.pool.write { db in try db.execute(sql: "UPDATE profile SET clock_offset_ms = 0") }
        }

        /// Syncs with the laptop's clock (or, given, another skew).
        @discardableResult
        func sync(skew override: TimeInterval? = nil) async throws -> SyncSession.Summary {
            var runner = SyncRunner(store: store, api: api)
            let skew = override ?? skew
            runner.now = { Date().addingTimeInterval(skew) }
            return try await runner.run()
        }

        func value(_ interview: String, _ field: String) throws -> JSONValue? {
            try store.pool.read { db in try ChangeLog.fields(of: .interview, id: interview, in: db)[field] }
        }
    }

    private func interviewEdits(_ id: String, nis: String) -> [FieldEdit] {
        let scope = Scope.municipality(nis)
        return [
            FieldEdit(scope: scope, entity: .interview, entityId: id, field: "municipality", value: .string(nis)),
            FieldEdit(scope: scope, entity: .interview, entityId: id, field: "questionnaire", value: .string("flankerend_onderwijsbeleid")),
            FieldEdit(scope: scope, entity: .interview, entityId: id, field: "questionnaireVersion", value: .string("1")),
            FieldEdit(scope: scope, entity: .interview, entityId: id, field: "answers.a_modus", value: .string("telefonisch")),
        ]
    }

    @Test("a day ahead: refused with clockSkew, stamped again at the real time of the edit, flagged, loses to a later edit by another")
    func dayAhead() async throws {
        try await TestServer.with { server in
            let person = try await server.interviewer("Vera Voor", municipalities: ["11001"])
            let laptop = try await SkewedLaptop(server: server, code: person.code, skew: Self.day)
            defer { laptop.home.remove() }
            let interview = UUID().uuidString.lowercased()

            // The interview reaches the server while the clock is still right.
            try laptop.store.record(interviewEdits(interview, nis: "11001"), now: Date())
            try await laptop.sync(skew: 0)

            // Then its clock jumps a day ahead, offline; the edit is stamped a day in the future.
            try laptop.forgetOffset()
            let skewedEdit = try #require(try laptop.store.record(
                [FieldEdit(scope: .municipality("11001"), entity: .interview, entityId: interview, field: "answers.a_modus", value: .string("video"))],
                now: laptop.now
            ).first)
            #expect(skewedEdit.hlc.wall > Date().millisecondsSince1970 + 23 * 3600 * 1000)

            // Later (real time) a coordinator, who has not seen that edit, corrects the same answer. The
            // laptop's estimate of the real time of its edit is good to half a round trip; wait well past that.
            try await Task.sleep(for: .seconds(6))
            let token = try await server.coordinatorToken()
            _ = try await APIClient(transport: CurlTransport(), baseURL: server.url, token: token)
                .send("PATCH", "/v1/interviews/\(interview)", body: FieldEditRequest(fields: ["answers.a_modus": .string("face_to_face")])) as FieldEditResponse

            let summary = try await laptop.sync()
            #expect(summary.restamped == 1)
            #expect(summary.rejected == 0)
            #expect(summary.waiting == 0)

            // The refused change is not on the server; its replacement is, once, stamped at the real time of the edit.
            #expect(try await server.logCount(of: skewedEdit.id) == 0)
            let future = try await server.store.engine.read { db in
                try db.value(Int.self, "SELECT COUNT(*) FROM change_log WHERE hlc > ?", [String(HLC(wall: Date().millisecondsSince1970 + 300_000, counter: 0, device: .server).encoded.prefix(16))]) ?? 0
            }
            #expect(future == 0, "no change stamped beyond the bound reaches the server's log")
            let interviewID = try #require(UUID(uuidString: interview))
            let detail = try #require(try await server.store.interviewDetail(interviewID))
            #expect(detail.interview.answers["a_modus"] == .string("face_to_face"), "the coordinator's later edit wins")
            let replacement = try #require(detail.history.last { $0.value == .string("video") })
            #expect(replacement.id != skewedEdit.id)
            #expect(abs(replacement.hlc.wall - Date().millisecondsSince1970) < 60_000)
            #expect(detail.conflicts.contains { $0.loser.id == replacement.id }, "neither saw the other: the laptop's value is kept as a conflict")

            // The laptop's clock is corrected and its state converged with the server's.
            let profile = try laptop.store.requireProfile()
            #expect(abs(profile.clockOffsetMs + Int64(Self.day * 1000)) < 60_000)
            #expect(try laptop.value(interview, "answers.a_modus") == .string("face_to_face"))
            let later = try #require(try laptop.store.record(
                [FieldEdit(scope: .municipality("11001"), entity: .interview, entityId: interview, field: "answers.a_aantal_respondenten", value: .int(2))],
                now: laptop.now
            ).first)
            #expect(abs(later.hlc.wall - Date().millisecondsSince1970) < 60_000, "new edits carry corrected time")

            // Coordinators see the laptop flagged.
            let flagged: ListResponse<FlaggedDevice> = try await APIClient(transport: CurlTransport(), baseURL: server.url, token: token)
                .send("GET", "/v1/devices/flagged")
            let entry = try #require(flagged.items.first { $0.id == profile.device })
            #expect(entry.skewedChanges == 1)
            #expect(entry.reason.contains("ahead"))
        }
    }

    @Test("a day behind: its edits are accepted but cannot override others' later edits; the clock is corrected and the laptop flagged")
    func dayBehind() async throws {
        try await TestServer.with { server in
            let person = try await server.interviewer("Ben Achter", municipalities: ["11001"])
            let laptop = try await SkewedLaptop(server: server, code: person.code, skew: -Self.day)
            defer { laptop.home.remove() }
            let interview = UUID().uuidString.lowercased()
            try laptop.store.record(interviewEdits(interview, nis: "11001"), now: Date())
            try await laptop.sync(skew: 0)

            try laptop.forgetOffset()
            let slowEdit = try #require(try laptop.store.record(
                [FieldEdit(scope: .municipality("11001"), entity: .interview, entityId: interview, field: "answers.a_modus", value: .string("video"))],
                now: laptop.now
            ).first)
            // "Later" by more than the error of the offset measured at the first sync, which on a loaded
            // machine can be seconds (the laptop's clock never goes below what it measured then).
            try await Task.sleep(for: .seconds(6))
            let token = try await server.coordinatorToken()
            _ = try await APIClient(transport: CurlTransport(), baseURL: server.url, token: token)
                .send("PATCH", "/v1/interviews/\(interview)", body: FieldEditRequest(fields: ["answers.a_modus": .string("face_to_face")])) as FieldEditResponse
            let summary = try await laptop.sync()
            #expect(summary.restamped == 0 && summary.rejected == 0 && summary.waiting == 0)
            #expect(try await server.logCount(of: slowEdit.id) == 1)
            let interviewID = try #require(UUID(uuidString: interview))
            let detail = try #require(try await server.store.interviewDetail(interviewID))
            #expect(detail.interview.answers["a_modus"] == .string("face_to_face"))
            #expect(try laptop.value(interview, "answers.a_modus") == .string("face_to_face"))

            let profile = try laptop.store.requireProfile()
            #expect(abs(profile.clockOffsetMs - Int64(Self.day * 1000)) < 60_000)
            let next = try #require(try laptop.store.record(
                [FieldEdit(scope: .municipality("11001"), entity: .interview, entityId: interview, field: "answers.a_modus", value: .string("zelf"))],
                now: laptop.now
            ).first)
            #expect(abs(next.hlc.wall - Date().millisecondsSince1970) < 60_000, "new edits carry corrected time")
            try await laptop.sync()
            let after = try #require(try await server.store.interviewDetail(interviewID))
            #expect(after.interview.answers["a_modus"] == .string("zelf"), "an edit made after seeing the correction wins as usual")

            let flagged: ListResponse<FlaggedDevice> = try await APIClient(transport: CurlTransport(), baseURL: server.url, token: token)
                .send("GET", "/v1/devices/flagged")
            let entry = try #require(flagged.items.first { $0.id == profile.device })
            #expect(entry.reason.contains("behind"))
            #expect(entry.skewedChanges == 0)
        }
    }
}
