import Foundation
import GRDB
import LogStore
import Secrets
import Shared
import Testing
@testable import VeldwerkServer

/// Self-completion over real HTTP: an invitation's link, pages, wrong answers, saving, the summary, submitting.
@Suite("Self-completion in a browser", .serialized)
struct WebFormTests {
    /// A valid answer for a question, as a browser posts it (values of radios and checkboxes, or the typed text).
    static func fill(_ question: Question, options: [String]) -> [String] {
        switch question.name {
        case "d_overleg_sinds": return ["2015"]
        default: break
        }
        switch question.type {
        case .selectOne, .selectMultiple: return Array(options.prefix(1))
        case .text where !(options.first ?? "").isEmpty: return [options[0]]  // what the page shows filled in stays
        case .integer: return ["2"]
        case .decimal: return ["1,5"]
        case .date: return ["2025-01-31"]
        default: return ["Een volledige zin als antwoord op deze vraag."]
        }
    }

    /// The question names (`q_…`) and offered values on a page, in page order.
    static func fields(in html: String) -> [(name: String, options: [String])] {
        var result: [(String, [String])] = []
        let pattern = try! Regex(#"name="q_([a-z0-9_]+)"(?: value="([^"]*)")?"#)
        for match in html.matches(of: pattern) {
            let name = String(match.output[1].substring ?? "")
            let value = match.output[2].substring.map(String.init)
            if let index = result.firstIndex(where: { $0.0 == name }) {
                if let value { result[index].1.append(value) }
            } else {
                result.append((name, value.map { [$0] } ?? []))
            }
        }
        return result
    }

    static func csrf(in html: String) throws -> String {
        let marker = "name=\"csrf\" value=\""
        let start = try #require(html.range(of: marker))
        return String(html[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test("A respondent opens the link, is corrected, leaves and comes back, submits; the answers are changes of the invitation's own device")
    func fillAndSubmit() async throws {
        try await withRunningServer { client, seed in
            let (invitation, token) = try await seed.store.createInvitation(
                municipality: "44084", email: "jeugd@aalter.be", validDays: 30, by: seed.coordinatorPrincipal, now: StudySeed.now
            )
            let form = try XLSFormCompiler.defaultStudy()
            let start = try await client.get("/s/\(token)")
            #expect(start.status == 303)
            let first = try #require(start.header("location"))
            #expect(first == "/s/\(token)/p/1")
            var page = try await client.get(first)
            #expect(page.status == 200)
            #expect(page.body.contains("<html lang=\"nl\">"))
            #expect(page.body.contains("Deel 1 van"))
            #expect(page.body.contains("Aalter"))
            #expect(!page.body.contains("q_a_modus"), "the mode is the invitation's, not asked")
            #expect(page.header("x-robots-tag")?.contains("noindex") == true)
            #expect(page.header("content-security-policy")?.contains("default-src 'none'") == true)
            #expect(!page.body.contains("<script"))
            #expect(page.body.contains("<label for=\"q-a_functie\">"), "labels are tied to their inputs")

            // A wrong number and a missing required answer: 422, errors next to the fields and announced; the valid answer is kept.
            var csrf = try Self.csrf(in: page.body)
            let wrong = try await client.postForm(
                first, [
                    ("csrf", csrf), ("action", "next"), ("shown", "a_functie a_dienst a_aantal_respondenten"), ("q_a_functie", "schepen van onderwijs"),
                    ("q_a_aantal_respondenten", "veel"),
                ]
            )
            #expect(wrong.status == 422)
            #expect(wrong.body.contains("role=\"alert\""))
            #expect(wrong.body.contains("Vul een geheel getal in"))
            #expect(wrong.body.contains("aria-invalid=\"true\""))
            #expect(wrong.body.contains("aria-describedby=\"e-a_aantal_respondenten\""))
            #expect(wrong.body.contains("value=\"veel\""), "what was typed comes back for correcting")
            #expect(wrong.body.contains("Deze vraag is verplicht."))
            let out = try await client.postForm(first, [("csrf", "forged"), ("action", "next"), ("q_a_aantal_respondenten", "3")])
            #expect(out.status == 403)

            // Leave and come back with the same link: the first page again, the kept answer filled in.
            let again = try await client.get("/s/\(token)")
            #expect(again.header("location") == first)
            page = try await client.get(first)
            #expect(page.body.contains("value=\"schepen van onderwijs\""))

            // Answer every page the link leads to.
            var location = first
            var pagesSeen = 0
            var fetched = try await client.get(location)
            while location.contains("/p/") {
                page = fetched
                #expect(page.status == 200, "\(location)")
                csrf = try Self.csrf(in: page.body)
                let shown = try #require(page.body.firstMatch(of: try Regex(#"name="shown" value="([^"]*)""#))?.output[1].substring)
                var post: [(String, String)] = [("csrf", csrf), ("action", "next"), ("shown", String(shown))]
                for field in Self.fields(in: page.body) {
                    let question = try #require(form.question(named: field.name))
                    for value in Self.fill(question, options: field.options) { post.append(("q_" + field.name, value)) }
                }
                let response = try await client.postForm(location, post)
                pagesSeen += 1
                try #require(pagesSeen < 30)
                if response.status == 200 {
                    // An answer brought a question onto the page: it is asked, not reported missing.
                    #expect(response.body.contains("vragen bijgekomen"))
                    #expect(!response.body.contains("role=\"alert\""))
                    fetched = response
                    continue
                }
                #expect(response.status == 303, "\(location): \(response.body.prefix(3000))")
                location = try #require(response.header("location"))
                if location.contains("/p/") { fetched = try await client.get(location) }
            }
            #expect(location == "/s/\(token)/summary")
            let summary = try await client.get(location)
            #expect(summary.body.contains("Overzicht van uw antwoorden"))
            #expect(summary.body.contains("schepen van onderwijs"))
            let submitted = try await client.postForm(location, [("csrf", try Self.csrf(in: summary.body))])
            #expect(submitted.status == 303)
            let thanks = try await client.get("/s/\(token)/summary")
            #expect(thanks.body.contains("Bedankt!"))
            #expect(!thanks.body.contains("name=\"csrf\""), "read-only after submitting")
            // After submitting, pages are read-only: a post changes nothing.
            let late = try await client.postForm("/s/\(token)/p/1", [("csrf", csrf), ("action", "next"), ("q_a_functie", "iets anders")])
            #expect(late.status == 409)

            // One dataset: the interview is complete, its mode self-completion, every answer authored by the invitation's device.
            let key = try #require(invitation.interview).uuidString.lowercased()
            let (fields, authors) = try await seed.store.engine.read { db in
                (
                    try ChangeLog.fields(of: .interview, id: key, in: db),
                    try ChangeLog.history(of: .interview, id: key, in: db).filter { $0.field.hasPrefix("answers.") }.map(\.id.device)
                )
            }
            #expect(fields["state"] == .string("complete"))
            #expect(fields["mode"] == .string("zelf"))
            #expect(fields["answers.a_modus"] == .string("zelf"))
            #expect(fields["answers.a_functie"] == .string("schepen van onderwijs"))
            #expect(fields["answers.a_aantal_respondenten"] == .int(2))
            #expect(Set(authors).contains(invitation.device))
            #expect(form.missingRequired(answers: Interview(id: try #require(invitation.interview), fields: fields).answers).isEmpty)
        }
    }

    @Test("A wrong, revoked or expired link opens nothing and says so; guessing is throttled")
    func closedLinks() async throws {
        try await withRunningServer(configure: { $0.signInThrottle = .init(maxFailures: 3, window: 600, firstPause: 60, maxPause: 600) }) { client, seed in
            let (_, token) = try await seed.store.createInvitation(municipality: "44084", email: nil, validDays: 1, by: seed.coordinatorPrincipal, now: StudySeed.now)
            let unknown = try await client.get("/s/" + String(token.reversed()))
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("Deze link werkt niet"))
            // An expired link: one day later.
            let later = try await seed.store.webInvitation(tokenHash: Secret.hash(token), now: StudySeed.now.addingTimeInterval(2 * 86_400))
            #expect(later == nil)
            for _ in 0..<4 { _ = try await client.get("/s/nope-\(UUID().uuidString)") }
            let throttled = try await client.get("/s/\(token)")
            #expect(throttled.status == 429)
            #expect(throttled.header("retry-after") != nil)
        }
    }

    @Test("A coordinator invites from the dashboard: the link is shown once and opens the form; the municipality lists the invitation")
    func dashboardInvite() async throws {
        try await withRunningServer { client, seed in
            let login = try await client.postForm("/dashboard/login", [("token", seed.coordinatorToken)])
            let session = try #require(login.header("set-cookie")?.split(separator: ";").first.map(String.init))
            let page = try await client.get("/dashboard/municipalities/44084", headers: ["Cookie": session])
            #expect(page.body.contains("No invitations yet."))
            let csrf = try Self.csrf(in: page.body)
            let forged = try await client.postForm("/dashboard/municipalities/44084/invite", [("csrf", "x")], headers: ["Cookie": session])
            #expect(forged.status == 403)
            let bad = try await client.postForm(
                "/dashboard/municipalities/44084/invite", [("csrf", csrf), ("validDays", "veel")], headers: ["Cookie": session]
            )
            #expect(bad.status == 422)
            let made = try await client.postForm(
                "/dashboard/municipalities/44084/invite", [("csrf", csrf), ("email", "jeugd@aalter.be"), ("validDays", "14")], headers: ["Cookie": session]
            )
            #expect(made.status == 200)
            let link = try #require(made.body.firstMatch(of: try Regex(#"(http://[^<"\s]+/s/[A-Za-z0-9_-]+)"#))?.output[1].substring)
            #expect(made.body.contains("Flankerend onderwijsbeleid"), "the invitation text names the study")
            let path = String(link[link.range(of: "/s/")!.lowerBound...])
            let opened = try await client.get(path)
            #expect(opened.status == 303)
            let after = try await client.get("/dashboard/municipalities/44084", headers: ["Cookie": session])
            #expect(after.body.contains("jeugd@aalter.be"))
            #expect(!after.body.contains(String(path.dropFirst(3))), "the link's secret is never shown again")
        }
    }
}
