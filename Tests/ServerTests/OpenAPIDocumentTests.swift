import Foundation
import Hummingbird
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// Keeps `Resources/openapi.json` true: the routes it lists are the routes the server serves, and real
/// responses (successes and errors) have the documented status, content type, headers and schema.
@Suite("OpenAPI document", .serialized)
struct OpenAPIDocumentTests {
    let document: OpenAPIDocument

    init() throws {
        document = try OpenAPIDocument(data: try OpenAPIRoutes.bundled().document)
    }

    /// `/v1/interviews/:id` as OpenAPI writes it: `/v1/interviews/{id}`.
    static func openAPIPath(_ routerPath: String) -> String {
        routerPath.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    @Test("every route the server serves is documented, and every documented route is served (the HTML dashboard and self-completion pages aside)")
    func routesMatchTheDocument() async throws {
        try await withTemporaryDirectory { directory in
            var config = ServerConfig()
            config.dataDirectory = directory.url
            let store = try await testStore(path: config.databaseURL.path)
            let router = try await buildRouter(store: store, config: config)
            let served = Set(
                router.routes.map { OpenAPIDocument.Operation(method: $0.method.rawValue, path: Self.openAPIPath($0.path.description)) }
                    // `/` redirects to the dashboard; `/s/…` are the self-completion form's HTML pages.
                    .filter { $0.path != "/" && $0.path != "/dashboard" && !$0.path.hasPrefix("/dashboard/") && !$0.path.hasPrefix("/s/") }
            )
            let documented = Set(document.operations)
            #expect(served.count >= 30, "the router lists \(served.count) routes outside the dashboard")
            #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted { $0.description < $1.description })")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted { $0.description < $1.description })")
        }
    }

    @Test("the document is OpenAPI 3.0 whose references resolve, whose schemas use only checked keywords, and whose path parameters are declared")
    func documentIsWellFormed() throws {
        #expect(document.root.objectValue?["openapi"]?.stringValue?.hasPrefix("3.0") == true)
        #expect(document.brokenReferences.isEmpty, "\(document.brokenReferences)")
        #expect(document.uncheckedSchemaKeywords.isEmpty, "\(document.uncheckedSchemaKeywords)")
        let paths = document.root.objectValue?["paths"]?.objectValue ?? [:]
        for operation in document.operations {
            let item = paths[operation.path]?.objectValue ?? [:]
            let body = item[operation.method.lowercased()]?.objectValue ?? [:]
            let parameters = ((item["parameters"].map { [$0] } ?? []) + (body["parameters"].map { [$0] } ?? [])).flatMap { list -> [JSONValue] in
                if case .array(let items) = list { return items }
                return []
            }.compactMap { document.dereference($0)?.objectValue }
            let declared = Set(parameters.filter { $0["in"]?.stringValue == "path" }.compactMap { $0["name"]?.stringValue })
            let inPath = Set(operation.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            #expect(declared == inPath, "\(operation): path parameters \(inPath.sorted()) but declared \(declared.sorted())")
            #expect(body["security"] != nil, "\(operation) says nothing about security")
            let statuses = body["responses"]?.objectValue?.keys.sorted() ?? []
            #expect(statuses.contains("200"), "\(operation) documents no 200")
            if operation.path != "/healthz" && operation.path != "/openapi.json" {
                #expect(statuses.contains("401"), "\(operation) documents no 401, which every route answers for a bad token")
            }
        }
    }

    @Test("GET /openapi.json serves the bundled document, without a token")
    func servesTheDocument() async throws {
        try await withRunningServer { client, _ in
            let response = try await client.get("/openapi.json")
            #expect(response.status == 200)
            #expect(response.header("content-type")?.hasPrefix("application/json") == true)
            let served = try OpenAPIDocument(data: Data(response.body.utf8))
            #expect(served.root == document.root)
            #expect(document.problems(method: "GET", path: "/openapi.json", status: response.status, headers: response.headers, body: Data(response.body.utf8)).isEmpty)
        }
    }

    @Test("real requests to every documented operation get documented answers: status, content type, headers and JSON schema")
    func responsesMatchTheDocument() async throws {
        try await withRunningServer(configure: { $0.signInThrottle.maxFailures = 3 }) { client, seed in
            var exchange = Exchange(client: client, document: document)
            let coordinator = seed.coordinatorToken
            let interviewer = seed.interviewers[0]
            let municipalities = stride(from: 0, to: seed.order.count, by: 20).map { seed.order[$0] }  // interviewer 0's

            // Open routes, and tokens.
            try await exchange.call("GET", "/healthz", expect: 200)
            try await exchange.call("GET", "/openapi.json", expect: 200)
            try await exchange.call("GET", "/v1/me", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/me", expect: 401)
            try await exchange.call("GET", "/v1/me", token: "not-a-token", expect: 401)
            try await exchange.call("GET", "/healthz", token: "not-a-token", expect: 401)

            // Enrolment.
            let code = try await seed.store.issueEnrolmentCode(for: interviewer.id, lifetime: 3600, now: StudySeed.now)
            let enrolled = try await exchange.call("POST", "/v1/enrol", json: #"{"code": "\#(code.code)", "deviceName": "openapi"}"#, expect: 200)
            let laptop = try JSONDecoder().decode(EnrolResponse.self, from: Data(enrolled.body.utf8))
            try await exchange.call("GET", "/metrics", expect: 200)
            let elsewhere = ["X-Forwarded-For": "203.0.113.9"]
            try await exchange.call("GET", "/metrics", headers: elsewhere, expect: 401)
            try await exchange.call("GET", "/metrics", token: laptop.token, headers: elsewhere, expect: 403)
            try await exchange.call("GET", "/metrics", token: coordinator, headers: elsewhere, expect: 200)
            try await exchange.call("POST", "/v1/enrol", json: #"{"code": "\#(code.code)", "deviceName": "again"}"#, expect: 401)
            try await exchange.call("POST", "/v1/enrol", json: #"{"code": "#, expect: 400)
            try await exchange.call("POST", "/v1/enrol", json: #"{"code": 5, "deviceName": "x"}"#, expect: 400)
            let spare = try await seed.store.issueEnrolmentCode(for: interviewer.id, lifetime: 3600, now: StudySeed.now)
            try await exchange.call("POST", "/v1/enrol", json: #"{"code": "\#(spare.code)", "deviceName": "  "}"#, expect: 422)
            try await exchange.call("POST", "/v1/enrol", json: #"{"code": "\#(String(repeating: "A", count: 70_000))", "deviceName": "x"}"#, expect: 413)
            try await exchange.call("POST", "/v1/enrol", json: "{}", headers: ["Content-Encoding": "br"], expect: 415)
            try await exchange.call("GET", "/v1/me", token: laptop.token, expect: 200)
            // Wrong codes: the third failure from this address pauses it (the test server allows 3).
            try await exchange.call("POST", "/v1/enrol", json: #"{"code": "WRNG-WRNG", "deviceName": "x"}"#, expect: 401)
            try await exchange.call("POST", "/v1/enrol", json: #"{"code": "WRNG-WRNH", "deviceName": "x"}"#, expect: 401)
            try await exchange.call("POST", "/v1/enrol", json: #"{"code": "\#(spare.code)", "deviceName": "x"}"#, expect: 429)

            // Sync.
            let now = StudySeed.now.millisecondsSince1970
            let sync = #"{"device": "\#(laptop.device)", "push": [], "cursors": {}, "clientTime": \#(now)}"#
            try await exchange.call("POST", "/v1/sync", token: laptop.token, json: sync, expect: 200)
            try await exchange.call("POST", "/v1/sync", token: coordinator, json: sync, expect: 403)
            try await exchange.call("POST", "/v1/sync", token: laptop.token, json: #"{"device": "\#(laptop.device)", "push": 5, "cursors": {}, "clientTime": 0}"#, expect: 400)
            try await exchange.call("POST", "/v1/sync", token: laptop.token, json: #"{"device": "\#(laptop.device)", "push": [], "cursors": {}, "clientTime": -9223372036854775808}"#, expect: 422)

            // Progress and review.
            try await exchange.call("GET", "/v1/progress?list=2024&staleDays=7", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/progress?list=1999", token: coordinator, expect: 400)
            try await exchange.call("GET", "/v1/progress", token: laptop.token, expect: 403)
            try await exchange.call("GET", "/v1/review/interviews?show=all", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/review/interviews?show=everything", token: coordinator, expect: 400)
            let interviews = seed.interviews[seed.order[0]] ?? []
            let interview = try #require(interviews.first).uuidString.lowercased()
            try await exchange.call("GET", "/v1/interviews/\(interview)", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/interviews/not-a-uuid", token: coordinator, expect: 400)
            try await exchange.call("GET", "/v1/interviews/\(UUID().uuidString)", token: coordinator, expect: 404)
            try await exchange.call("PATCH", "/v1/interviews/\(interview)", token: coordinator, json: #"{"fields": {"answers.a_aantal_respondenten": "twee"}}"#, expect: 422)
            try await exchange.call("PATCH", "/v1/interviews/\(interview)", token: coordinator, json: #"{"fields": {"answers.a_functie": "schepen"}}"#, expect: 200)
            try await exchange.call("POST", "/v1/review/interviews/\(interview)/flags", token: coordinator, json: #"{"question": "a_functie", "comment": "Klopt dit?"}"#, expect: 200)
            try await exchange.call("POST", "/v1/review/interviews/\(interview)/flags", token: coordinator, json: #"{"question": "nope", "comment": "?"}"#, expect: 422)
            try await exchange.call("POST", "/v1/review/interviews/\(interview)/approve", token: coordinator, expect: 409)
            try await exchange.call("POST", "/v1/review/interviews/\(interview)/flags/a_functie/resolve", token: coordinator, expect: 200)
            try await exchange.call("POST", "/v1/review/interviews/\(interview)/flags/b_aanpak/resolve", token: coordinator, expect: 404)
            try await exchange.call("POST", "/v1/review/interviews/\(interview)/approve", token: coordinator, json: #"{"comment": "Goed."}"#, expect: 200)

            // Conflicts.
            let second = try #require(interviews.dropFirst().first)
            let conflict = try await ConflictFixture.make(in: seed, interview: second)
            try await exchange.call("GET", "/v1/conflicts", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/review/conflicts", token: coordinator, expect: 200)
            try await exchange.call("POST", "/v1/review/conflicts/\(conflict.loser.id)/resolve", token: coordinator, json: #"{"choice": "new"}"#, expect: 422)
            try await exchange.call("POST", "/v1/review/conflicts/\(conflict.loser.id)/resolve", token: coordinator, json: #"{"choice": "kept"}"#, expect: 200)
            try await exchange.call("POST", "/v1/review/conflicts/\(conflict.loser.id)/resolve", token: coordinator, json: #"{"choice": "kept"}"#, expect: 409)
            try await exchange.call("POST", "/v1/review/conflicts/nonsense/resolve", token: coordinator, json: #"{"choice": "kept"}"#, expect: 400)
            try await exchange.call("GET", "/v1/review/conflicts?all=true", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/conflicts?all=true", token: coordinator, expect: 200)

            // Questionnaires and roster.
            try await exchange.call("GET", "/v1/questionnaires", token: coordinator, expect: 200)
            try await exchange.call("POST", "/v1/questionnaires", token: coordinator, json: #"{"survey": "type,name\nbogus,x\n", "choices": "list_name,name,label\n"}"#, expect: 422)
            try await exchange.call(
                "POST", "/v1/questionnaires", token: coordinator, body: "not a workbook", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", expect: 422
            )
            try await exchange.call("POST", "/v1/roster", token: coordinator, body: "nonsense\n", contentType: "text/csv", expect: 422)
            try await exchange.call("POST", "/v1/roster", token: coordinator, body: "", contentType: "text/csv", expect: 400)

            // People and laptops.
            try await exchange.call("GET", "/v1/users?role=interviewer", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/users?role=boss", token: coordinator, expect: 400)
            let researcher = try await exchange.call("POST", "/v1/users", token: coordinator, json: #"{"name": "Rita Onderzoeker", "role": "researcher"}"#, expect: 200)
            let researcherToken = try #require(try JSONDecoder().decode(CreatedUser.self, from: Data(researcher.body.utf8)).token)
            try await exchange.call("POST", "/v1/users", token: coordinator, json: #"{"name": " ", "role": "interviewer"}"#, expect: 422)
            try await exchange.call("POST", "/v1/users", token: coordinator, json: #"{"name": "Ada Admin", "role": "admin"}"#, expect: 403)
            try await exchange.call("POST", "/v1/users/import", token: coordinator, body: "name,role\nAda Admin,admin\n", contentType: "text/csv", expect: 403)
            try await exchange.call("POST", "/v1/users/import", token: coordinator, body: "name,email\nAn Peeters,an@example.org\n", contentType: "text/csv", expect: 200)
            try await exchange.call("POST", "/v1/users/import", token: coordinator, body: "naam\nAn\n", contentType: "text/csv", expect: 422)
            try await exchange.call("POST", "/v1/users/\(seed.interviewers[1].id)/enrolment-code", token: coordinator, expect: 200)
            try await exchange.call("POST", "/v1/users/\(seed.interviewers[1].id)/enrolment-code", token: coordinator, json: #"{"validHours": 0}"#, expect: 422)
            try await exchange.call("POST", "/v1/users/\(seed.interviewers[1].id)/enrolment-code", token: coordinator, json: #"{"validHours": "#, expect: 400)
            try await exchange.call("POST", "/v1/users/u-nobody/enrolment-code", token: coordinator, expect: 404)
            try await exchange.call("GET", "/v1/devices", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/devices/flagged", token: coordinator, expect: 200)
            try await exchange.call("POST", "/v1/devices/d-nobody/revoke", token: coordinator, expect: 404)
            try await exchange.call("POST", "/v1/devices/NOT_A_DEVICE/revoke", token: coordinator, expect: 400)

            // Assignments, cases, and the quarantine they lead to.
            let moved = municipalities[0]
            try await exchange.call("GET", "/v1/assignments", token: coordinator, expect: 200)
            try await exchange.call(
                "POST", "/v1/assignments", token: coordinator, json: #"{"user": "\#(seed.interviewers[1].id)", "municipalities": ["\#(moved)"]}"#, expect: 200
            )
            try await exchange.call("POST", "/v1/assignments", token: coordinator, json: #"{"user": "u-nobody", "municipalities": ["11001"]}"#, expect: 404)
            try await exchange.call("POST", "/v1/assignments", token: coordinator, json: #"{"user": "\#(seed.interviewers[1].id)", "municipalities": []}"#, expect: 422)
            try await exchange.call("POST", "/v1/assignments/import", token: coordinator, body: "nis_code,interviewer\n99999,nobody\n", contentType: "text/csv", expect: 422)
            try await exchange.call("POST", "/v1/cases/\(moved)/status", token: coordinator, json: #"{"status": "refused"}"#, expect: 200)
            try await exchange.call("POST", "/v1/cases/\(moved)/status", token: coordinator, json: #"{"status": null}"#, expect: 200)
            try await exchange.call("POST", "/v1/cases/abc/status", token: coordinator, json: #"{"status": null}"#, expect: 400)
            try await exchange.call("POST", "/v1/cases/99999/status", token: coordinator, json: #"{"status": null}"#, expect: 422)
            let attempt = UUID().uuidString.lowercased()
            let late = (1...2).map { seq in
                Change(
                    id: ChangeID(device: laptop.device, seq: Int64(seq)), scope: .municipality(moved), entity: .contactAttempt, entityId: attempt,
                    field: "mode", value: .string("phone"), hlc: HLC(wall: now + Int64(seq), counter: 0, device: laptop.device), base: nil, author: interviewer.id
                )
            }
            let push = String(decoding: try JSONEncoder().encode(SyncRequest(device: laptop.device, push: late, cursors: [:], clientTime: now)), as: UTF8.self)
            let pushed = try await exchange.call("POST", "/v1/sync", token: laptop.token, json: push, expect: 200)
            #expect(try JSONDecoder().decode(SyncResponse.self, from: Data(pushed.body.utf8)).rejected.map(\.code) == [.quarantined, .quarantined])
            try await exchange.call("GET", "/v1/quarantine", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/quarantine?status=all", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/quarantine?status=maybe", token: coordinator, expect: 400)
            try await exchange.call("POST", "/v1/quarantine/\(late[0].id)/accept", token: coordinator, expect: 200)
            try await exchange.call("POST", "/v1/quarantine/\(late[1].id)/discard", token: coordinator, expect: 200)
            try await exchange.call("POST", "/v1/quarantine/\(late[1].id)/discard", token: coordinator, expect: 409)
            try await exchange.call("POST", "/v1/quarantine/d-nobody:1/accept", token: coordinator, expect: 404)
            try await exchange.call("POST", "/v1/quarantine/\(late[1].id.device)%3A\(late[1].id.seq)/accept", token: coordinator, expect: 409)
            try await exchange.call("POST", "/v1/quarantine/nonsense/accept", token: coordinator, expect: 400)

            // Exports.
            try await exchange.call("GET", "/v1/export?format=csv", token: researcherToken, expect: 200)
            try await exchange.call("GET", "/v1/export?format=jsonl&state=all&since=0", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/export?format=codebook", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/export?format=sav", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/export?format=nope", token: coordinator, expect: 400)
            try await exchange.call("GET", "/v1/export?format=csv&repeat=nope", token: coordinator, expect: 400)
            try await exchange.call("GET", "/v1/export?format=csv&personal=true", token: researcherToken, expect: 403)
            try await exchange.call("GET", "/v1/export?format=csv", token: laptop.token, expect: 403)

            // Invitations to fill in the questionnaire in a browser.
            try await exchange.call("POST", "/v1/cases/44084/invitations", token: coordinator, json: #"{"email":"jeugd@aalter.be","validDays":14}"#, expect: 200)
            try await exchange.call("POST", "/v1/cases/44084/invitations", token: coordinator, json: "{}", expect: 200)
            try await exchange.call("POST", "/v1/cases/4408/invitations", token: coordinator, json: "{}", expect: 400)
            try await exchange.call("POST", "/v1/cases/99999/invitations", token: coordinator, json: "{}", expect: 404)
            try await exchange.call("POST", "/v1/cases/44084/invitations", token: coordinator, json: #"{"validDays":0}"#, expect: 422)
            try await exchange.call("POST", "/v1/cases/44084/invitations", token: laptop.token, json: "{}", expect: 403)

            // Credentials.
            try await exchange.call("GET", "/v1/credentials", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/credentials?user=\(interviewer.id)", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/credentials", token: laptop.token, expect: 403)
            let researcherCredential = try #require(
                try await seed.store.credentials(user: try JSONDecoder().decode(CreatedUser.self, from: Data(researcher.body.utf8)).user.id, now: StudySeed.now).first
            )
            try await exchange.call("POST", "/v1/credentials/t-0000000000000000/revoke", token: coordinator, expect: 404)
            try await exchange.call("POST", "/v1/credentials/\(researcherCredential.id)/revoke", token: laptop.token, expect: 403)
            try await exchange.call("POST", "/v1/credentials/\(researcherCredential.id)/revoke", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/me", token: researcherToken, expect: 401)

            // Revoking the laptop ends its token at once.
            try await exchange.call("POST", "/v1/devices/\(laptop.device)/revoke", token: coordinator, expect: 200)
            try await exchange.call("GET", "/v1/me", token: laptop.token, expect: 401)

            let missed = Set(document.operations).subtracting(exchange.covered)
            #expect(missed.isEmpty, "documented operations this test does not exercise: \(missed.sorted { $0.description < $1.description })")
        }
    }
}

/// Sends requests to a running server and checks each answer against the document.
private struct Exchange {
    let client: TestHTTPClient
    let document: OpenAPIDocument
    var covered: Set<OpenAPIDocument.Operation> = []

    @discardableResult
    mutating func call(
        _ method: String, _ path: String, token: String? = nil, json: String? = nil, body: String? = nil, contentType: String? = nil,
        headers extra: [String: String] = [:], expect status: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TestHTTPResponse {
        var headers = extra
        if let token { headers["Authorization"] = "Bearer \(token)" }
        if json != nil { headers["Content-Type"] = "application/json" }
        if let contentType { headers["Content-Type"] = contentType }
        let response = try await client.send(method, path, headers: headers, body: (json ?? body).map { Data($0.utf8) })
        #expect(response.status == status, "\(method) \(path): \(response.body.prefix(300))", sourceLocation: sourceLocation)
        let problems = document.problems(method: method, path: path, status: response.status, headers: response.headers, body: Data(response.body.utf8))
        #expect(problems.isEmpty, "\(method) \(path): \(problems.joined(separator: "; "))", sourceLocation: sourceLocation)
        if let operation = document.operation(method: method, path: path) { covered.insert(operation) }
        return response
    }
}
