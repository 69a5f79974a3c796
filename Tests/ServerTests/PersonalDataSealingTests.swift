import Foundation
import GRDB
import LogStore
import Secrets
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// The server's personal-data key at the store: sealed values still merge as equal or different,
/// a database stored in clear is encrypted in place, purge removes sealed values, and a wrong or
/// missing key is refused when the store opens.
@Suite("Personal data sealed in the server's store", .serialized)
struct PersonalDataSealingTests {
    /// A store with the default study and two laptops of one interviewer of 11001.
    struct Study {
        let store: SQLServerStore
        var first: SimulatedReplica
        var second: SimulatedReplica
        let firstPrincipal: Principal
        let secondPrincipal: Principal

        init(path: String, seal: PersonalValueSeal?) async throws {
            store = try await testStore(path: path, personalDataKey: seal?.dataKey)
            _ = try await store.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: Date())
            let user = try await store.createUser(name: "Ine Maes", role: .interviewer, email: nil, now: Date())
            _ = try await store.assign(["11001"], to: user.id, by: hostOperator, now: Date())
            var principals: [Principal] = []
            var replicas: [SimulatedReplica] = []
            for name in ["eerste", "tweede"] {
                let code = try await store.issueEnrolmentCode(for: user.id, lifetime: 3600, now: Date())
                let enrolled = try await store.enrol(code: code.code, deviceName: name, now: Date())
                principals.append(try #require(await store.principal(forTokenHash: Secret.hash(enrolled.token))))
                replicas.append(SimulatedReplica(device: enrolled.device, author: user.id))
            }
            first = replicas[0]
            second = replicas[1]
            firstPrincipal = principals[0]
            secondPrincipal = principals[1]
        }

        /// An interview of 11001 with the given fields, made by the first laptop at `physical` ms.
        mutating func interview(_ id: UUID, at physical: Int64, _ fields: [(String, JSONValue)]) -> [Change] {
            let base: [(String, JSONValue)] = [
                ("municipality", .string("11001")), ("questionnaire", .string("flankerend_onderwijsbeleid")), ("questionnaireVersion", .string("1")),
                ("state", .string("draft")),
            ]
            return (base + fields).map { field, value in
                first.edit(FieldKey(entity: .interview, entityId: id.uuidString.lowercased(), field: field), value: value, physical: physical)
            }
        }
    }

    private func fileBytes(_ directory: TemporaryDirectory) throws -> Data {
        try ["veldwerk.sqlite", "veldwerk.sqlite-wal", "veldwerk.sqlite-shm"].reduce(into: Data()) { bytes, name in
            let url = directory.appending(name)
            if FileManager.default.fileExists(atPath: url.path) { bytes.append(try Data(contentsOf: url)) }
        }
    }

    private func found(_ text: String, in bytes: Data) -> Bool { bytes.range(of: Data(text.utf8)) != nil }

    @Test("two laptops writing different names without seeing each other keep a conflict, opened for the coordinator; equal names make none")
    func conflictsOnSealedValues() async throws {
        try await withTemporaryDirectory { directory in
            var study = try await Study(path: directory.appending("veldwerk.sqlite").path, seal: PersonalValueSeal(dataKey: PersonalValueSeal.newDataKey()))
            let now = Date().millisecondsSince1970
            let differ = UUID()
            let same = UUID()
            var changes = study.interview(differ, at: now, []) + study.interview(same, at: now, [])
            _ = try await study.store.push(changes, from: study.firstPrincipal, now: Date())
            changes = [
                study.first.edit(FieldKey(entity: .interview, entityId: differ.uuidString.lowercased(), field: "respondentName"), value: .string("Griet Vandenbroucke"), physical: now + 1),
                study.first.edit(FieldKey(entity: .interview, entityId: same.uuidString.lowercased(), field: "respondentName"), value: .string("Jan Peeters"), physical: now + 1),
            ]
            let pushedFirst = try await study.store.push(changes, from: study.firstPrincipal, now: Date())
            // The second laptop never saw the first's names.
            let pushedSecond = try await study.store.push(
                [
                    study.second.edit(FieldKey(entity: .interview, entityId: differ.uuidString.lowercased(), field: "respondentName"), value: .string("Griet Van den Broucke"), physical: now + 2),
                    study.second.edit(FieldKey(entity: .interview, entityId: same.uuidString.lowercased(), field: "respondentName"), value: .string("Jan Peeters"), physical: now + 2),
                ],
                from: study.secondPrincipal, now: Date()
            )
            #expect(pushedFirst.rejected.isEmpty && pushedSecond.rejected.isEmpty, "\(pushedFirst.rejected + pushedSecond.rejected)")

            let conflicts = try await study.store.conflicts(openOnly: true)
            #expect(conflicts.count == 1, "only the different names conflict: \(conflicts.map(\.key))")
            let conflict = try #require(conflicts.first)
            #expect(conflict.key.entityId == differ.uuidString.lowercased())
            #expect(conflict.loser.value == .string("Griet Vandenbroucke"), "the kept version is opened")
            #expect(conflict.current?.value == .string("Griet Van den Broucke"))
            let stored = try await study.store.engine.read { db in
                try db.values(String.self, "SELECT value FROM change_log WHERE field = 'respondentName'")
            }
            #expect(stored.count == 4 && stored.allSatisfy { $0.hasPrefix("{\"$sealed\"") }, "\(stored)")

            // The coordinator keeps the first name: the resolution quotes it, and is sealed too.
            _ = try await study.store.resolveConflict(conflict.loser.id, choice: .kept, value: nil, by: hostOperator, now: Date())
            let detail = try #require(await study.store.interviewDetail(differ))
            #expect(detail.interview.respondentName == "Griet Vandenbroucke")
            #expect(detail.conflicts.first?.resolution?.objectValue?["value"] == .string("Griet Vandenbroucke"))
            let resolution = try await study.store.engine.read { db in
                try db.value(String.self, "SELECT value FROM field_state WHERE entity = 'conflict' AND field = 'resolution'")
            }
            #expect(resolution?.hasPrefix("{\"$sealed\"") == true, "\(resolution ?? "")")
        }
    }

    @Test("a coordinator's edit and flag, an invitation's address and a respondent's web answers are stored sealed and read back as typed")
    func serverAuthoredValuesSealed() async throws {
        try await withTemporaryDirectory { directory in
            var study = try await Study(path: directory.appending("veldwerk.sqlite").path, seal: PersonalValueSeal(dataKey: PersonalValueSeal.newDataKey()))
            var form = try XLSFormCompiler.defaultStudy()
            form.version = "2"
            form.personalDataQuestions = ["f_opmerkingen"]
            _ = try await study.store.publishQuestionnaire(form, by: hostOperator, now: Date())

            // A coordinator names the respondent and flags the personal answer.
            let id = UUID()
            _ = try await study.store.push(study.interview(id, at: Date().millisecondsSince1970, []), from: study.firstPrincipal, now: Date())
            let edited = try await study.store.editInterview(id, fields: ["respondentName": .string("Griet Vandenbroucke")], by: hostOperator, now: Date())
            #expect(edited.first?.value == .string("Griet Vandenbroucke"), "the caller gets the value as typed")
            // A web respondent answers the personal question; the invitation names an address.
            let (invitation, token) = try await study.store.createInvitation(
                municipality: "11001", email: "jeugd@aartselaar.be", validDays: 30, by: hostOperator, now: Date()
            )
            #expect(invitation.email == "jeugd@aartselaar.be")
            _ = try await study.store.saveWebAnswers(
                tokenHash: Secret.hash(token), answers: ["f_opmerkingen": .string("Bel op 0478 12 34 56")], submit: false, now: Date()
            )
            let webInterview = try #require(invitation.interview)
            _ = try await study.store.flagAnswer(webInterview, question: "f_opmerkingen", comment: "Klopt dit nummer?", by: hostOperator, now: Date())

            let stored = try await study.store.engine.read { db in
                try db.values(String.self, "SELECT value FROM change_log WHERE field IN ('respondentName', 'email', 'answers.f_opmerkingen', 'flags.f_opmerkingen')"
                )
            }
            #expect(stored.count == 4 && stored.allSatisfy { $0.hasPrefix("{\"$sealed\"") }, "\(stored)")
            #expect(try #require(await study.store.interviewDetail(id)).interview.respondentName == "Griet Vandenbroucke")
            let web = try #require(await study.store.webInvitation(tokenHash: Secret.hash(token), now: Date()))
            #expect(web.invitation.email == "jeugd@aartselaar.be")
            #expect(web.interview.answers["f_opmerkingen"] == .string("Bel op 0478 12 34 56"))
            #expect(web.interview.flags["f_opmerkingen"]?.objectValue?["comment"] == .string("Klopt dit nummer?"))
        }
    }

    @Test("encrypt-personal-data seals a database stored in clear, leaves no clear byte, and the key is then required", .enabled(if: !TestEngine.isPostgres, "reads the SQLite file's own bytes"))
    func encryptExistingDatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending("veldwerk.sqlite").path
            var study = try await Study(path: path, seal: nil)
            let id = UUID()
            let changes = study.interview(id, at: Date().millisecondsSince1970, [
                ("respondentName", .string("Griet Vandenbroucke")), ("respondentEmail", .string("griet.vandenbroucke@aartselaar.be")),
                ("answers.a_modus", .string("telefonisch")),
            ])
            _ = try await study.store.push(changes, from: study.firstPrincipal, now: Date())
            // A contact note for a municipality the laptop does not hold waits in the quarantine.
            let note = study.first.edit(
                FieldKey(entity: .contactAttempt, entityId: UUID().uuidString.lowercased(), field: "note"), value: .string("Goedele Verstraeten belt terug"),
                physical: Date().millisecondsSince1970, scope: .municipality("11002")
            )
            let held = try await study.store.push([note], from: study.firstPrincipal, now: Date())
            #expect(held.rejected.map(\.code) == [.quarantined])
            try await study.store.sqlitePool!.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            let clearBytes = try fileBytes(directory)
            #expect(found("Griet Vandenbroucke", in: clearBytes) && found("Goedele Verstraeten", in: clearBytes))

            let keyFile = directory.appending("personal-data.key").path
            try PersonalDataKeyFile.create(keyFile)
            let key = try PersonalDataKeyFile.read(keyFile)
            #expect(throws: PersonalDataKeyError.clearValues(count: 3)) { try SQLServerStore(path: path, personalDataKey: key) }

            let run = try await ProgramRunner.run(
                "veldwerk-server", ["admin", "encrypt-personal-data", "--json", "--data", directory.path, "--personal-data-key", keyFile]
            )
            #expect(run.status == 0, "\(run.stderr)")
            let done = try JSONDecoder().decode(PersonalDataEncryption.self, from: Data(run.stdout.utf8))
            #expect(done == PersonalDataEncryption(changes: 2, currentValues: 2, quarantined: 1))
            let bytes = try fileBytes(directory)
            #expect(found("telefonisch", in: bytes))
            for value in ["Griet Vandenbroucke", "griet.vandenbroucke@aartselaar.be", "Goedele Verstraeten"] { #expect(!found(value, in: bytes), "\(value)") }

            #expect(throws: PersonalDataKeyError.missing) { try SQLServerStore(path: path) }
            #expect(throws: PersonalDataKeyError.wrong) { try SQLServerStore(path: path, personalDataKey: PersonalValueSeal.newDataKey()) }
            let reopened = try SQLServerStore(path: path, personalDataKey: key)
            #expect(try #require(await reopened.interviewDetail(id)).interview.respondentName == "Griet Vandenbroucke")
            #expect(try await reopened.auditLog().first?.action == "encrypt-personal-data")
            #expect(try await reopened.quarantine().map(\.change.value) == [.string("Goedele Verstraeten belt terug")], "the quarantine reads as typed")
            // The same answer pushed again seals to the stored bytes: a retry or a second copy changes nothing.
            let again = try await reopened.push(changes, from: study.firstPrincipal, now: Date())
            #expect(again.rejected.isEmpty)
            #expect(try await reopened.conflicts(openOnly: false).isEmpty)
        }
    }

    @Test("purge-personal-data removes sealed values before the date; the key still opens what stays")
    func purgeSealedValues() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending("veldwerk.sqlite").path
            let keyFile = directory.appending("personal-data.key").path
            try PersonalDataKeyFile.create(keyFile)
            let key = try PersonalDataKeyFile.read(keyFile)
            var study = try await Study(path: path, seal: PersonalValueSeal(dataKey: key))
            let early = UUID()
            let late = UUID()
            let january = Timestamp.milliseconds("2026-01-10T09:00:00Z") ?? 0
            let july = Timestamp.milliseconds("2026-07-01T09:00:00Z") ?? 0
            var changes = study.interview(early, at: january, [("respondentName", .string("Griet Vandenbroucke")), ("answers.a_modus", .string("telefonisch"))])
            changes += study.interview(late, at: july, [("respondentName", .string("Jozefien Later"))])
            let pushed = try await study.store.push(changes, from: study.firstPrincipal, now: Date())
            #expect(pushed.rejected.isEmpty, "\(pushed.rejected)")

            let run = try await ProgramRunner.run(
                "veldwerk-server", ["admin", "purge-personal-data", "--before", "2026-06-01", "--json", "--personal-data-key", keyFile]
                    + TestEngine.dataArguments(folder: directory.path)
            )
            #expect(run.status == 0, "\(run.stderr)")
            let kept = try #require(await study.store.interviewDetail(early)).interview
            #expect(kept.respondentName == nil)
            #expect(kept.answers["a_modus"] == .string("telefonisch"))
            #expect(try #require(await study.store.interviewDetail(late)).interview.respondentName == "Jozefien Later")
            let sealedLeft = try await study.store.engine.read { db in
                try db.value(Int.self, "SELECT COUNT(*) FROM change_log WHERE field = 'respondentName' AND value IS NOT NULL") ?? 0
            }
            #expect(sealedLeft == 1, "only the July name stays")
        }
    }

    @Test("a backup needs no key: it copies sealed values sealed, and the key opens them in the restored database", .enabled(if: !TestEngine.isPostgres, "SQLite's online backup"))
    func backupOfSealedStore() async throws {
        try await withTemporaryDirectory { directory in
            let key = PersonalValueSeal.newDataKey()
            let path = directory.appending("veldwerk.sqlite").path
            var study = try await Study(path: path, seal: PersonalValueSeal(dataKey: key))
            let id = UUID()
            let pushed = try await study.store.push(
                study.interview(id, at: Date().millisecondsSince1970, [("respondentName", .string("Hilde Verstraeten"))]), from: study.firstPrincipal, now: Date()
            )
            #expect(pushed.rejected.isEmpty)
            let copy = directory.appending("backup.sqlite")
            let summary = try SQLServerStore.backup(database: URL(fileURLWithPath: path), to: copy)
            #expect(summary.logPosition > 0)
            #expect(!found("Hilde Verstraeten", in: try Data(contentsOf: copy)), "the backup holds the name sealed")
            #expect(throws: PersonalDataKeyError.self) { _ = try SQLServerStore(path: copy.path) }
            let restored = try SQLServerStore(path: copy.path, personalDataKey: key)
            #expect(try await restored.interviewDetail(id)?.interview.respondentName == "Hilde Verstraeten")
        }
    }

    @Test("a laptop cannot push a value dressed as sealed: every field refuses it, so no page or export of a server (with or without a key) meets a value it cannot open")
    func forgedSealedValuesRefused() async throws {
        try await withTemporaryDirectory { directory in
            var study = try await Study(path: directory.appending("veldwerk.sqlite").path, seal: nil)
            let id = UUID()
            let now = Date().millisecondsSince1970
            let made = try await study.store.push(study.interview(id, at: now, []), from: study.firstPrincipal, now: Date())
            #expect(made.rejected.isEmpty)
            let forged: JSONValue = .object(["$sealed": .string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")])
            let fields = ["respondentName", "respondentEmail", "answers.a_functie", "answers.a_modus", "flags.a_functie", "repeats.abcd1234", "state"]
            for (offset, field) in fields.enumerated() {
                let change = study.first.edit(
                    FieldKey(entity: .interview, entityId: id.uuidString.lowercased(), field: field), value: forged, physical: now + 1 + Int64(offset)
                )
                let pushed = try await study.store.push([change], from: study.firstPrincipal, now: Date())
                #expect(pushed.accepted.isEmpty, "\(field) took a forged sealed value")
            }
            #expect(try await study.store.interviewDetail(id) != nil, "the interview still opens")
            _ = try await study.store.fieldworkSnapshot()
        }
    }
}
