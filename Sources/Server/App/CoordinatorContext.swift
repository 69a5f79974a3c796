import Foundation
import Hummingbird
import Shared

/// The request context of the routes only coordinators and admins may call.
///
/// Made from the app's context when a request reaches such a group (`router.group(context:
/// CoordinatorContext.self)`); making it refuses everyone else (401 without a valid token, 403 for an
/// interviewer or researcher), so a route in the group cannot forget the check, and its handler gets
/// the caller without an optional.
struct CoordinatorContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The coordinator or admin calling.
    let principal: Principal
    var maxUploadSize: Int

    init(context: AppRequestContext) throws {
        principal = try context.requireCoordinator()
        coreContext = context.coreContext
        maxUploadSize = context.maxUploadSize
    }
}

extension RequestContext {
    /// A path parameter as the client meant it: percent-escapes decoded (`d-1%3A5` is the change id `d-1:5`), "" when absent.
    func pathParameter(_ name: String) -> String {
        let raw = parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
