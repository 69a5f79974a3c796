import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// Coordinators prepare and steer fieldwork through `veldwerk admin` (API) without touching the database.
@Suite("Fieldwork set-up end to end", .serialized)
struct FieldworkSetupTests {
    static let forms = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/forms")

    struct MunicipalityRow: Decodable { var nis: String }

    private func uuid(_ text: String) throws -> UUID { try #require(UUID(uuidString: text)) }
    struct NewInterview: Decodable {
        var id: String
        var version: String
    }

    /// A coordinator's laptop profile, signed in with an API token.
    private func coordinatorLaptop(_ server: TestServer) async throws -> Laptop {
        let laptop = try Laptop()
        try await laptop.run(["login", "--server", server.url, "--token", try await server.coordinatorToken()])
        return laptop
    }

    @Test("a second questionnaire version reaches a laptop on sync while an interview begun on version 1 stays on version 1")
    func questionnaireVersions() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An", municipalities: ["11001"])
            let coordinator = try await coordinatorLaptop(server)
            let laptop = try Laptop()
            defer {
                coordinator.remove()
                laptop.remove()
            }
            try await laptop.run(["enrol", "--server", server.url, "--code", an.code])
            try await laptop.run(["sync"])
            let first = try await laptop.json(NewInterview.self, ["interview", "new", "--municipality", "11001"])
            #expect(first.version == "1")
            try await laptop.run(["interview", "set", first.id, "a_modus=zelf"])

            let published = try await coordinator.run(["admin", "questionnaire", "load", Self.forms.appendingPathComponent("study-v2.xlsx").path])
            #expect(published.stdout.contains("version 2"))
            let broken = try await coordinator.run(["admin", "questionnaire", "load", Self.forms.appendingPathComponent("broken-unknown-type.xlsx").path], check: false)
            #expect(broken.status != 0)
            #expect(broken.stderr.contains("survey sheet row 4"), "\(broken.stderr)")

            try await laptop.run(["sync"])
            let second = try await laptop.json(NewInterview.self, ["interview", "new", "--municipality", "11001"])
            #expect(second.version == "2")
            try await laptop.run(["interview", "set", second.id, "f_extra_opmerking=Niets toe te voegen"])
            let refused = try await laptop.run(["interview", "set", first.id, "f_extra_opmerking=Niets"], check: false)
            #expect(refused.status == 2, "version 1 has no such question")
            let old = try #require(try laptop.store().interview(try uuid(first.id)))
            #expect(old.questionnaireVersion == "1")
            try await laptop.run(["sync"])
            let onServer = try #require(try await server.store.interviewDetail(try uuid(second.id)))
            #expect(onServer.interview.answers["f_extra_opmerking"] == .string("Niets toe te voegen"))
        }
    }

    @Test("a CSV form without choices.csv whose select_one_from_file file sits beside it loads through the API and reaches a laptop")
    func choicesFileThroughTheAPI() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An", municipalities: ["11001"])
            let coordinator = try await coordinatorLaptop(server)
            let laptop = try Laptop()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("veldwerk-choicefile-\(UUID().uuidString)")
            defer {
                coordinator.remove()
                laptop.remove()
                try? FileManager.default.removeItem(at: folder)
            }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try "type,name,label\nselect_one_from_file dieren.csv,dier,Welk dier?\ntime,uur,Hoe laat?\n"
                .write(to: folder.appendingPathComponent("survey.csv"), atomically: true, encoding: .utf8)
            try "form_id,version\nflankerend_onderwijsbeleid,7\n".write(to: folder.appendingPathComponent("settings.csv"), atomically: true, encoding: .utf8)
            try "name,label\nkat,Kat\nhond,Hond\n".write(to: folder.appendingPathComponent("dieren.csv"), atomically: true, encoding: .utf8)
            let published = try await coordinator.run(["admin", "questionnaire", "load", folder.path], check: false)
            #expect(published.status == 0, "\(published.stderr)")

            try await laptop.run(["enrol", "--server", server.url, "--code", an.code])
            try await laptop.run(["sync"])
            let interview = try await laptop.json(NewInterview.self, ["interview", "new", "--municipality", "11001"])
            #expect(interview.version == "7")
            try await laptop.run(["interview", "set", interview.id, "dier=hond", "uur=9:30"])
            let refused = try await laptop.run(["interview", "set", interview.id, "dier=vis"], check: false)
            #expect(refused.status != 0)
            try await laptop.run(["sync"])
            let onServer = try #require(try await server.store.interviewDetail(try uuid(interview.id)))
            #expect(onServer.interview.answers["dier"] == .string("hond"))
            #expect(onServer.interview.answers["uur"] == .string("09:30"))
        }
    }

    @Test("reassignment: the new laptop pulls the full history, the old one loses access and its late edits wait in quarantine")
    func reassignment() async throws {
        try await TestServer.with { server in
            let an = try await server.interviewer("An", municipalities: ["11001", "11004"])
            let bert = try await server.interviewer("Bert", municipalities: [])
            let coordinator = try await coordinatorLaptop(server)
            let laptopA = try Laptop()
            let laptopB = try Laptop()
            defer {
                coordinator.remove()
                laptopA.remove()
                laptopB.remove()
            }
            try await laptopA.run(["enrol", "--server", server.url, "--code", an.code])
            try await laptopB.run(["enrol", "--server", server.url, "--code", bert.code])
            try await laptopA.run(["sync"])
            let id = try await laptopA.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await laptopA.run(["interview", "set", id, "a_modus=telefonisch"])
            try await laptopA.run(["sync"])
            // A keeps working offline after the last sync...
            try await laptopA.run(["interview", "set", id, "a_functie=Beleidsmedewerker onderwijs"])

            // ...while the coordinator moves 11001 to Bert.
            let moved = try await coordinator.run(["admin", "assign", "--user", bert.user.rawValue, "--municipality", "11001"])
            #expect(moved.stdout.contains("11001"))

            try await laptopB.run(["sync"])
            #expect(try await laptopB.json([MunicipalityRow].self, ["municipalities"]).map(\.nis) == ["11001"])
            let onB = try #require(try laptopB.store().interview(try uuid(id)))
            #expect(onB.answers["a_modus"] == .string("telefonisch"), "B sees A's synced history")

            let syncA = try await laptopA.run(["sync"])
            #expect(syncA.stdout.contains("not accepted"), "\(syncA.stdout)")
            #expect(try await laptopA.json([MunicipalityRow].self, ["municipalities"]).map(\.nis) == ["11004"])
            #expect(try laptopA.store().outboxCount() == 0)

            struct Quarantined: Decodable {
                var change: Change
                var status: String
            }
            let waiting = try await coordinator.json([Quarantined].self, ["admin", "quarantine"])
            #expect(waiting.count == 1)
            let late = try #require(waiting.first)
            #expect(late.change.field == "answers.a_functie")
            #expect(late.change.value == .string("Beleidsmedewerker onderwijs"), "nothing A typed is lost")
            let beforeAccept = try #require(try await server.store.interviewDetail(try uuid(id)))
            #expect(beforeAccept.interview.answers["a_functie"] == nil, "not applied silently")

            try await coordinator.run(["admin", "quarantine", "accept", late.change.id.description])
            try await laptopB.run(["sync"])
            let accepted = try #require(try laptopB.store().interview(try uuid(id)))
            #expect(accepted.answers["a_functie"] == .string("Beleidsmedewerker onderwijs"))
            #expect(try await coordinator.json([Quarantined].self, ["admin", "quarantine"]).isEmpty)
        }
    }

    @Test("bulk users with printable codes, devices with their last sync, and a revoked laptop that can no longer sync")
    func peopleAndLaptops() async throws {
        try await TestServer.with { server in
            let coordinator = try await coordinatorLaptop(server)
            let laptop = try Laptop()
            let files = try TemporaryDirectory()
            defer {
                coordinator.remove()
                laptop.remove()
                files.remove()
            }
            let people = files.appending("studenten.csv")
            try "name,email\nAn Peeters,an@example.org\n\"Claes, Bert\",bert@example.org\nZoë Maes,\n".write(to: people, atomically: true, encoding: .utf8)
            struct Created: Decodable {
                struct Code: Decodable { var code: String }
                var user: User
                var enrolmentCode: Code?
            }
            let created = try await coordinator.json([Created].self, ["admin", "import-users", people.path])
            #expect(created.map(\.user.name) == ["An Peeters", "Claes, Bert", "Zoë Maes"])
            #expect(created.allSatisfy { $0.enrolmentCode != nil })

            let assignments = files.appending("toewijzing.csv")
            try "nis_code,interviewer\n11001,an@example.org\n11002,\"Claes, Bert\"\n".write(to: assignments, atomically: true, encoding: .utf8)
            try await coordinator.run(["admin", "assign", "--csv", assignments.path])
            let badAssignments = files.appending("fout.csv")
            try "nis_code,interviewer\n11001,an@example.org\n99999,an@example.org\n".write(to: badAssignments, atomically: true, encoding: .utf8)
            let refused = try await coordinator.run(["admin", "assign", "--csv", badAssignments.path], check: false)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("99999"))
            struct Assignment: Decodable { var nis: String; var interviewerName: String? }
            let listed = try await coordinator.json([Assignment].self, ["admin", "assignments"])
            #expect(listed.map(\.nis) == ["11001", "11002"])
            #expect(listed.first?.interviewerName == "An Peeters")

            let code = try #require(created.first?.enrolmentCode?.code)
            try await laptop.run(["enrol", "--server", server.url, "--code", code])
            try await laptop.run(["sync"])
            #expect(try await laptop.json([MunicipalityRow].self, ["municipalities"]).map(\.nis) == ["11001"])
            try await coordinator.run(["admin", "case-status", "11001", "unreachable"])
            try await laptop.run(["sync"])
            struct Case: Decodable {
                var nis: String
                var status: String
                var statusSource: String
            }
            let cases = try await laptop.json([Case].self, ["cases"])
            #expect(cases.first?.status == "unreachable")
            #expect(cases.first?.statusSource == "coordinator")
            let devices = try await coordinator.json([DeviceInfo].self, ["admin", "devices"])
            #expect(devices.count == 1)
            #expect(devices.first?.lastSyncAt != nil)

            try await coordinator.run(["admin", "revoke-device", try #require(devices.first).id.rawValue])
            let revoked = try await laptop.run(["sync"], check: false)
            #expect(revoked.status == 5)
            #expect(revoked.stderr.contains("revoked"))
        }
    }

    @Test("an interviewer's token gets 403 on every coordinator route")
    func interviewerIsRefusedEverywhere() async throws {
        try await TestServer.with { server in
            let person = try await server.interviewer("An", municipalities: ["11001"])
            let enrolled = try await server.store.enrol(code: person.code, deviceName: "laptop", now: Date())
            let coordinatorRoutes = FieldworkRoutes.routes + [
                ("GET", "/v1/interviews/{id}"), ("PATCH", "/v1/interviews/{id}"), ("GET", "/v1/conflicts"), ("GET", "/v1/progress"),
                ("GET", "/v1/review/interviews"), ("POST", "/v1/review/interviews/{id}/approve"), ("POST", "/v1/review/interviews/{id}/flags"),
                ("GET", "/v1/review/conflicts"), ("POST", "/v1/review/conflicts/{id}/resolve"),
            ]
            let before = try await server.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") ?? 0 }
            for (method, template) in coordinatorRoutes {
                let path = template.replacingOccurrences(of: "{id}", with: "d-abc:1")
                    .replacingOccurrences(of: "/v1/interviews/d-abc:1", with: "/v1/interviews/\(UUID().uuidString)")
                let result = try await CurlTransport().perform(
                    TransportRequest(
                        method: method, url: server.url + path,
                        headers: [("Authorization", "Bearer \(enrolled.token)"), ("Content-Type", "application/json")],
                        body: method == "GET" ? nil : Data("{}".utf8)
                    )
                )
                #expect(result.status == 403, "\(method) \(path) answered \(result.status)")
                let error = try? JSONDecoder().decode(ErrorBody.self, from: result.body)
                #expect(error?.error.message.contains("coordinator") == true, "\(method) \(path)")
            }
            let after = try await server.store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") ?? 0 }
            #expect(after == before)
        }
    }
}

import GRDB
