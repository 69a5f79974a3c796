import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the dashboard's Mustache templates (bundled in `Templates/`) into HTML responses.
struct DashboardRenderer: Sendable {
    let library: MustacheLibrary

    /// Loads every template bundled with the server.
    static func bundled() async throws -> DashboardRenderer {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw DashboardError.templatesMissing
        }
        return DashboardRenderer(library: try await MustacheLibrary(directory: folder.path))
    }

    /// An HTML page: the template rendered with the model, with headers that keep it private and self-contained.
    func page(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(model, withTemplate: template) ?? "<!doctype html><title>Veldwerk</title><p>The page template \(template) is missing.</p>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        // same-origin: other sites learn nothing (no Referer), while the dashboard's own forms keep their
        // Origin header (under no-referrer a browser sends `Origin: null`, which the login check refuses).
        if let referrerPolicy = HTTPField.Name("Referrer-Policy") { headers[referrerPolicy] = "same-origin" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The dashboard could not start.
enum DashboardError: Error, CustomStringConvertible {
    case templatesMissing

    var description: String {
        switch self {
        case .templatesMissing:
            return "The dashboard's templates are missing: install the server's resource bundle (veldwerk_VeldwerkServer.resources) beside the binary."
        }
    }
}
