import Foundation
import Shared
import Testing
@testable import VeldwerkServer

/// The dashboard speaks the study's language (Dutch for the shipped study) unless a person or the server says otherwise.
@Suite("Dashboard language", .serialized)
struct DashboardLanguageTests {
    private func signIn(_ client: TestHTTPClient, token: String) async throws -> String {
        let response = try await client.postForm("/dashboard/login", [("token", token)])
        #expect(response.status == 303)
        return try #require(response.header("set-cookie")?.split(separator: ";").first.map(String.init))
    }

    @Test("Without --lang or a locale the dashboard speaks the form's default_language; ?lang=en switches and is remembered")
    func studyLanguageAndSwitch() async throws {
        try await withRunningServer(configure: { $0.language = nil }) { client, seed in
            let login = try await client.get("/dashboard/login")
            #expect(login.body.contains("<html lang=\"nl\">"))
            #expect(login.body.contains("Aanmelden"))
            #expect(!login.body.contains("Sign in"))
            #expect(!login.body.contains("[["), "no unrendered [[Dutch|English]] pair")

            let session = try await signIn(client, token: seed.coordinatorToken)
            let dutch = try await client.get("/dashboard?list=2024", headers: ["Cookie": session])
            #expect(dutch.body.contains("Voortgang van het veldwerk"))
            #expect(dutch.body.contains("97 van 300 lokale besturen namen deel"))
            #expect(dutch.body.contains("32,3%"), "a Dutch percentage has a decimal comma")
            #expect(dutch.body.contains("Respons per provincie"))
            #expect(!dutch.body.contains("Fieldwork progress"))
            let municipalities = try await client.get("/dashboard/municipalities?status=completed", headers: ["Cookie": session])
            #expect(municipalities.body.contains("Afgewerkt"), "statuses in words, in Dutch")
            #expect(!municipalities.body.contains(">completed<"), "no internal value on screen")

            let switched = try await client.get("/dashboard?lang=en", headers: ["Cookie": session])
            #expect(switched.body.contains("Fieldwork progress"))
            #expect(switched.body.contains("<html lang=\"en\">"))
            let remember = try #require(switched.header("set-cookie"))
            #expect(remember.hasPrefix("veldwerk_lang=en"))
            #expect(remember.contains("HttpOnly"))
            let later = try await client.get("/dashboard/review", headers: ["Cookie": "\(session); veldwerk_lang=en"])
            #expect(later.body.contains("Approve complete interviews or flag answers"))

            // A language the dashboard does not speak changes nothing.
            let unknown = try await client.get("/dashboard?lang=fr", headers: ["Cookie": session])
            #expect(unknown.body.contains("Voortgang van het veldwerk"))
            #expect(unknown.header("set-cookie") == nil)
        }
    }

    @Test("serve --lang en (or the server's LANG) wins over the study's language")
    func configuredLanguage() async throws {
        try await withRunningServer(configure: { $0.language = .en }) { client, _ in
            let login = try await client.get("/dashboard/login")
            #expect(login.body.contains("Sign in"))
            #expect(!login.body.contains("Aanmelden"))
        }
    }

    @Test("Every template renders in both languages, and a word written in one language only keeps the dashboard from starting")
    func templatesInBothLanguages() async throws {
        let renderer = try await DashboardRenderer.bundled()
        #expect(Set(renderer.libraries.keys) == Set(Language.allCases))
        #expect(try DashboardRenderer.words(of: "<h1>[[Gemeenten|Municipalities]]</h1>", in: .nl, template: "t") == "<h1>Gemeenten</h1>")
        #expect(try DashboardRenderer.words(of: "<h1>[[Gemeenten|Municipalities]]</h1>", in: .en, template: "t") == "<h1>Municipalities</h1>")
        #expect(throws: DashboardError.self) { try DashboardRenderer.words(of: "<p>[[Alleen Nederlands]]</p>", in: .en, template: "t") }
        #expect(throws: DashboardError.self) { try DashboardRenderer.words(of: "<p>[[Gemeenten|Municipalities</p>", in: .nl, template: "t") }
        #expect(throws: DashboardError.self) { try DashboardRenderer(sources: ["page": "<p>[[a|b|c]]</p>"]) }
        #expect(throws: DashboardError.self) { try DashboardRenderer(sources: ["page": "<p>[[<b>[[x|y]]</b>|<b>y</b>]]</p>"]) }
    }

    @Test("The API answers in the language of Accept-Language, English without one", arguments: [
        ("nl-BE,nl;q=0.9,en;q=0.8", Language.nl), ("en-GB,en;q=0.9", .en), ("fr-BE, nl;q=0.5", .nl), ("de, en;q=0.1, nl;q=0.4", .nl),
        ("nl;q=0, en", .en), ("fr", nil), ("", nil),
    ])
    func acceptLanguage(header: String, expected: Language?) {
        #expect(LanguageMiddleware.accepted(header) == expected)
    }
}
