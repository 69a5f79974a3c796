import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// The foundation path on the real stack: a Hummingbird server on a loopback port, the real
/// `veldwerk` program over libcurl, SQLite on both sides.
@Suite("Fieldwork end to end", .serialized)
struct FieldworkEndToEndTests {
    struct ShowOutput: Decodable {
        struct Conflict: Decodable {
            var field: String
            var current: JSONValue?
            var kept: JSONValue?
            var open: Bool
        }
        var interview: Interview
        var conflicts: [Conflict]
        var pendingChanges: Bool
    }

    struct MunicipalityRow: Decodable {
        var nis: String
        var name: String?
    }

    struct StatusOutput: Decodable {
        var pendingChanges: Int
    }

    @Test("two interviewers and a coordinator: offline edits, sync, a correction meeting an offline edit")
    func twoInterviewersAndACoordinator() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An Peeters", municipalities: ["11001"])
            let bert = try await server.interviewer("Bert Claes", municipalities: ["11002", "44021"])
            let token = try await server.coordinatorToken()
            let laptopA = try Laptop()
            let laptopB = try Laptop()
            defer {
                laptopA.remove()
                laptopB.remove()
            }

            try await laptopA.run(["enrol", "--server", server.url, "--code", an.code, "--name", "laptop-a"])
            try await laptopB.run(["enrol", "--server", server.url, "--code", bert.code, "--name", "laptop-b"])
            try await laptopA.run(["sync"])
            try await laptopB.run(["sync"])
            #expect(try await laptopA.json([MunicipalityRow].self, ["municipalities"]).map(\.nis) == ["11001"])
            #expect(try await laptopB.json([MunicipalityRow].self, ["municipalities"]).map(\.nis) == ["11002", "44021"])
            #expect(try await laptopA.json([MunicipalityRow].self, ["municipalities"]).first?.name == "Aartselaar")

            // Offline work on both laptops.
            let idA = try await laptopA.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await laptopA.run(["interview", "set", idA, "a_modus=telefonisch", "a_aantal_respondenten=2", "b_aanpak=1"])
            let idB = try await laptopB.run(["interview", "new", "--municipality", "44021"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await laptopB.run(["interview", "set", idB, "a_modus=video", "c_vte=1,5"])
            let refused = try await laptopA.run(["interview", "new", "--municipality", "11002"], check: false)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("not assigned"))
            #expect(try await laptopA.json(StatusOutput.self, ["status"]).pendingChanges == 9)

            try await laptopA.run(["sync"])
            try await laptopB.run(["sync"])
            #expect(try await laptopA.json(StatusOutput.self, ["status"]).pendingChanges == 0)

            // The coordinator sees both interviews; each laptop sees only its own municipalities.
            let coordinator = APIClient(transport: CurlTransport(), baseURL: server.url, token: token)
            let onServer: InterviewDetail = try await coordinator.send("GET", "/v1/interviews/\(idA)")
            #expect(onServer.interview.answers["a_modus"] == .string("telefonisch"))
            #expect(onServer.interview.answers["a_aantal_respondenten"] == .int(2))
            #expect(onServer.interview.answers["b_aanpak"] != nil)
            let fromB: InterviewDetail = try await coordinator.send("GET", "/v1/interviews/\(idB)")
            #expect(fromB.interview.answers["c_vte"] == .double(1.5))
            #expect(try laptopB.store().interview(try #require(UUID(uuidString: idA))) == nil)

            // A changes an answer offline while the coordinator corrects the same answer on the server.
            try await laptopA.run(["interview", "set", idA, "a_aantal_respondenten=3"])
            let edit: FieldEditResponse = try await coordinator.send(
                "PATCH", "/v1/interviews/\(idA)", body: FieldEditRequest(fields: ["answers.a_aantal_respondenten": .int(4)])
            )
            #expect(edit.changes.count == 1)
            try await laptopA.run(["sync"])
            try await laptopB.run(["sync"])
            try await laptopA.run(["sync"])

            let merged: InterviewDetail = try await coordinator.send("GET", "/v1/interviews/\(idA)")
            let onLaptop = try await laptopA.json(ShowOutput.self, ["interview", "show", idA])
            let serverValue = merged.interview.answers["a_aantal_respondenten"]
            #expect(onLaptop.interview.answers == merged.interview.answers, "laptop and server agree on every answer")
            #expect(merged.conflicts.count == 1)
            #expect(onLaptop.conflicts.count == 1)
            let serverConflict = try #require(merged.conflicts.first)
            #expect(Set([serverConflict.loser.value, serverValue]) == Set([JSONValue.int(3), .int(4)]), "both values are kept")
            #expect(onLaptop.conflicts.first?.kept == serverConflict.loser.value)
            #expect(onLaptop.conflicts.first?.current == serverValue)

            let conflicts: InterviewRoutes.ConflictList = try await coordinator.send("GET", "/v1/conflicts")
            #expect(conflicts.conflicts.count == 1)
        }
    }

    @Test("a sync whose response was lost, repeated, doubles nothing")
    func lostResponseDoublesNothing() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An", municipalities: ["11001"])
            let laptop = try Laptop()
            defer { laptop.remove() }
            try await laptop.run(["enrol", "--server", server.url, "--code", an.code])
            try await laptop.run(["sync"])
            let id = try await laptop.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await laptop.run(["interview", "set", id, "a_modus=zelf", "a_functie=Diensthoofd welzijn"])

            let store = try laptop.store()
            let profile = try store.requireProfile()
            let waiting = try store.outbox(limit: 1000)
            #expect(waiting.count == 8)
            let lossy = APIClient(transport: ResponseDroppingTransport(inner: CurlTransport()), baseURL: profile.serverURL, token: profile.token)
            await #expect(throws: ClientError.self) { try await SyncRunner(store: store, api: lossy).run() }
            #expect(try store.outboxCount() == 8, "without an acknowledgement nothing leaves the outbox")
            for change in waiting { #expect(try await server.logCount(of: change.id) == 1, "the server committed the push") }

            try await laptop.run(["sync"])
            try await laptop.run(["sync"])
            #expect(try store.outboxCount() == 0)
            for change in waiting { #expect(try await server.logCount(of: change.id) == 1, "repeating the push doubled \(change.id)") }
        }
    }

    @Test("a client killed between sending a push and storing the acknowledgement loses and doubles nothing")
    func killedBeforeAcknowledgement() async throws {
        try await TestServer.with { server in
            let proxy = FaultProxy(target: server.url)
            try await proxy.run { proxyURL in
                let an = try await server.interviewer("An", municipalities: ["11001"])
                let laptop = try Laptop()
                defer { laptop.remove() }
                try await laptop.run(["enrol", "--server", proxyURL, "--code", an.code])
                try await laptop.run(["sync"])
                let id = try await laptop.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                try await laptop.run(["interview", "set", id, "a_modus=video", "a_aantal_respondenten=5"])
                let waiting = try laptop.store().outbox(limit: 1000)

                proxy.mode = .hold
                let sync = try ProgramRunner.start("veldwerk", ["sync", "--home", laptop.home.path])
                try await proxy.waitForHeldResponse()
                sync.kill()
                let killed = try await sync.finish(timeout: 10)
                #expect(killed.status != 0)
                proxy.mode = .passThrough

                #expect(try laptop.store().outboxCount() == waiting.count, "the acknowledgement was never stored")
                for change in waiting { #expect(try await server.logCount(of: change.id) == 1) }

                try await laptop.run(["sync"])
                #expect(try laptop.store().outboxCount() == 0)
                for change in waiting { #expect(try await server.logCount(of: change.id) == 1, "\(change.id) doubled") }
                let interviewID = try #require(UUID(uuidString: id))
                let detail = try #require(try await server.store.interviewDetail(interviewID))
                #expect(detail.interview.answers["a_aantal_respondenten"] == .int(5))
            }
        }
    }
}
