import Foundation
import Shared
import TestSupport
import Testing

@testable import VeldwerkClient

/// Runs the built `veldwerk` binary as a person (or a script) would, with piped stdin.
struct VeldwerkBinary {
    let url: URL

    /// The `veldwerk` executable built beside the test bundle (or in `.build/debug`).
    static func locate() throws -> VeldwerkBinary {
        let bundle = Bundle.main.bundleURL
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            bundle.appendingPathComponent("veldwerk"), bundle.deletingLastPathComponent().appendingPathComponent("veldwerk"),
            source.appendingPathComponent(".build/debug/veldwerk"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ClientError.invalidInput("No veldwerk binary near \(bundle.path); run `swift build` first.")
        }
        return VeldwerkBinary(url: found)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `veldwerk ARGS --home HOME` with `input` lines on stdin (then end of input).
    func run(_ arguments: [String], home: String, input: [String] = [], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments + ["--home", home]
        process.environment = ProgramRunner.environment(environment)
        let outURL = URL(fileURLWithPath: home).appendingPathComponent("stdout-\(UUID().uuidString.prefix(6)).txt")
        let errURL = URL(fileURLWithPath: home).appendingPathComponent("stderr-\(UUID().uuidString.prefix(6)).txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let text = input.map { $0 + "\n" }.joined()
        stdin.fileHandleForWriting.write(Data(text.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        return Result(
            status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8), stderr: try String(contentsOf: errURL, encoding: .utf8)
        )
    }
}

@Suite(.serialized) struct VeldwerkBinaryTests {
    @Test func aPipedInterviewStopsAtEndOfInputResumesAndCompletes() async throws {
        try await onOwnThread {
            let binary = try VeldwerkBinary.locate()
            let fixture = try ClientFixture()
            defer { fixture.remove() }
            let interview = try fixture.newInterview()
            let id = interview.id.uuidString.lowercased()
            let script = InterviewScripts.everyBranch
            let cut = try #require(script.firstIndex(of: "zzz"))

            // First sitting: input ends in the middle (as if the laptop died): every answer so far is saved.
            let first = try binary.run(["interview", "run", String(id.prefix(8))], home: fixture.home, input: Array(script[..<cut]))
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("A. Respondent en lokaal bestuur"))
            #expect(first.stdout.contains("\"abc\" is not a whole number"))
            #expect(first.stdout.contains("Geef een aantal tussen 1 en 10."))
            #expect(first.stdout.contains("Saved on this laptop;"))
            #expect(!first.stdout.contains("\u{1B}["))  // NO_COLOR and not a terminal
            let saved = try #require(try fixture.store.interview(interview.id))
            #expect(saved.answers["a_aantal_respondenten"] == .int(2))
            #expect(saved.answers["b_doelstellingen"] == .array([.string("gelijke_kansen"), .string("schooluitval")]))
            #expect(saved.answers["b_aanpak"] == nil)

            // Not complete yet: exit code 7 and the list of what is missing.
            let refused = try binary.run(["interview", "complete", id, "--json"], home: fixture.home)
            #expect(refused.status == 7)
            let missing = try JSONDecoder().decode(CompleteOutput.self, from: Data(refused.stdout.utf8))
            #expect(missing.missing.first?.name == "b_aanpak")
            #expect(missing.state == "draft")

            // Second sitting resumes at b_aanpak and finishes with `complete`.
            let second = try binary.run(["interview", "run", id, "--lang", "en"], home: fixture.home, input: Array(script[cut...]))
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout.contains("Resuming at the first unanswered question."))
            #expect(second.stdout.contains("How is the policy mainly shaped?"))
            #expect(second.stdout.contains("is complete"))
            let done = try #require(try fixture.store.interview(interview.id))
            #expect(done.state == .complete)
            #expect(done.completedAt != nil)
            #expect(fixture.form.missingRequired(answers: done.answers).isEmpty)

            let again = try binary.run(["interview", "run", id], home: fixture.home)
            #expect(again.status == 2)
            #expect(again.stderr.contains("reopen"))

            let listed = try binary.run(["interviews", "--json"], home: fixture.home)
            let rows = try JSONDecoder().decode([InterviewRow].self, from: Data(listed.stdout.utf8))
            #expect(rows.count == 1)
            #expect(rows.first?.state == "complete")
            #expect(rows.first?.synced == false)
            #expect(rows.first.map { $0.answered <= $0.total && $0.answered > 20 } == true)
            #expect(rows.first?.municipalityName == "Aartselaar")
        }
    }

    @Test func contactsAndCasesThroughTheBinary() async throws {
        try await onOwnThread {
            let binary = try VeldwerkBinary.locate()
            let fixture = try ClientFixture(municipalities: ["11001", "11004"])
            defer { fixture.remove() }
            let home = fixture.home
            let logged = try binary.run(["contact", "log", "11001", "--mode", "phone", "--outcome", "no-answer", "--at", "2025-01-10T09:00:00Z"], home: home)
            #expect(logged.status == 0, "\(logged.stderr)")
            #expect(logged.stdout.contains("Case status: contacted."))
            #expect(logged.stdout.contains("wait for the next sync"))
            let meeting = try binary.run(
                ["contact", "log", "11001", "--mode", "email", "--outcome", "appointment", "--at", "2025-01-11T09:00:00Z", "--appointment", "2099-02-01T13:00:00Z", "--note", "schepen", "--json"],
                home: home
            )
            #expect(meeting.status == 0, "\(meeting.stderr)")
            let bad = try binary.run(["contact", "log", "11001", "--mode", "phone", "--outcome", "appointment"], home: home)
            #expect(bad.status == 64)  // usage error: an appointment needs --appointment
            let notMine = try binary.run(["contact", "log", "44021", "--mode", "phone", "--outcome", "refused"], home: home)
            #expect(notMine.status == 2)

            let history = try binary.run(["contact", "history", "11001", "--json"], home: home)
            let decoded = try JSONDecoder().decode(HistoryOutput.self, from: Data(history.stdout.utf8))
            #expect(decoded.status == "appointment")
            #expect(decoded.attempts.map(\.outcome) == ["no-answer", "appointment"])
            #expect(decoded.attempts.last?.note == "schepen")
            #expect(decoded.nextAppointment == "2099-02-01T13:00:00Z")

            let cases = try binary.run(["cases", "--json"], home: home)
            let rows = try JSONDecoder().decode([CaseRow].self, from: Data(cases.stdout.utf8))
            #expect(rows.map(\.nis) == ["11001", "11004"])
            #expect(rows.map(\.status) == ["appointment", "notContacted"])
            #expect(rows.first?.attempts == 2)
            let text = try binary.run(["cases"], home: home)
            #expect(text.stdout.contains("appointment"))
        }
    }

    @Test func tasksListOpenFlagsAndFixAnswersThem() async throws {
        try await onOwnThread {
            let binary = try VeldwerkBinary.locate()
            let fixture = try ClientFixture()
            defer { fixture.remove() }
            let interview = try fixture.newInterview()
            let id = interview.id.uuidString.lowercased()
            _ = try binary.run(["interview", "run", id], home: fixture.home, input: InterviewScripts.shortest)
            let flag: JSONValue = .object(["comment": .string("Echt geen VTE?"), "status": .string("open"), "by": .string("u-coord"), "at": .string("2025-01-12T10:00:00Z")])
            try fixture.applyFromServer([FieldEdit(scope: .municipality("11001"), entity: .interview, entityId: id, field: "flags.c_vte", value: flag)])

            let tasks = try binary.run(["tasks", "--json"], home: fixture.home)
            let listed = try JSONDecoder().decode([TaskRow].self, from: Data(tasks.stdout.utf8))
            #expect(listed.map(\.question) == ["c_vte"])
            #expect(listed.first?.comment == "Echt geen VTE?")

            let fix = try binary.run(["interview", "run", id, "--fix"], home: fixture.home, input: ["0,5"])
            #expect(fix.status == 0, "\(fix.stderr)")
            #expect(fix.stdout.contains("Review flag (u-coord): Echt geen VTE?"))
            let fixed = try #require(try fixture.store.interview(interview.id))
            #expect(fixed.answers["c_vte"] == .double(0.5))
            let object = try #require(fixed.flags["c_vte"]?.objectValue)
            #expect(object["status"] == .string("answered"))
            #expect(object["comment"] == .string("Echt geen VTE?"))
            #expect(object["answeredAt"] != nil)
            // Both wait in the outbox for the next sync.
            #expect(try fixture.store.outbox(limit: 1000).contains { $0.field == "flags.c_vte" })
            let none = try binary.run(["tasks", "--json"], home: fixture.home)
            #expect(try JSONDecoder().decode([TaskRow].self, from: Data(none.stdout.utf8)).isEmpty)
        }
    }

    struct CompleteOutput: Decodable {
        struct Missing: Decodable { var name: String }
        var state: String
        var missing: [Missing]
    }

    struct InterviewRow: Decodable {
        var id: String
        var state: String
        var answered: Int
        var total: Int
        var synced: Bool
        var municipalityName: String?
    }

    struct HistoryOutput: Decodable {
        struct Attempt: Decodable {
            var outcome: String?
            var note: String?
        }
        var status: String
        var nextAppointment: String?
        var attempts: [Attempt]
    }

    struct CaseRow: Decodable {
        var nis: String
        var status: String
        var attempts: Int
    }

    struct TaskRow: Decodable {
        var question: String
        var comment: String?
    }
}
