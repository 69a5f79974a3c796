import Foundation
import GRDB
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// Faults between laptop and server: nothing acknowledged is lost, nothing is stored twice, and
/// after a clean sync the laptop and the server hold the same state.
@Suite("Transport faults end to end", .serialized)
struct TransportFaultTests {
    struct Harness {
        let server: TestServer
        let home: TemporaryDirectory
        let store: ClientStore
        let token: String
        let device: DeviceID

        init(server: TestServer) async throws {
            self.server = server
            let person = try await server.interviewer("Fien Fout", municipalities: ["11001"])
            home = try TemporaryDirectory(prefix: "veldwerk-faults")
            store = try ClientStore(home: home.url)
            let enrolment = try await APIClient(transport: CurlTransport(), baseURL: server.url, token: nil)
                .enrol(EnrolRequest(code: person.code, deviceName: "faulty"))
            try store.saveEnrolment(server: server.url, response: enrolment)
            token = enrolment.token
            device = enrolment.device
        }

        func sync(through transport: any HTTPTransport, pushLimit: Int = 500) async throws -> SyncSession.Summary {
            var runner = SyncRunner(store: store, api: APIClient(transport: transport, baseURL: server.url, token: token))
            runner.pushLimit = pushLimit
            return try await runner.run()
        }

        /// Records a new interview with some answers.
        @discardableResult
        func edit(_ seed: Int, interview: String = UUID().uuidString.lowercased()) throws -> [Change] {
            let scope = Scope.municipality("11001")
            let modes = ["telefonisch", "video", "face_to_face", "zelf"]
            return try store.record([
                FieldEdit(scope: scope, entity: .interview, entityId: interview, field: "municipality", value: .string("11001")),
                FieldEdit(scope: scope, entity: .interview, entityId: interview, field: "questionnaire", value: .string("flankerend_onderwijsbeleid")),
                FieldEdit(scope: scope, entity: .interview, entityId: interview, field: "questionnaireVersion", value: .string("1")),
                FieldEdit(scope: scope, entity: .interview, entityId: interview, field: "answers.a_modus", value: .string(modes[seed % modes.count])),
                FieldEdit(scope: scope, entity: .interview, entityId: interview, field: "answers.a_aantal_respondenten", value: .int(Int64(1 + seed % 5))),
            ])
        }

        /// The invariants after any faults: acknowledged changes stored once, the rest waiting, and after a clean sync the same state.
        func checkConverged() async throws {
            _ = try await sync(through: CurlTransport())
            let mine = try await store.pool.read { db in
                try db.values(Int64.self, "SELECT dseq FROM change_log WHERE device = ? ORDER BY dseq", [device.rawValue])
            }
            let stored = try await server.store.engine.read { db in
                try db.fetchAll("SELECT dseq, COUNT(*) AS n FROM change_log WHERE device = ? GROUP BY dseq ORDER BY dseq", [device.rawValue])
            }
            #expect(stored.map { $0["dseq"] as Int64 } == mine, "every change of the laptop is on the server")
            #expect(stored.allSatisfy { ($0["n"] as Int) == 1 }, "none twice")
            #expect(try store.outboxCount() == 0)
            let sql = "SELECT entity, entity_id, field, value, hlc FROM field_state WHERE scope IN ('global', 'municipality:11001') ORDER BY 1, 2, 3"
            let local = try await store.pool.read { db in try db.fetchAll(sql) }
            let remote = try await server.store.engine.read { db in try db.fetchAll(sql) }
            #expect(local == remote, "laptop and server converge")
        }

        func acknowledgedAreStored() async throws {
            let acknowledged = try await store.pool.read { db in
                try db.values(Int64.self, "SELECT dseq FROM change_log WHERE device = ? AND dseq NOT IN (SELECT dseq FROM outbox)", [device.rawValue]
                )
            }
            for seq in acknowledged {
                #expect(try await server.logCount(of: ChangeID(device: device, seq: seq)) == 1, "acknowledged change \(seq) is stored once")
            }
        }
    }

    @Test(
        "each fault on a push: the sync fails or succeeds cleanly, and a clean sync converges",
        arguments: [
            FaultyTransport.Fault.dropRequest, .dropResponse, .truncateBody, .truncateResponse, .delay(.milliseconds(300)), .reset,
        ]
    )
    func singleFault(_ fault: FaultyTransport.Fault) async throws {
        try await TestServer.with { server in
            let harness = try await Harness(server: server)
            defer { harness.home.remove() }
            _ = try await harness.sync(through: CurlTransport())
            let before = try await server.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") ?? 0 }
            let changes = try harness.edit(1)
            let transport = FaultyTransport([fault])
            do {
                let summary = try await harness.sync(through: transport)
                #expect(summary.waiting == 0, "\(fault): a sync that reports success has sent everything")
            } catch {
                #expect(try harness.store.outboxCount() == changes.count, "\(fault): a failed sync leaves the changes waiting")
            }
            let after = try await server.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") ?? 0 }
            switch fault {
            case .dropRequest, .truncateBody:
                #expect(after == before, "\(fault): nothing stored")
            case .dropResponse, .reset, .truncateResponse:
                #expect(after == before + changes.count, "\(fault): the server committed; the laptop will learn it on the next sync")
            case .delay:
                #expect(after == before + changes.count)
            }
            try await harness.acknowledgedAreStored()
            try await harness.checkConverged()
        }
    }

    @Test("30 syncs with random faults between edits, in small batches: nothing lost, nothing twice, converged")
    func randomFaults() async throws {
        try await TestServer.with { server in
            let harness = try await Harness(server: server)
            defer { harness.home.remove() }
            var random = SeededRandom(seed: 7)
            let faults: [FaultyTransport.Fault] = [.dropRequest, .dropResponse, .truncateBody, .truncateResponse, .delay(.milliseconds(50)), .reset]
            var failures = 0
            for round in 0..<30 {
                try harness.edit(round)
                let script = (0..<3).map { _ in Bool.random(using: &random) ? faults.randomElement(using: &random)! : .delay(.zero) }
                do {
                    _ = try await harness.sync(through: FaultyTransport(script), pushLimit: 3)
                } catch {
                    failures += 1
                }
                try await harness.acknowledgedAreStored()
            }
            #expect(failures > 0, "the script did inject faults")
            try await harness.checkConverged()
        }
    }
}
