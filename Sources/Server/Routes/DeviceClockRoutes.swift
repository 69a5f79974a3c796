import Foundation
import Hummingbird
import Shared

extension FlaggedDevice: ResponseEncodable {}

/// `GET /v1/devices/flagged`: laptops whose clock a coordinator should look at.
struct DeviceClockRoutes {
    let store: any ServerStore
    let config: ServerConfig

    func register(on router: Router<AppRequestContext>) {
        router.group(context: CoordinatorContext.self).get("/v1/devices/flagged") { _, _ in
            ListResponse(items: try await store.flaggedDevices(limitMs: config.maxClockSkewMs))
        }
    }
}
