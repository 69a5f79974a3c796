import Foundation
import Hummingbird
import Shared

/// Chooses the language each request is answered in and binds it (``Language/current``) for the handler.
///
/// - The dashboard (`/`, `/dashboard…`): a `?lang=nl|en` link, remembered in a cookie; else that cookie;
///   else the server's `--lang` (or its locale, `LANG`); else the study form's `default_language`.
/// - The self-completion pages (`/s/…`): the same, without the server's own setting (a respondent reads the study's language).
/// - The API: the request's `Accept-Language` (the `veldwerk` client sends its own language); else English,
///   so scripts see the same words whatever the study.
struct LanguageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// `serve --lang`, or the server's locale; nil when neither names a language.
    let configured: Language?
    let store: any CoordinationStore

    static let cookieName = "veldwerk_lang"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        // The dashboard and the self-completion pages speak to people; the API to programs.
        guard path == "/" || path == "/dashboard" || path.hasPrefix("/dashboard/") || path.hasPrefix("/s/") else {
            let language = Self.accepted(request.headers[.acceptLanguage]) ?? .en
            return try await Language.$current.withValue(language) { try await next(request, context) }
        }
        let chosen = request.uri.queryParameters.get("lang").flatMap(Language.init(code:))
        let remembered = request.cookies[Self.cookieName].flatMap { Language(code: $0.value) }
        // A respondent reads the study's language, whatever the server's locale; a coordinator the server's.
        var language = chosen ?? remembered ?? (path.hasPrefix("/s/") ? nil : configured)
        if language == nil {
            language = (try? await store.studyLanguage()).flatMap { $0.flatMap(Language.init(code:)) } ?? .nl
        }
        var response = try await Language.$current.withValue(language ?? .nl) { try await next(request, context) }
        if let chosen {
            response.setCookie(Cookie(name: Self.cookieName, value: chosen.rawValue, maxAge: 365 * 24 * 3600, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }

    /// The first language of an `Accept-Language` header the programs speak (`nl-BE,nl;q=0.9,en;q=0.8` → nl).
    /// Weights are honoured by order of preference.
    static func accepted(_ header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").enumerated().compactMap { index, part -> (Language, Double, Int)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, let language = Language(code: tag) else { return nil }
            let weight = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return weight > 0 ? (language, weight, index) : nil
        }
        return ranked.sorted { ($0.1, -$0.2) > ($1.1, -$1.2) }.first?.0
    }
}
