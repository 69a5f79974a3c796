import Foundation
import GRDB
import Secrets
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// Personal data at rest on the server: with `--personal-data-key`, what laptops push, a coordinator edits
/// and an invitation names is sealed in the server's database; a copied database file, its write-ahead log
/// and a backup reveal none of it, while pull, the interview detail, the dashboard's data and an export
/// with personal data show it as typed.
@Suite("Personal data encrypted on the server", .serialized)
struct ServerEncryptionTests {
    static let personal = [
        "Griet Vandenbroucke", "griet.vandenbroucke@aartselaar.be", "Goedele Verstraeten", "0499 88 77 66", "0478 12 34 56", "jeugd@aartselaar.be",
    ]

    /// Every byte of the server's database, write-ahead log and shared-memory file.
    private func serverFiles(_ data: TemporaryDirectory) throws -> Data {
        try ["veldwerk.sqlite", "veldwerk.sqlite-wal", "veldwerk.sqlite-shm"].reduce(into: Data()) { bytes, name in
            let url = data.appending(name)
            if FileManager.default.fileExists(atPath: url.path) { bytes.append(try Data(contentsOf: url)) }
        }
    }

    private func found(_ text: String, in bytes: Data) -> Bool { bytes.range(of: Data(text.utf8)) != nil }

    @Test(
        "pushed, edited and invited personal values are in no byte of the server's files or a backup; pull, detail, dashboard data and export show them",
        .enabled(if: !TestEngine.isPostgres, "reads the SQLite file's own bytes")
    )
    func serverFilesHoldNoPersonalValue() async throws {
        let keys = try TemporaryDirectory(prefix: "veldwerk-key")
        defer { keys.remove() }
        let keyFile = keys.appending("personal-data.key").path
        try PersonalDataKeyFile.create(keyFile)
        try await TestServer.with(configure: { $0.personalDataKeyFile = keyFile }) { server in
            var form = try XLSFormCompiler.defaultStudy()
            form.version = "2"
            form.personalDataQuestions = ["f_opmerkingen"]
            _ = try await server.store.publishQuestionnaire(form, by: hostOperator, now: Date())
            let ine = try await server.interviewer("Ine Maes", municipalities: ["11001"])
            let laptop = try Laptop()
            defer { laptop.remove() }

            // A laptop pushes a personal answer, a contact note and an invitation's address.
            try await laptop.run(["enrol", "--server", server.url, "--code", ine.code])
            try await laptop.run(["sync"])
            let id = try await laptop.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await laptop.run(["interview", "set", id, "a_modus=telefonisch", "f_opmerkingen=Bel op 0478 12 34 56"])
            try await laptop.run(["contact", "log", "11001", "--mode", "phone", "--outcome", "callback", "--note", "Goedele Verstraeten, gsm 0499 88 77 66"])
            try await laptop.run(["invite", "11001", "--email", "jeugd@aartselaar.be"])
            try await laptop.run(["sync"])

            // A second laptop of the same interviewer pushes the respondent's name and e-mail.
            let uuid = try #require(UUID(uuidString: id))
            let code = try await server.store.issueEnrolmentCode(for: ine.user, lifetime: 3600, now: Date())
            let second = try await server.store.enrol(code: code.code, deviceName: "tweede", now: Date())
            let principal = try #require(await server.store.principal(forTokenHash: Secret.hash(second.token)))
            var replica = SimulatedReplica(device: second.device, author: ine.user)
            let now = Date().millisecondsSince1970
            let pushed = try await server.store.push(
                [
                    replica.edit(FieldKey(entity: .interview, entityId: id, field: "respondentName"), value: .string("Griet Vandenbroucke"), physical: now),
                    replica.edit(FieldKey(entity: .interview, entityId: id, field: "respondentEmail"), value: .string("griet.vandenbroucke@aartselaar.be"), physical: now),
                ],
                from: principal, now: Date()
            )
            #expect(pushed.rejected.isEmpty, "\(pushed.rejected)")

            // The files as they are while the server runs, and once everything is in the database file.
            var bytes = try serverFiles(server.data)
            #expect(found("telefonisch", in: bytes), "the scan reads the data: a non-personal answer is there")
            for value in Self.personal { #expect(!found(value, in: bytes), "\(value) is not in the server's files") }
            try await server.store.sqlitePool!.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            bytes = try serverFiles(server.data)
            #expect(found("telefonisch", in: bytes))
            for value in Self.personal { #expect(!found(value, in: bytes), "\(value) is not in the checkpointed file") }

            // A backup (SQLite's online backup) and a plain copy of the file.
            let backupPath = keys.appending("backup.sqlite").path
            try #require(server.store.sqlitePool).backup(to: try DatabaseQueue(path: backupPath))
            let copyPath = keys.appending("copy.sqlite").path
            try FileManager.default.copyItem(atPath: server.data.appending("veldwerk.sqlite").path, toPath: copyPath)
            for path in [backupPath, copyPath] {
                let backup = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(found("telefonisch", in: backup))
                for value in Self.personal { #expect(!found(value, in: backup), "\(value) is not in \(path)") }
            }

            // What leaves the store is opened: the interview detail, the dashboard's snapshot, invitations.
            let detail = try #require(await server.store.interviewDetail(uuid))
            #expect(detail.interview.respondentName == "Griet Vandenbroucke")
            #expect(detail.interview.respondentEmail == "griet.vandenbroucke@aartselaar.be")
            #expect(detail.interview.answers["f_opmerkingen"] == .string("Bel op 0478 12 34 56"))
            #expect(!detail.history.contains { PersonalValueSeal.isSealed($0.value) }, "the history is opened too")
            let snapshot = try await server.store.fieldworkSnapshot()
            #expect(snapshot.attempts["11001"]?.contains { $0.note == "Goedele Verstraeten, gsm 0499 88 77 66" } == true)
            #expect(snapshot.interviews["11001"]?.contains { $0.respondentName == "Griet Vandenbroucke" } == true)
            #expect(try await server.store.invitations(municipality: "11001").map(\.email) == ["jeugd@aartselaar.be"])

            // Over HTTP: the interview detail API and the dashboard's interview and municipality pages.
            let coordinator = try await server.store.createUser(name: "Cas", role: .coordinator, email: nil, now: Date())
            let token = try await server.store.issueAPIToken(for: coordinator.id, now: Date())
            let api = try await CurlTransport().perform(
                TransportRequest(method: "GET", url: server.url + "/v1/interviews/\(id)", headers: [("Authorization", "Bearer \(token)")], body: nil)
            )
            let apiText = String(decoding: api.body, as: UTF8.self)
            #expect(api.status == 200 && apiText.contains("Griet Vandenbroucke") && !apiText.contains("$sealed"), "\(api.status) \(apiText.prefix(500))")
            let session = try await server.store.createDashboardSession(for: coordinator.id, lifetime: 600, now: Date())
            for (path, shows) in [("/dashboard/interviews/\(id)", "Griet Vandenbroucke"), ("/dashboard/municipalities/11001", "Goedele Verstraeten")] {
                let page = try await CurlTransport().perform(
                    TransportRequest(method: "GET", url: server.url + path, headers: [("Cookie", "\(DashboardSession.cookieName)=\(session)")], body: nil)
                )
                let html = String(decoding: page.body, as: UTF8.self)
                #expect(page.status == 200 && html.contains(shows) && !html.contains("$sealed"), "\(path): \(page.status)")
            }

            // Pull: the laptop receives the name as typed (and seals it under its own key).
            try await laptop.run(["sync"])
            let shown = try await laptop.run(["interview", "show", id, "--json"])
            #expect(shown.stdout.contains("Griet Vandenbroucke"), "\(shown.stdout)")

            // An export with personal data (the host operator is an admin) decrypts; one without leaves them out.
            let export = try ["export", "--format", "csv", "--state", "all", "--out", "-", "--personal-data-key", keyFile] + server.databaseArguments
            let full = try await ProgramRunner.run("veldwerk-server", export + ["--include-personal-data"])
            #expect(full.status == 0, "\(full.stderr)")
            #expect(full.stdout.contains("Griet Vandenbroucke") && full.stdout.contains("Bel op 0478 12 34 56"), "\(full.stdout.prefix(2000))")
            let pseudonymised = try await ProgramRunner.run("veldwerk-server", export)
            #expect(pseudonymised.status == 0, "\(pseudonymised.stderr)")
            #expect(!pseudonymised.stdout.contains("Griet Vandenbroucke"))

            // Without the key, or with another, the program refuses at start with a sentence, showing nothing.
            let listUsers = try ["admin", "users"] + server.databaseArguments
            let missing = try await ProgramRunner.run("veldwerk-server", listUsers)
            #expect(missing.status == 78, "\(missing.stderr)")
            #expect(missing.stderr.contains("keeps personal data encrypted"), "\(missing.stderr)")
            let otherKey = keys.appending("other.key").path
            try PersonalDataKeyFile.create(otherKey)
            let wrong = try await ProgramRunner.run("veldwerk-server", listUsers + ["--personal-data-key", otherKey])
            #expect(wrong.status == 78, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("not the one this database was encrypted with"), "\(wrong.stderr)")
            for run in [missing, wrong] { #expect(!run.stdout.contains("$sealed") && !run.stderr.contains("$sealed")) }
            let fromEnvironment = try await ProgramRunner.run("veldwerk-server", listUsers, environment: ["VELDWERK_PERSONAL_DATA_KEY_FILE": keyFile])
            #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        }
    }

    @Test("make-personal-data-key writes 32 bytes with mode 0600 and never overwrites; a key file others may read is refused")
    func keyFile() async throws {
        let keys = try TemporaryDirectory(prefix: "veldwerk-key")
        defer { keys.remove() }
        let path = keys.appending("personal-data.key").path
        let made = try await ProgramRunner.run("veldwerk-server", ["admin", "make-personal-data-key", "--out", path])
        #expect(made.status == 0, "\(made.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let again = try await ProgramRunner.run("veldwerk-server", ["admin", "make-personal-data-key", "--out", path])
        #expect(again.status == 78)
        #expect(again.stderr.contains("exists already"), "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original, "the key is untouched")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let open = try await ProgramRunner.run("veldwerk-server", ["admin", "users", "--data", keys.appending("data").path, "--personal-data-key", path])
        #expect(open.status == 78)
        #expect(open.stderr.contains("chmod 600"), "\(open.stderr)")
    }
}
