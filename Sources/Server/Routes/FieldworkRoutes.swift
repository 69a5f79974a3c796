import Foundation
import Hummingbird
import Shared

extension User: ResponseEncodable {}
extension CreatedUser: ResponseEncodable {}
extension EnrolmentCode: ResponseEncodable {}
extension DeviceInfo: ResponseEncodable {}
extension AssignmentInfo: ResponseEncodable {}
extension QuarantinedChange: ResponseEncodable {}
extension QuestionnaireSummary: ResponseEncodable {}
extension PublishResult: ResponseEncodable {}
extension RosterLoadResult: ResponseEncodable {}
extension Change: ResponseEncodable {}

extension ListResponse: ResponseEncodable {}

/// Fieldwork set-up for coordinators: questionnaires, roster, people, laptops, assignments, quarantine.
/// Every route needs a coordinator or admin token (403 for others).
struct FieldworkRoutes {
    let store: any FieldworkStore
    let config: ServerConfig

    /// Every route this group serves, for documentation and for the test that interviewers are refused on each.
    static let routes: [(method: String, path: String)] = [
        ("GET", "/v1/questionnaires"), ("POST", "/v1/questionnaires"), ("POST", "/v1/roster"),
        ("GET", "/v1/users"), ("POST", "/v1/users"), ("POST", "/v1/users/import"), ("POST", "/v1/users/{id}/enrolment-code"),
        ("GET", "/v1/devices"), ("POST", "/v1/devices/{id}/revoke"),
        ("GET", "/v1/assignments"), ("POST", "/v1/assignments"), ("POST", "/v1/assignments/import"),
        ("POST", "/v1/cases/{id}/status"), ("GET", "/v1/quarantine"), ("POST", "/v1/quarantine/{id}/accept"), ("POST", "/v1/quarantine/{id}/discard"),
    ]

    func register(on router: Router<AppRequestContext>) {
        let router = router.group(context: CoordinatorContext.self)
        router.get("/v1/questionnaires") { _, context in
            return ListResponse(items: try await store.questionnaireSummaries())
        }
        router.post("/v1/questionnaires") { request, context in
            let principal = context.principal
            let source: QuestionnaireSource
            let type = request.headers[.contentType] ?? ""
            if type.contains("json") {
                let sheets = try await request.decodeJSON(QuestionnaireSheets.self, what: "questionnaire", limit: 16 * 1024 * 1024)
                source = .sheets(survey: sheets.survey, choices: sheets.choices, settings: sheets.settings, choiceFiles: sheets.choiceFiles ?? [:])
            } else {
                source = .workbook(try await request.bytes(what: "workbook", limit: 16 * 1024 * 1024))
            }
            return try await Self.publish(source, store: store, by: principal, now: config.now())
        }
        router.post("/v1/roster") { request, context in
            let principal = context.principal
            let text = try await request.text(what: "municipalities CSV", limit: 8 * 1024 * 1024)
            let roster: Roster
            do {
                roster = try Roster.parse(csv: text)
            } catch {
                throw APIError.unprocessable("The municipalities list was not loaded: \(error)", code: "invalid_roster")
            }
            return try await store.loadRoster(roster, by: principal, now: config.now())
        }
        router.get("/v1/users") { request, context in
            let operations = operations(context)
            var role: Role?
            if let text = request.uri.queryParameters.get("role"), !text.isEmpty {
                guard let named = Role(rawValue: text) else {
                    throw APIError.badRequest("role must be interviewer, coordinator, researcher or admin, not \"\(text)\".")
                }
                role = named
            }
            return ListResponse(items: try await operations.users(role: role))
        }
        router.post("/v1/users") { request, context in
            let operations = operations(context)
            return try await operations.createUser(try await request.decodeJSON(CreateUserRequest.self, what: "new user", limit: 64 * 1024))
        }
        router.post("/v1/users/import") { request, context in
            let operations = operations(context)
            return ListResponse(items: try await operations.importUsers(csv: try await request.text(what: "user list", limit: 4 * 1024 * 1024)))
        }
        router.post("/v1/users/:id/enrolment-code") { request, context in
            let operations = operations(context)
            var request = request
            var body = EnrolmentCodeRequest()
            if try await request.collectBody(upTo: 4096).readableBytes > 0 {
                body = try await request.decodeJSON(EnrolmentCodeRequest.self, what: "code request", limit: 4096)
            }
            return try await operations.enrolmentCode(for: UserID(context.pathParameter("id")), validHours: body.validHours)
        }
        router.get("/v1/devices") { _, context in
            ListResponse(items: try await operations(context).devices())
        }
        router.post("/v1/devices/:id/revoke") { _, context in
            try await operations(context).revokeDevice(context.pathParameter("id"))
        }
        router.get("/v1/assignments") { _, context in
            ListResponse(items: try await operations(context).assignments())
        }
        router.post("/v1/assignments") { request, context in
            let operations = operations(context)
            return ListResponse(items: try await operations.assign(try await request.decodeJSON(AssignRequest.self, what: "assignment", limit: 1024 * 1024)))
        }
        router.post("/v1/assignments/import") { request, context in
            let operations = operations(context)
            return ListResponse(items: try await operations.assign(csv: try await request.text(what: "assignment list", limit: 4 * 1024 * 1024)))
        }
        router.post("/v1/cases/:nis/status") { request, context in
            let operations = operations(context)
            let nis = context.pathParameter("nis")
            let body = try await request.decodeJSON(CaseStatusRequest.self, what: "case status", limit: 4096)
            return try await operations.setCaseStatus(nis, to: body.status)
        }
        router.get("/v1/quarantine") { request, context in
            let operations = operations(context)
            let status = request.uri.queryParameters.get("status") ?? ""
            let filter: QuarantinedChange.Status?
            switch status {
            case "", "open": filter = .open
            case "all": filter = nil
            default:
                guard let named = QuarantinedChange.Status(rawValue: status) else {
                    throw APIError.badRequest("status must be open, accepted, discarded or all, not \"\(status)\".")
                }
                filter = named
            }
            return ListResponse(items: try await operations.quarantine(status: filter))
        }
        for (verb, accept) in [("accept", true), ("discard", false)] {
            router.post(RouterPath("/v1/quarantine/:id/\(verb)")) { _, context in
                try await operations(context).resolveQuarantine(context.pathParameter("id"), accept: accept)
            }
        }
    }

    /// The fieldwork operations for this request's coordinator or admin.
    func operations(_ context: CoordinatorContext) -> FieldworkOperations {
        FieldworkOperations(store: store, principal: context.principal, now: config.now(), codeLifetime: config.enrolmentCodeLifetime)
    }

    /// Compiles and publishes a questionnaire; form errors become 422 with sheet, row, column and reason.
    static func publish(_ source: QuestionnaireSource, store: any FieldworkStore, by principal: Principal, now: Date) async throws -> PublishResult {
        do {
            return try await store.publishQuestionnaire(try source.compile(), by: principal, now: now)
        } catch let error as XLSFormError {
            throw APIError.unprocessable("The questionnaire was not published: \(error.description).", code: "invalid_form")
        } catch let error as QuestionnaireLoadError {
            throw APIError.unprocessable("The questionnaire was not published: \(error.description)", code: "invalid_form")
        }
    }
}
