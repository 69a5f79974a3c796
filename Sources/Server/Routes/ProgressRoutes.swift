import Foundation
import Hummingbird
import Shared

extension ProgressReport: ResponseEncodable {}

/// `GET /v1/progress`: the figures the dashboard shows, for the CLI and scripts.
struct ProgressRoutes {
    let store: any CoordinationStore
    let config: ServerConfig

    func register(on router: Router<AppRequestContext>) {
        let router = router.group(context: CoordinatorContext.self)
        router.get("/v1/progress", use: progress)
    }

    /// `?list=2024|2025` (default 2025) and `?staleDays=N` (default 3).
    @Sendable func progress(_ request: Request, context: CoordinatorContext) async throws -> ProgressReport {
        let query = try ProgressQuery(request)
        let snapshot = try await store.fieldworkSnapshot()
        return ProgressCalculator(snapshot: snapshot, list: query.list).report(now: config.now(), staleAfterDays: query.staleDays)
    }
}
