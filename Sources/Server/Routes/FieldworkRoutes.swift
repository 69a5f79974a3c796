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
    let store: SQLiteServerStore
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
        router.get("/v1/questionnaires") { _, context in
            _ = try context.requireCoordinator()
            return ListResponse(items: try await store.questionnaireSummaries())
        }
        router.post("/v1/questionnaires") { request, context in
            let principal = try context.requireCoordinator()
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
            let principal = try context.requireCoordinator()
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
            _ = try context.requireCoordinator()
            var role: Role?
            if let text = request.uri.queryParameters.get("role"), !text.isEmpty {
                guard let named = Role(rawValue: text) else {
                    throw APIError.badRequest("role must be interviewer, coordinator, researcher or admin, not \"\(text)\".")
                }
                role = named
            }
            return ListResponse(items: try await store.users(role: role))
        }
        router.post("/v1/users") { request, context in
            let principal = try context.requireCoordinator()
            let body = try await request.decodeJSON(CreateUserRequest.self, what: "new user", limit: 64 * 1024)
            guard body.role != .admin || principal.role == .admin else {
                throw APIError.forbidden("Only an admin may create another admin; you are signed in as \(principal.role.rawValue).")
            }
            let csv = CSVWriter.text([["name", "email", "role"], [body.name, body.email ?? "", body.role.rawValue]])
            let created = try await store.createUsers(csv: csv, codeLifetime: config.enrolmentCodeLifetime, now: config.now(), creator: principal.role)
            guard let created = created.first else {
                throw APIError.unprocessable("No user was created.")
            }
            return created
        }
        router.post("/v1/users/import") { request, context in
            let principal = try context.requireCoordinator()
            let text = try await request.text(what: "user list", limit: 4 * 1024 * 1024)
            return ListResponse(
                items: try await store.createUsers(csv: text, codeLifetime: config.enrolmentCodeLifetime, now: config.now(), creator: principal.role)
            )
        }
        router.post("/v1/users/:id/enrolment-code") { request, context in
            _ = try context.requireCoordinator()
            let id = UserID(context.pathParameter("id"))
            var request = request
            var body = EnrolmentCodeRequest()
            if try await request.collectBody(upTo: 4096).readableBytes > 0 {
                body = try await request.decodeJSON(EnrolmentCodeRequest.self, what: "code request", limit: 4096)
            }
            let hours = body.validHours ?? config.enrolmentCodeLifetime / 3600
            guard hours > 0, hours <= 24 * 90 else { throw APIError.unprocessable("validHours must be between 0 and 2160 (90 days).") }
            guard let user = try await store.user(id) else { throw APIError.notFound("There is no user \(id).") }
            guard user.role == .interviewer else { throw APIError.unprocessable("\(user.name) is a \(user.role.rawValue); enrolment codes are for interviewers' laptops.") }
            return try await store.issueEnrolmentCode(for: id, lifetime: hours * 3600, now: config.now())
        }
        router.get("/v1/devices") { _, context in
            _ = try context.requireCoordinator()
            return ListResponse(items: try await store.devices())
        }
        router.post("/v1/devices/:id/revoke") { _, context in
            let principal = try context.requireCoordinator()
            let text = context.pathParameter("id")
            guard let id = DeviceID(rawValue: text) else {
                throw APIError.badRequest("\"\(text)\" is not a device id (a-z, 0-9 and '-', e.g. d-3f9a0c2b7e41).")
            }
            // The same operation and checks as POST /v1/credentials/{id}/revoke.
            _ = try await store.revokeCredential(id.rawValue, by: principal, now: config.now())
            guard let device = try await store.devices().first(where: { $0.id == id }) else { throw APIError.notFound("There is no device \(id).") }
            return device
        }
        router.get("/v1/assignments") { _, context in
            _ = try context.requireCoordinator()
            return ListResponse(items: try await store.assignments())
        }
        router.post("/v1/assignments") { request, context in
            let principal = try context.requireCoordinator()
            let body = try await request.decodeJSON(AssignRequest.self, what: "assignment", limit: 1024 * 1024)
            guard !body.municipalities.isEmpty else { throw APIError.unprocessable("Name at least one municipality (NIS code).") }
            for nis in body.municipalities where !Scope.isNIS(nis) {
                throw APIError.unprocessable("\"\(nis)\" is not a NIS code (five digits, e.g. 11001).", code: "unknown_municipality")
            }
            return ListResponse(items: try await store.assign(body.municipalities, to: body.user, by: principal, now: config.now()))
        }
        router.post("/v1/assignments/import") { request, context in
            let principal = try context.requireCoordinator()
            let text = try await request.text(what: "assignment list", limit: 4 * 1024 * 1024)
            return ListResponse(items: try await store.assign(csv: text, by: principal, now: config.now()))
        }
        router.post("/v1/cases/:nis/status") { request, context in
            let principal = try context.requireCoordinator()
            let nis = context.pathParameter("nis")
            guard Scope.isNIS(nis) else { throw APIError.badRequest("\"\(nis)\" is not a NIS code (five digits).") }
            let body = try await request.decodeJSON(CaseStatusRequest.self, what: "case status", limit: 4096)
            return try await store.setCaseStatus(nis, to: body.status, by: principal, now: config.now())
        }
        router.get("/v1/quarantine") { request, context in
            _ = try context.requireCoordinator()
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
            return ListResponse(items: try await store.quarantine(status: filter))
        }
        for (verb, accept) in [("accept", true), ("discard", false)] {
            router.post(RouterPath("/v1/quarantine/:id/\(verb)")) { _, context in
                _ = try context.requireCoordinator()
                let text = context.pathParameter("id")
                guard let id = ChangeID(text) else {
                    throw APIError.badRequest("\"\(text)\" is not a change id (device:seq, e.g. d-3f9a0c2b7e41:17).")
                }
                return try await store.resolveQuarantine(id, accept: accept, now: config.now())
            }
        }
    }

    /// Compiles and publishes a questionnaire; form errors become 422 with sheet, row, column and reason.
    static func publish(_ source: QuestionnaireSource, store: SQLiteServerStore, by principal: Principal, now: Date) async throws -> PublishResult {
        do {
            return try await store.publishQuestionnaire(try source.compile(), by: principal, now: now)
        } catch let error as XLSFormError {
            throw APIError.unprocessable("The questionnaire was not published: \(error.description).", code: "invalid_form")
        } catch let error as QuestionnaireLoadError {
            throw APIError.unprocessable("The questionnaire was not published: \(error.description)", code: "invalid_form")
        }
    }
}
