import Foundation
import Logging
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// The export over a real port: the streamed route, and the client's download through libcurl.
@Suite("Export end to end")
struct ExportEndToEndTests {
    @Test("a researcher downloads a streamed export; interviewers and personal data are refused")
    func download() async throws {
        try await withTemporaryDirectory { directory in
            var config = ServerConfig()
            config.port = 0
            config.dataDirectory = directory.appending("data")
            config.postgres = try TestEngine.postgresDatabase(for: config.databaseURL.path).flatMap { PostgresURL($0) }
            let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
            let app = try await buildApplication(config, logger: Logger(label: "test.export")) { port in portSink.yield(port) }
            let server = Task { try await app.run() }
            defer { server.cancel() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let base = "http://127.0.0.1:\(port)"

            // People and interviews, straight in the database the server uses.
            let store = try await testStore(path: config.databaseURL.path)
            let researcher = try await store.createUser(name: "Rita Onderzoek", role: .researcher, email: nil, now: Date())
            let researcherToken = try await store.issueAPIToken(for: researcher.id, now: Date())
            let interviewer = try await store.createUser(name: "Ivo Veld", role: .interviewer, email: nil, now: Date())
            let interviewerToken = try await store.issueAPIToken(for: interviewer.id, now: Date())
            let form = try XLSFormCompiler.defaultStudy()
            var generator = SampleInterviews(form: form, municipalities: ["11001", "44021"], interviewers: [interviewer.id], random: SeededRandom(seed: 3))
            var edits: [FieldEdit] = []
            for _ in 0..<150 { edits += generator.next().edits }
            let all = edits
            try await store.engine.write { db in _ = try SQLServerStore.author(all, by: .system, now: Date(), in: db) }

            let transport = CurlTransport()
            func get(_ query: String, token: String, to file: URL) async throws -> DownloadResult {
                try await transport.download(
                    TransportRequest(method: "GET", url: base + "/v1/export?" + query, headers: [("Authorization", "Bearer \(token)")]), to: file
                ) { _ in }
            }
            let csv = directory.appending("all.csv")
            let result = try await get("format=csv&state=all", token: researcherToken, to: csv)
            #expect(result.status == 200)
            #expect(result.headers["content-type"] == "text/csv; charset=utf-8")
            #expect(result.headers["veldwerk-questionnaire-versions"] == "1")
            let position = try #require(result.headers["veldwerk-log-position"].flatMap { Int64($0) })
            #expect(result.headers["content-disposition"]?.contains("seq\(position)") == true)
            let text = try String(contentsOf: csv, encoding: .utf8)
            #expect(Int64(text.utf8.count) == result.bytes)
            #expect(text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count >= 151)  // header + 150 (+ lines inside quoted text)

            let refused = try await get("format=csv", token: interviewerToken, to: directory.appending("no.csv"))
            #expect(refused.status == 403)
            #expect(String(decoding: refused.errorBody, as: UTF8.self).contains("Interviewers cannot export"))
            #expect(try Data(contentsOf: directory.appending("no.csv")).isEmpty)
            let personal = try await get("format=csv&personal=true", token: researcherToken, to: directory.appending("p.csv"))
            #expect(personal.status == 403)
            let bad = try await get("format=xlsx", token: researcherToken, to: directory.appending("x.csv"))
            #expect(bad.status == 400)

            // The command line: `veldwerk export` signed in as the researcher.
            let home = directory.appending("home")
            let profile = try ClientStore(home: home)
            try profile.saveLogin(
                APILogin(serverURL: base, token: researcherToken, user: UserSummary(id: researcher.id, name: researcher.name, role: .researcher))
            )
            let sav = directory.appending("study.sav")
            let command = try VeldwerkClient.Export.parse(["--format", "sav", "--state", "all", "--out", sav.path, "--home", home.path, "--json"])
            try await command.run()
            let bytes = try Data(contentsOf: sav)
            #expect(bytes.starts(with: Array("$FL2".utf8)))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".study.sav") }.isEmpty)
        }
    }
}
