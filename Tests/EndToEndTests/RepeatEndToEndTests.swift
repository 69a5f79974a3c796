import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// Issue #14 end to end: a form with a repeat published, one interview filled on two laptops of the
/// same interviewer offline, merged on the server, exported one row per instance.
@Suite("Repeats end to end", .serialized)
struct RepeatEndToEndTests {
    static let households = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/forms/households")

    @Test("two laptops add households to one interview offline; after sync the server and both laptops hold every instance once, a deleted one is gone, and export --repeat has a row each")
    func twoLaptopsMergeInstances() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An Peeters", municipalities: ["11001"])
            let coordinator = try Laptop()
            let laptopA = try Laptop()
            let laptopB = try Laptop()
            defer {
                coordinator.remove()
                laptopA.remove()
                laptopB.remove()
            }
            try await coordinator.run(["login", "--server", server.url, "--token", try await server.coordinatorToken()])
            // The households fixture as the newest questionnaire (a new interview takes the newest version).
            let folder = try TemporaryDirectory(prefix: "households")
            defer { folder.remove() }
            for name in ["survey.csv", "settings.csv"] {
                var text = try String(contentsOf: Self.households.appendingPathComponent(name), encoding: .utf8)
                if name == "settings.csv" { text = text.replacingOccurrences(of: "huishoudens,1,", with: "huishoudens,99,") }
                try text.write(to: folder.url.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            let published = try await coordinator.run(["admin", "questionnaire", "load", folder.path])
            #expect(published.stdout.contains("huishoudens"), "\(published.stdout)")

            try await laptopA.run(["enrol", "--server", server.url, "--code", an.code, "--name", "laptop-a"])
            // A newer code replaces the older one: the second laptop's is issued once the first is enrolled.
            let secondCode = try await server.store.issueEnrolmentCode(for: an.user, lifetime: 3600, now: Date()).code
            try await laptopB.run(["enrol", "--server", server.url, "--code", secondCode, "--name", "laptop-b"])
            try await laptopA.run(["sync"])
            let id = try await laptopA.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await laptopA.run(["interview", "set", id, "n_households=3"])
            try await laptopA.run(["sync"])
            try await laptopB.run(["sync"])
            #expect(try laptopB.store().interview(try #require(UUID(uuidString: id))) != nil)

            // Offline on both laptops: A adds a household with a member and one it deletes again, B adds another household.
            func add(_ laptop: Laptop, _ arguments: [String]) async throws -> String {
                try await laptop.run(["interview", "add-instance", id] + arguments).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let fromA = try await add(laptopA, ["household"])
            try await laptopA.run(["interview", "set", id, "repeats.\(fromA).head=An", "repeats.\(fromA).size=2"])
            let member = try await add(laptopA, ["member", "--parent", fromA])
            try await laptopA.run(["interview", "set", id, "repeats.\(member).member_name=Cor", "repeats.\(member).age=40"])
            let mistake = try await add(laptopA, ["household"])
            try await laptopA.run(["interview", "delete-instance", id, mistake])
            // B asks in the terminal runner (piped): n_households is 3, so it makes the first household, and the
            // second when it gets there; it stops at the second's first question. With A's, the merge holds three.
            let run = try await laptopB.run(["interview", "run", id, "--lang", "en"], stdin: "Bert\n0\n1\nquit\n")
            #expect(run.stdout.contains("Household 1 of 3") && run.stdout.contains("Household 2 of 3"), "\(run.stdout)")
            let uuid = try #require(UUID(uuidString: id))
            let onB = try #require(try laptopB.store().interview(uuid)?.repeats?["household"])
            #expect(onB.count == 2)
            let fromB = try #require(onB.first { $0.answers["head"] == .string("Bert") }?.id)
            let emptyB = try #require(onB.first { $0.id != fromB }?.id)
            #expect(Set([fromA, fromB, emptyB, member, mistake]).count == 5 && [fromA, fromB, member].allSatisfy(RepeatInstance.isValidID))

            // What cannot be: an answer to a question outside its repeat, an instance that is not there, a member without its household.
            let wrongQuestion = try await laptopB.run(["interview", "set", id, "repeats.\(fromB).member_name=X"], check: false)
            #expect(wrongQuestion.status != 0 && wrongQuestion.stderr.contains("not a question in an instance"), "\(wrongQuestion.stderr)")
            let noParent = try await laptopB.run(["interview", "add-instance", id, "member"], check: false)
            #expect(noParent.status != 0 && noParent.stderr.contains("--parent"), "\(noParent.stderr)")
            let badSize = try await laptopB.run(["interview", "set", id, "repeats.\(fromB).size=0"], check: false)
            #expect(badSize.status != 0, "the constraint . > 0 holds in the instance")

            try await laptopA.run(["sync"])
            try await laptopB.run(["sync"])
            try await laptopA.run(["sync"])

            let interviewID = try #require(UUID(uuidString: id))
            let onServer = try #require(try await server.store.interviewDetail(interviewID)).interview
            let households = try #require(onServer.repeats?["household"])
            #expect(households.map(\.id).sorted() == [fromA, fromB, emptyB].sorted(), "each laptop's households once, the deleted one gone")
            #expect(households.allSatisfy { !$0.order.isEmpty }, "the order is the creating change's clock")
            #expect(households.first { $0.id == fromA }?.answers == ["head": .string("An"), "size": .int(2)])
            #expect(households.first { $0.id == fromB }?.answers == ["head": .string("Bert"), "size": .int(1)])
            #expect(onServer.repeats?["member"]?.map(\.id) == [member])
            #expect(onServer.repeats?["member"]?.first?.parent == fromA)
            for laptop in [laptopA, laptopB] {
                #expect(try laptop.store().interview(interviewID)?.repeats == onServer.repeats, "the laptops agree with the server")
            }

            struct Row: Decodable {
                var id: String
                var answered: Int
                var total: Int
            }
            let listed = try await laptopA.json([Row].self, ["interviews"]).first { $0.id == id }
            #expect(listed?.answered == 7 && listed?.total == 9, "n_households, two questions in each household and in the member: \(String(describing: listed))")
            let shown = try await laptopB.run(["interview", "show", id]).stdout
            #expect(shown.contains("instance \(fromA)") && shown.contains("instance \(fromB)") && shown.contains("instance \(member) in \(fromA)"), "\(shown)")
            #expect(shown.contains("head = \"An\"") && shown.contains("member_name = \"Cor\"") && !shown.contains(mistake), "\(shown)")

            let export = try ["export", "--format", "csv", "--state", "all", "--out", "-"] + server.databaseArguments
            let rows = try await ProgramRunner.run("veldwerk-server", export + ["--repeat", "household"])
            #expect(rows.status == 0, "\(rows.stderr)")
            let lines = rows.stdout.split(whereSeparator: \.isNewline).map(String.init)
            #expect(lines.count == 4, "a header and one row per household: \(rows.stdout)")
            #expect(lines.dropFirst().contains { $0.contains(emptyB) }, "\(rows.stdout)")
            #expect(lines.dropFirst().contains { $0.contains(fromA) && $0.contains("An") }, "\(rows.stdout)")
            #expect(lines.dropFirst().contains { $0.contains(fromB) && $0.contains("Bert") }, "\(rows.stdout)")
            #expect(!rows.stdout.contains(mistake))
            let members = try await ProgramRunner.run("veldwerk-server", export + ["--repeat", "member"])
            #expect(members.status == 0, "\(members.stderr)")
            #expect(members.stdout.split(whereSeparator: \.isNewline).count == 2 && members.stdout.contains("Cor") && members.stdout.contains(fromA), "\(members.stdout)")
        }
    }
}
