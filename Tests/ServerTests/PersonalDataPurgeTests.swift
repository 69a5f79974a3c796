import Foundation
import GRDB
import Secrets
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// `admin purge-personal-data --before DATE`, run as the real program on a real database: afterwards no
/// byte of the database file or its write-ahead log holds a personal value recorded before the date,
/// while the log keeps every change and every non-personal answer.
@Suite("Purging personal data on the server", .serialized)
struct PersonalDataPurgeTests {
    static let personalValues = ["Griet Vandenbroucke", "griet.vandenbroucke@aartselaar.be", "Goedele Verstraeten belt terug", "0478 12 34 56"]

    private func fileBytes(_ directory: TemporaryDirectory) throws -> Data {
        try ["veldwerk.sqlite", "veldwerk.sqlite-wal", "veldwerk.sqlite-shm"].reduce(into: Data()) { bytes, name in
            let url = directory.appending(name)
            if FileManager.default.fileExists(atPath: url.path) { bytes.append(try Data(contentsOf: url)) }
        }
    }

    private func contains(_ bytes: Data, _ text: String) -> Bool {
        bytes.range(of: Data(text.utf8)) != nil
    }

    @Test(
        "personal values before the date leave the log, the state and the files; later ones and non-personal answers stay; the audit trail records it",
        .enabled(if: !TestEngine.isPostgres, "reads the SQLite file's own bytes")
    )
    func purgeBeforeDate() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await testStore(path: directory.appending("veldwerk.sqlite").path)
            _ = try await store.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: Date())
            // Version 2 of the study declares its closing remarks personal data.
            var form = try XLSFormCompiler.defaultStudy()
            form.version = "2"
            form.personalDataQuestions = ["f_opmerkingen"]
            _ = try await store.publishQuestionnaire(form, by: hostOperator, now: Date())

            let user = try await store.createUser(name: "Ine Maes", role: .interviewer, email: nil, now: Date())
            _ = try await store.assign(["11001"], to: user.id, by: hostOperator, now: Date())
            let code = try await store.issueEnrolmentCode(for: user.id, lifetime: 3600, now: Date())
            let enrolled = try await store.enrol(code: code.code, deviceName: "laptop", now: Date())
            let principal = try #require(await store.principal(forTokenHash: Secret.hash(enrolled.token)))
            var laptop = SimulatedReplica(device: enrolled.device, author: user.id)

            let january = Timestamp.milliseconds("2026-01-10T09:00:00Z") ?? 0
            let july = Timestamp.milliseconds("2026-07-01T09:00:00Z") ?? 0
            func interview(_ id: UUID, at physical: Int64, _ fields: [(String, JSONValue)]) -> [Change] {
                let base: [(String, JSONValue)] = [
                    ("municipality", .string("11001")), ("questionnaire", .string("flankerend_onderwijsbeleid")), ("questionnaireVersion", .string("2")),
                    ("state", .string("draft")), ("interviewer", .string(user.id.rawValue)),
                ]
                return (base + fields).map { field, value in
                    laptop.edit(FieldKey(entity: .interview, entityId: id.uuidString.lowercased(), field: field), value: value, physical: physical)
                }
            }
            let early = UUID()
            let late = UUID()
            let contact = UUID().uuidString.lowercased()
            var changes = interview(early, at: january, [
                ("respondentName", .string("Griet Vandenbroucke")), ("respondentEmail", .string("griet.vandenbroucke@aartselaar.be")),
                ("answers.a_modus", .string("telefonisch")), ("answers.f_opmerkingen", .string("Bel op 0478 12 34 56")),
            ])
            for (field, value) in [("municipality", .string("11001")), ("at", .string("2026-01-09T10:00:00Z")), ("mode", .string("phone")), ("outcome", .string("callback")),
                                   ("note", .string("Mevr. Goedele Verstraeten belt terug")), ("interviewer", JSONValue.string(user.id.rawValue))] as [(String, JSONValue)] {
                changes.append(laptop.edit(FieldKey(entity: .contactAttempt, entityId: contact, field: field), value: value, physical: january))
            }
            changes += interview(late, at: july, [("respondentName", .string("Jozefien Later")), ("answers.a_modus", .string("video"))])
            let pushed = try await store.push(changes, from: principal, now: Date())
            #expect(pushed.rejected.isEmpty, "\(pushed.rejected)")
            let logSize = { try await store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log") ?? 0 } }
            let sizeBefore = try await logSize()

            // Into the database file itself, as a server that ran for months has it (not only in the write-ahead log).
            try await store.sqlitePool!.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            let before = try fileBytes(directory)
            for value in Self.personalValues { #expect(contains(before, value), "the scan finds \(value) before the purge") }

            let run = try await ProgramRunner.run(
                "veldwerk-server", ["admin", "purge-personal-data", "--before", "2026-06-01", "--json", "--data", directory.path]
            )
            #expect(run.status == 0, "\(run.stderr)")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let purge = try decoder.decode(PersonalDataPurge.self, from: Data(run.stdout.utf8))
            #expect(purge.changes == 4, "name, e-mail, the declared answer, the contact note; not the July name")

            let after = try fileBytes(directory)
            for value in Self.personalValues { #expect(!contains(after, value), "\(value) is gone from every byte of the files") }
            #expect(contains(after, "Jozefien Later"), "recorded after the date: kept")
            #expect(try await logSize() == sizeBefore, "the log keeps every change")

            let kept = try #require(await store.interviewDetail(early)).interview
            #expect(kept.respondentName == nil && kept.respondentEmail == nil)
            #expect(kept.answers["a_modus"] == .string("telefonisch"), "non-personal answers stay")
            #expect(kept.answers["f_opmerkingen"] == nil)
            #expect(try #require(await store.interviewDetail(late)).interview.respondentName == "Jozefien Later")

            let audit = try await store.auditLog()
            #expect(audit.first?.action == "purge-personal-data")
            #expect(audit.first?.actor == hostOperator.user)

            let refused = try await ProgramRunner.run("veldwerk-server", ["admin", "purge-personal-data", "--before", "2999-01-01", "--data", directory.path])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("lies in the future"))
        }
    }
}
