import Foundation
import Hummingbird
import Shared

extension ReviewQueue: ResponseEncodable {}
extension ReviewActionResponse: ResponseEncodable {}
extension ConflictViewList: ResponseEncodable {}

/// The review loop for the CLI: approve interviews, flag answers, settle conflicts.
struct ReviewRoutes {
    let store: any CoordinationStore
    let config: ServerConfig

    func register(on router: Router<AppRequestContext>) {
        let router = router.group(context: CoordinatorContext.self)
        router.get("/v1/review/interviews", use: queue)
        router.post("/v1/review/interviews/:id/approve", use: approve)
        router.post("/v1/review/interviews/:id/flags", use: flag)
        router.post("/v1/review/interviews/:id/flags/:question/resolve", use: resolveFlag)
        router.get("/v1/review/conflicts", use: conflicts)
        router.post("/v1/review/conflicts/:id/resolve", use: resolveConflict)
    }

    /// `?show=todo|pending|answered|flagged|approved|all` (default todo: what needs a coordinator now).
    @Sendable func queue(_ request: Request, context: CoordinatorContext) async throws -> ReviewQueue {
        let show = request.uri.queryParameters.get("show") ?? "todo"
        guard ReviewQueueBuilder.shows.contains(show) else {
            throw APIError.badRequest("show must be one of \(ReviewQueueBuilder.shows.joined(separator: ", ")), not \"\(show)\".")
        }
        let items = ReviewQueueBuilder.items(try await store.fieldworkSnapshot())
        return ReviewQueue(interviews: items.filter { ReviewQueueBuilder.matches($0, show: show) })
    }

    @Sendable func approve(_ request: Request, context: CoordinatorContext) async throws -> ReviewActionResponse {
        let principal = context.principal
        let id = try await Self.interviewID(context, store: store)
        var request = request
        var body = ApproveRequest()
        if try await request.collectBody(upTo: 64 * 1024).readableBytes > 0 {
            body = try await request.decodeJSON(ApproveRequest.self, what: "approval", limit: 64 * 1024)
        }
        return ReviewActionResponse(
            changes: try await store.approveInterview(
                id, comment: body.comment, despiteOpenConflicts: body.despiteOpenConflicts ?? false, by: principal, now: config.now()
            )
        )
    }

    @Sendable func flag(_ request: Request, context: CoordinatorContext) async throws -> ReviewActionResponse {
        let principal = context.principal
        let id = try await Self.interviewID(context, store: store)
        let body = try await request.decodeJSON(FlagRequest.self, what: "flag", limit: 64 * 1024)
        let changes = try await store.flagAnswer(id, question: body.question, comment: body.comment, by: principal, now: config.now())
        return ReviewActionResponse(changes: changes)
    }

    @Sendable func resolveFlag(_ request: Request, context: CoordinatorContext) async throws -> ReviewActionResponse {
        let principal = context.principal
        let id = try await Self.interviewID(context, store: store)
        let question = context.pathParameter("question")
        return ReviewActionResponse(changes: try await store.resolveFlag(id, question: question, by: principal, now: config.now()))
    }

    /// `?all=true` includes resolved conflicts.
    @Sendable func conflicts(_ request: Request, context: CoordinatorContext) async throws -> ConflictViewList {
        let all = request.uri.queryParameters.get("all") == "true"
        return ConflictViewList(conflicts: try await store.conflictViews(openOnly: !all, entityId: nil))
    }

    @Sendable func resolveConflict(_ request: Request, context: CoordinatorContext) async throws -> ReviewActionResponse {
        let principal = context.principal
        let text = context.pathParameter("id")
        guard let loser = ChangeID(text) else { throw APIError.badRequest("\"\(text)\" is not a conflict id (the overruled change's id, device:seq).") }
        let body = try await request.decodeJSON(ConflictResolutionRequest.self, what: "conflict resolution", limit: 256 * 1024)
        if body.choice == .new, body.value == nil {
            throw APIError.unprocessable("Choosing a new value needs a \"value\" that is not null, e.g. {\"choice\": \"new\", \"value\": \"ja\"}.")
        }
        let changes = try await store.resolveConflict(loser, choice: body.choice, value: body.value ?? .null, by: principal, now: config.now())
        return ReviewActionResponse(changes: changes)
    }

    /// The interview a route's `id` names: a whole UUID, or a unique start of one (at least 6 characters,
    /// as `veldwerk interviews` and the dashboard show 8), as people type them.
    static func interviewID(_ context: some RequestContext, store: any ServerStore) async throws -> Interview.ID {
        let text = context.pathParameter("id").lowercased()
        if let id = UUID(uuidString: text) { return id }
        guard (6...35).contains(text.count), text.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw APIError.badRequest("\"\(text)\" is not an interview id: give the UUID or its first 8 characters.")
        }
        let found = try await store.interviewIDs(startingWith: text, limit: 2)
        guard let first = found.first else { throw APIError.notFound("There is no interview whose id starts with \(text).") }
        guard found.count == 1 else {
            throw APIError.badRequest(
                "\(text) is the start of more than one interview id (\(found.map { String($0.uuidString.lowercased().prefix(13)) }.joined(separator: ", "))…); give more of it."
            )
        }
        return first
    }
}
