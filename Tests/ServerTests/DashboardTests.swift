import Foundation
import Shared
import Testing
@testable import VeldwerkServer

@Suite("Dashboard over HTTP", .serialized)
struct DashboardTests {
    /// Signs in with a token; returns the session cookie (`name=value`).
    private func signIn(_ client: TestHTTPClient, token: String) async throws -> String {
        let response = try await client.postForm("/dashboard/login", [("token", token)])
        #expect(response.status == 303)
        #expect(response.header("location") == "/dashboard")
        let cookie = try #require(response.header("set-cookie"))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
        #expect(cookie.contains("Path=/dashboard"))
        return try #require(cookie.split(separator: ";").first.map(String.init))
    }

    private func csrf(in html: String) throws -> String {
        let marker = "name=\"csrf\" value=\""
        let start = try #require(html.range(of: marker))
        return String(html[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test("The server's address leads to the dashboard")
    func rootRedirects() async throws {
        try await withRunningServer { client, _ in
            let root = try await client.get("/")
            #expect(root.status == 303)
            #expect(root.header("location") == "/dashboard")
        }
    }

    @Test("A researcher signs in to the downloads and reaches nothing else of the dashboard")
    func researcherSeesDownloads() async throws {
        try await withRunningServer { client, seed in
            let researcher = try await seed.store.createUser(name: "Rita Researcher", role: .researcher, email: nil, now: StudySeed.now)
            let token = try await seed.store.issueAPIToken(for: researcher.id, now: StudySeed.now)
            let login = try await client.postForm("/dashboard/login", [("token", token)])
            #expect(login.status == 303)
            #expect(login.header("location") == "/dashboard/downloads")
            let cookie = try #require(login.header("set-cookie")?.split(separator: ";").first.map(String.init))
            let page = try await client.get("/dashboard/downloads", headers: ["Cookie": cookie])
            #expect(page.status == 200)
            #expect(page.body.contains("/dashboard/export?format=sav"))
            #expect(!page.body.contains("href=\"/dashboard/review\""), "no coordinator tabs")
            let csv = try await client.get("/dashboard/export?format=csv", headers: ["Cookie": cookie])
            #expect(csv.status == 200)
            #expect(csv.body.hasPrefix("interview_id") || csv.body.contains("interview_id"))
            for path in ["/dashboard", "/dashboard/municipalities", "/dashboard/review", "/dashboard/conflicts"] {
                let other = try await client.get(path, headers: ["Cookie": cookie])
                #expect(other.status == 303 && other.header("location") == "/dashboard/downloads", "\(path)")
            }
            let id = try #require(seed.interviews[seed.order[0]]?.first).uuidString.lowercased()
            let approve = try await client.postForm(
                "/dashboard/interviews/\(id)/approve", [("csrf", try csrf(in: page.body))], headers: ["Cookie": cookie]
            )
            #expect(approve.status == 403)
        }
    }

    @Test("Without a session every page redirects to the login page")
    func redirectsWithoutSession() async throws {
        try await withRunningServer { client, seed in
            let interview = try #require(seed.interviews[seed.order[0]]?.first).uuidString.lowercased()
            for path in ["/dashboard", "/dashboard/municipalities", "/dashboard/municipalities/11001", "/dashboard/interviews/\(interview)",
                         "/dashboard/review", "/dashboard/conflicts", "/dashboard?list=2024", "/dashboard/export?format=csv"] {
                let response = try await client.get(path)
                #expect(response.status == 303, "\(path)")
                #expect(response.header("location") == "/dashboard/login", "\(path)")
            }
            let bogus = try await client.get("/dashboard", headers: ["Cookie": "veldwerk_session=not-a-session"])
            #expect(bogus.status == 303)
            let post = try await client.postForm("/dashboard/interviews/\(interview)/approve", [("csrf", "x")])
            #expect(post.status == 303)
            #expect(post.header("location") == "/dashboard/login")
            let login = try await client.get("/dashboard/login")
            #expect(login.status == 200)
            #expect(login.body.contains("name=\"token\""))
        }
    }

    @Test("An interviewer's token, or a wrong one, cannot sign in")
    func interviewerRefused() async throws {
        try await withRunningServer { client, seed in
            let laptop = try await seed.enrolLaptop(for: seed.interviewers[0].id)
            let refused = try await client.postForm("/dashboard/login", [("token", laptop.token)])
            #expect(refused.status == 403)
            #expect(refused.header("set-cookie") == nil)
            #expect(refused.body.contains("for coordinators"))
            let wrong = try await client.postForm("/dashboard/login", [("token", "nonsense")])
            #expect(wrong.status == 401)
            #expect(wrong.header("set-cookie") == nil)
            // The API refuses the interviewer too.
            let api = try await client.get("/v1/progress", headers: ["Authorization": "Bearer \(laptop.token)"])
            #expect(api.status == 403)
        }
    }

    @Test("A coordinator signs in and the overview shows the study's figures; sign-out ends the session")
    func overview() async throws {
        try await withRunningServer { client, seed in
            let cookie = try await signIn(client, token: seed.coordinatorToken)
            let page = try await client.get("/dashboard?list=2024", headers: ["Cookie": cookie])
            #expect(page.status == 200)
            #expect(page.header("content-type")?.hasPrefix("text/html") == true)
            #expect(page.header("content-security-policy")?.contains("default-src 'none'") == true)
            #expect(page.body.contains("97 of 300 local governments took part"))
            #expect(page.body.contains("32.3%"))
            #expect(page.body.contains("<svg"))
            #expect(page.body.contains("West-Vlaanderen"))
            #expect(page.body.contains("Interviewer 13"))
            #expect(!page.body.contains("<script"))
            let byDefault = try await client.get("/dashboard", headers: ["Cookie": cookie])
            #expect(byDefault.body.contains("97 of 285 local governments took part"))

            for path in ["/dashboard/municipalities?province=Limburg&status=completed", "/dashboard/municipalities/11002", "/dashboard/municipalities/11007?list=2024",
                         "/dashboard/review", "/dashboard/conflicts"] {
                let response = try await client.get(path, headers: ["Cookie": cookie])
                #expect(response.status == 200, "\(path)")
            }
            let download = try await client.get("/dashboard/export?format=csv&state=all", headers: ["Cookie": cookie])
            #expect(download.status == 200)
            #expect(download.body.hasPrefix("interview_id") || download.body.contains("interview_id"), "the export downloads with the session cookie")
            #expect(byDefault.body.contains("/dashboard/export?format=sav"))
            let antwerpen = try await client.get("/dashboard/municipalities/11002", headers: ["Cookie": cookie])
            #expect(antwerpen.body.contains("11007"))  // Borsbeek's case is part of Antwerpen's record

            let token = try csrf(in: byDefault.body)
            let out = try await client.postForm("/dashboard/logout", [("csrf", token)], headers: ["Cookie": cookie])
            #expect(out.status == 303)
            #expect(out.header("set-cookie")?.contains("Max-Age=0") == true)
            let after = try await client.get("/dashboard", headers: ["Cookie": cookie])
            #expect(after.status == 303)
        }
    }

    @Test("An answer whose question is no longer asked shows as not applicable; a multi-line answer keeps its line breaks")
    func notApplicableAndLineBreaks() async throws {
        try await withRunningServer { client, seed in
            let cookie = try await signIn(client, token: seed.coordinatorToken)
            let nis = seed.order[0]
            let id = try #require(seed.interviews[nis]?.first).uuidString.lowercased()
            // a_dienst_andere is asked only when a_dienst is "andere"; this interview answered "welzijn".
            try await seed.store.engine.write { db in
                _ = try SQLServerStore.author(
                    [
                        FieldEdit(scope: .municipality(nis), entity: .interview, entityId: id, field: "answers.a_dienst_andere", value: .string("Jeugdwerking")),
                        FieldEdit(scope: .municipality(nis), entity: .interview, entityId: id, field: "answers.a_functie", value: .string("Diensthoofd\nen schepen")),
                    ],
                    by: seed.coordinator.id, now: StudySeed.now, in: db
                )
            }
            let page = try await client.get("/dashboard/interviews/\(id)", headers: ["Cookie": cookie])
            #expect(page.status == 200)
            let row = try #require(page.body.components(separatedBy: "<tr").first { $0.contains("<span class=\"hint mono\">a_dienst_andere</span>") })
            #expect(row.contains("not applicable"), "\(row)")
            #expect(row.contains("<s>Jeugdwerking</s>"))
            let functie = try #require(page.body.components(separatedBy: "<tr").first { $0.contains("<span class=\"hint mono\">a_functie</span>") })
            #expect(!functie.contains("not applicable"))
            #expect(functie.contains("class=\"answer\""), "the answer cell keeps line breaks (white-space: pre-line)")
            #expect(functie.contains("Diensthoofd\nen schepen"))
        }
    }

    @Test("An interview's repeat instances show as a table per repeat, nested ones naming their enclosing instance")
    func repeatTables() async throws {
        try await withRunningServer { client, seed in
            let form = try RepeatValidationTests.form()
            try await seed.publishPastTheCheck(form)
            let nis = seed.order[0]
            let id = "3f2a1d5e-0000-4000-8000-0000000000d1"
            let marker = { (group: String, parent: String?, order: String) in RepeatInstance.Marker(group: group, parent: parent, order: order).value }
            let fields: [(String, JSONValue)] = [
                ("municipality", .string(nis)), ("questionnaire", .string(form.id)), ("questionnaireVersion", .string(form.version)),
                ("state", .string("draft")), ("interviewer", .string(seed.interviewers[0].id.rawValue)),
                ("repeats.bbbbbbbb", marker("household", nil, "2")), ("repeats.bbbbbbbb.head", .string("Bert")),
                ("repeats.aaaaaaaa", marker("household", nil, "1")), ("repeats.aaaaaaaa.head", .string("Anna")), ("repeats.aaaaaaaa.size", .int(4)),
                ("repeats.cccccccc", marker("member", "bbbbbbbb", "3")), ("repeats.cccccccc.member_name", .string("Cas")),
                ("repeats.dddddddd", RepeatInstance.Marker(group: "household", parent: nil, order: "0", deleted: true).value),
                ("repeats.dddddddd.head", .string("Weg")),
            ]
            try await seed.store.engine.write { db in
                _ = try SQLServerStore.author(
                    fields.map { FieldEdit(scope: .municipality(nis), entity: .interview, entityId: id, field: $0.0, value: $0.1) },
                    by: seed.coordinator.id, now: StudySeed.now, in: db
                )
            }
            let cookie = try await signIn(client, token: seed.coordinatorToken)
            let page = try await client.get("/dashboard/interviews/\(id)", headers: ["Cookie": cookie])
            #expect(page.status == 200)
            let tables = page.body.components(separatedBy: "<table class=\"repeat\">").dropFirst()
            #expect(tables.count == 2, "household and member")
            let households = try #require(tables.first).components(separatedBy: "<tr>").dropFirst(2)
            #expect(households.count == 2, "the deleted instance is left out")
            #expect(households.first?.contains("<td>1</td><td class=\"answer\">Anna</td><td class=\"answer\">4</td>") == true, "\(households)")
            #expect(households.dropFirst().first?.contains("Bert") == true)
            #expect(tables.allSatisfy { !$0.components(separatedBy: "</table>")[0].contains("Weg") }, "the deleted instance's answer shows only in the history")
            let member = try #require(tables.last)
            #expect(member.contains("<td>Household 2</td><td class=\"answer\">Cas</td>"), "\(member)")
        }
    }

    @Test("Flagging from the dashboard needs the CSRF token and writes the flag")
    func flagFromDashboard() async throws {
        try await withRunningServer { client, seed in
            let cookie = try await signIn(client, token: seed.coordinatorToken)
            let id = try #require(seed.interviews[seed.order[0]]?.first).uuidString.lowercased()
            let page = try await client.get("/dashboard/interviews/\(id)", headers: ["Cookie": cookie])
            #expect(page.status == 200)
            #expect(page.body.contains("Wat is uw functie binnen het lokaal bestuur?"))  // labelled answers
            #expect(page.body.contains("Dienst welzijn"))  // choice labels
            let token = try csrf(in: page.body)

            let forged = try await client.postForm("/dashboard/interviews/\(id)/flags", [("question", "a_functie"), ("comment", "x")], headers: ["Cookie": cookie])
            #expect(forged.status == 403)

            let flagged = try await client.postForm(
                "/dashboard/interviews/\(id)/flags", [("csrf", token), ("question", "a_functie"), ("comment", "Which service exactly?")], headers: ["Cookie": cookie]
            )
            #expect(flagged.status == 303)
            let uuid = try #require(UUID(uuidString: id))
            let detail = try #require(try await seed.store.interviewDetail(uuid))
            #expect(detail.interview.flags["a_functie"]?.objectValue?["comment"] == .string("Which service exactly?"))
            #expect(detail.interview.flags["a_functie"]?.objectValue?["by"] == .string(seed.coordinator.id.rawValue))

            let refused = try await client.postForm("/dashboard/interviews/\(id)/approve", [("csrf", token)], headers: ["Cookie": cookie])
            #expect(refused.status == 409)
            #expect(refused.body.contains("still open"))

            let shown = try await client.get("/dashboard/interviews/\(id)?notice=flagged", headers: ["Cookie": cookie])
            #expect(shown.body.contains("Which service exactly?"))

            // A textarea sends its line breaks as CR LF: the comment keeps them as newlines; an escape is refused.
            let multiLine = try await client.postForm(
                "/dashboard/interviews/\(id)/flags", [("csrf", token), ("question", "a_dienst"), ("comment", "Which service?\r\nAnd since when?")],
                headers: ["Cookie": cookie]
            )
            #expect(multiLine.status == 303)
            let escaped = try await client.postForm(
                "/dashboard/interviews/\(id)/flags", [("csrf", token), ("question", "a_modus"), ("comment", "Really\u{1B}[2J?")], headers: ["Cookie": cookie]
            )
            #expect(escaped.status == 422)
            let flags = try #require(try await seed.store.interviewDetail(uuid)).interview.flags
            #expect(flags["a_dienst"]?.objectValue?["comment"] == .string("Which service?\nAnd since when?"))
            #expect(flags["a_modus"] == nil)
        }
    }

    @Test("Resolving a conflict from the dashboard")
    func resolveFromDashboard() async throws {
        try await withRunningServer { client, seed in
            let cookie = try await signIn(client, token: seed.coordinatorToken)
            let id = try #require(seed.interviews[seed.order[0]]?.first)
            let (loser, _) = try await ConflictFixture.make(in: seed, interview: id)
            let page = try await client.get("/dashboard/conflicts", headers: ["Cookie": cookie])
            #expect(page.body.contains("schepen"))
            #expect(page.body.contains("onderwijsregisseur"))
            let token = try csrf(in: page.body)
            let resolved = try await client.postForm(
                "/dashboard/conflicts/\(loser.id.description)/resolve", [("csrf", token), ("choice", "new"), ("value", "schepen van onderwijs"), ("returnTo", "/dashboard/conflicts")],
                headers: ["Cookie": cookie]
            )
            #expect(resolved.status == 303)
            #expect(resolved.header("location") == "/dashboard/conflicts?notice=conflict-resolved")
            let detail = try #require(try await seed.store.interviewDetail(id))
            #expect(detail.interview.answers["a_functie"] == .string("schepen van onderwijs"))
        }
    }

    @Test("GET /v1/progress gives the same figures as JSON; the review API works with a bearer token")
    func progressAPI() async throws {
        try await withRunningServer { client, seed in
            let auth = ["Authorization": "Bearer \(seed.coordinatorToken)"]
            let response = try await client.get("/v1/progress?list=2024&staleDays=5", headers: auth)
            #expect(response.status == 200)
            let report = try JSONDecoder().decode(ProgressReport.self, from: Data(response.body.utf8))
            #expect(report.overall.completed == 97)
            #expect(report.overall.inSample == 300)
            #expect(report.staleAfterDays == 5)
            let bad = try await client.get("/v1/progress?list=2023", headers: auth)
            #expect(bad.status == 400)
            let anonymous = try await client.get("/v1/progress")
            #expect(anonymous.status == 401)

            let id = try #require(seed.interviews[seed.order[1]]?.first).uuidString.lowercased()
            let flag = try await client.postJSON("/v1/review/interviews/\(id)/flags", #"{"question": "b_meerjarenplan", "comment": "Is this the 2025 plan?"}"#, headers: auth)
            #expect(flag.status == 200)
            let queue = try await client.get("/v1/review/interviews?show=flagged", headers: auth)
            let items = try JSONDecoder().decode(ReviewQueue.self, from: Data(queue.body.utf8))
            #expect(items.interviews.map(\.id) == [id])
            let resolve = try await client.postJSON("/v1/review/interviews/\(id)/flags/b_meerjarenplan/resolve", "", headers: auth)
            #expect(resolve.status == 200)
            let approve = try await client.postJSON("/v1/review/interviews/\(id)/approve", #"{"comment": "ok"}"#, headers: auth)
            #expect(approve.status == 200)
        }
    }
}
