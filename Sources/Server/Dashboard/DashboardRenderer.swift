import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Shared

/// Renders the dashboard's Mustache templates (bundled in `Templates/`) into HTML responses, in Dutch or English.
///
/// The templates write every word in both languages, `[[Dutch|English]]`, side by side; at start the
/// renderer makes one template library per language from them, so a page costs no lookups.
struct DashboardRenderer: Sendable {
    let libraries: [Language: MustacheLibrary]

    /// Loads every template bundled with the server.
    static func bundled() async throws -> DashboardRenderer {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw DashboardError.templatesMissing
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "mustache" }
        var sources: [String: String] = [:]
        for file in files {
            sources[file.deletingPathExtension().lastPathComponent] = try String(contentsOf: file, encoding: .utf8)
        }
        return try DashboardRenderer(sources: sources)
    }

    /// The renderer for templates given as text, by name.
    init(sources: [String: String]) throws {
        var libraries: [Language: MustacheLibrary] = [:]
        for language in Language.allCases {
            var library = MustacheLibrary()
            for (name, source) in sources {
                try library.register(try Self.words(of: source, in: language, template: name), named: name)
            }
            libraries[language] = library
        }
        self.libraries = libraries
    }

    /// A template's text with each `[[Dutch|English]]` replaced by the side for `language`.
    ///
    /// - Throws: ``DashboardError/badWords`` for a `[[` without its `|` or `]]`, or a pair inside a pair,
    ///   so a template with a word in one language only (or a garbled one) cannot load.
    static func words(of source: String, in language: Language, template: String) throws -> String {
        var result = ""
        var rest = source[...]
        while let open = rest.range(of: "[[") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "]]") else {
                throw DashboardError.badWords(template: template, near: String(rest[open.lowerBound...].prefix(40)))
            }
            let inside = rest[open.upperBound..<close.lowerBound]
            let pair = inside.split(separator: "|", omittingEmptySubsequences: false)
            guard pair.count == 2, !inside.contains("[[") else {
                throw DashboardError.badWords(template: template, near: String(rest[open.lowerBound...].prefix(40)))
            }
            result += language == .nl ? pair[0] : pair[1]
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// An HTML page: the template rendered with the model, with headers that keep it private and self-contained.
    func page(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = libraries[Language.current]?.render(model, withTemplate: template)
            ?? "<!doctype html><title>Veldwerk</title><p>The page template \(template) is missing.</p>"
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
    case badWords(template: String, near: String)

    var description: String {
        switch self {
        case .templatesMissing:
            return "The dashboard's templates are missing: install the server's resource bundle (veldwerk_VeldwerkServer.resources) beside the binary."
        case .badWords(let template, let near):
            return "The dashboard template \(template) has words not written as [[Dutch|English]] near \"\(near)\"."
        }
    }
}
