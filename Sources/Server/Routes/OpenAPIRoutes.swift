import Foundation
import HTTPTypes
import Hummingbird

/// `GET /openapi.json`: the OpenAPI document of this API, open to everyone.
///
/// The document is `Resources/openapi.json`, bundled with the server and served byte for byte.
/// `OpenAPIDocumentTests` keeps it true: every route is in it, every documented route is served,
/// and real responses match the documented statuses, content types and schemas.
struct OpenAPIRoutes {
    /// The document's bytes.
    let document: Data

    /// The document bundled with the server.
    static func bundled() throws -> OpenAPIRoutes {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            throw OpenAPIError.documentMissing
        }
        return OpenAPIRoutes(document: data)
    }

    func register(on router: Router<AppRequestContext>) {
        let body = ByteBuffer(bytes: document)
        router.get("/openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }
}

/// The server could not start because its API document is missing.
enum OpenAPIError: Error, CustomStringConvertible {
    case documentMissing

    var description: String {
        switch self {
        case .documentMissing:
            return "The API document openapi.json is missing: install the server's resource bundle (veldwerk_VeldwerkServer.resources) beside the binary."
        }
    }
}
