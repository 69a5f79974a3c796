import Foundation
import Hummingbird
import LogStore
import Shared

extension InterviewDetail: ResponseEncodable {}
extension FieldEditResponse: ResponseEncodable {}

/// Coordinator routes on interviews: read one with its history and conflicts, and correct fields.
struct InterviewRoutes {
    let store: any ServerStore
    let config: ServerConfig

    struct ConflictList: Codable, ResponseEncodable {
        var conflicts: [KeptConflict]
    }

    func register(on router: Router<AppRequestContext>) {
        let router = router.group(context: CoordinatorContext.self)
        router.get("/v1/interviews/:id", use: show)
        router.patch("/v1/interviews/:id", use: edit)
        router.get("/v1/conflicts", use: conflicts)
    }


    @Sendable func show(_ request: Request, context: CoordinatorContext) async throws -> InterviewDetail {
        let id = try await ReviewRoutes.interviewID(context, store: store)
        guard let detail = try await store.interviewDetail(id) else {
            throw APIError.notFound("There is no interview \(id.uuidString.lowercased()) on the server (has its laptop synced?).")
        }
        return detail
    }

    @Sendable func edit(_ request: Request, context: CoordinatorContext) async throws -> FieldEditResponse {
        let principal = context.principal
        let id = try await ReviewRoutes.interviewID(context, store: store)
        let body = try await request.decodeJSON(FieldEditRequest.self, what: "field edit", limit: 1024 * 1024)
        guard !body.fields.isEmpty else { throw APIError.unprocessable("Name at least one field to change, e.g. {\"fields\": {\"answers.b_aanpak\": \"netwerk\"}}.") }
        let fields = body.fields.mapValues { $0 == .null ? nil : $0 }
        let changes = try await store.editInterview(id, fields: fields, by: principal, now: config.now())
        return FieldEditResponse(changes: changes)
    }

    @Sendable func conflicts(_ request: Request, context: CoordinatorContext) async throws -> ConflictList {
        let all = request.uri.queryParameters.get("all") == "true"
        return ConflictList(conflicts: try await store.conflicts(openOnly: !all))
    }
}
