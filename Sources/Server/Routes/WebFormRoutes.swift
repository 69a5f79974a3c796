import Foundation
import HTTPTypes
import Hummingbird
import Secrets
import Shared

/// Self-completion in a browser, under `/s/{link secret}`: no account, one group per page, the same
/// relevance, constraints, required answers and choice filters as the terminal runner, save and
/// continue later with the same link, a summary before submitting, read-only after.
///
/// Every answer is a change of the interview, authored by the invitation's own device
/// (``CoordinationStore/saveWebAnswers(tokenHash:answers:submit:now:)``). No JavaScript; each
/// field's label, hint and error are tied to it; errors are listed at the top and announced.
struct WebFormRoutes {
    let store: any CoordinationStore
    let config: ServerConfig
    let renderer: DashboardRenderer
    /// Unknown links, per address: guessing is throttled like sign-ins.
    let guesses: AttemptThrottle
    /// Requests per link and per address.
    let perLink: RequestLimiter
    let perAddress: RequestLimiter
    let sources: SourceAddress

    /// The largest form a page may post.
    static let maxFormBytes = 256 * 1024

    init(store: any CoordinationStore, config: ServerConfig, renderer: DashboardRenderer) {
        self.store = store
        self.config = config
        self.renderer = renderer
        guesses = AttemptThrottle("web-form", policy: config.signInThrottle, store: store, now: config.now)
        perLink = RequestLimiter(perMinute: 120, now: config.now)
        perAddress = RequestLimiter(perMinute: 600, now: config.now)
        sources = SourceAddress(trustedProxies: config.trustedProxies)
    }

    func register(on router: Router<AppRequestContext>) {
        let web = router.group("s")
        web.get(":token", use: start)
        web.get(":token/p/:page", use: page)
        web.post(":token/p/:page", use: save)
        web.get(":token/summary", use: summary)
        web.post(":token/summary", use: submit)
    }

    // MARK: Pages

    /// The link itself: the first page with an open question, the summary when all are answered, or the thank-you page.
    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await opened(request, context) { web, token in
            let answers = web.interview.answers
            let pages = FormPages(form: web.form)
            if web.interview.state == .complete { return .redirect(to: "/s/\(token)/summary", type: .normal) }
            let missing = Set(web.form.missingRequired(answers: answers).map(\.name))
            let first = pages.shownPages(answers: answers).first { index in
                pages.asked(onPage: index, answers: answers).contains { missing.contains($0.name) || answers[$0.name] == nil && $0.isEditable }
            }
            return .redirect(to: first.map { "/s/\(token)/p/\($0 + 1)" } ?? "/s/\(token)/summary", type: .normal)
        }
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await opened(request, context) { web, token in
            if web.interview.state == .complete { return .redirect(to: "/s/\(token)/summary", type: .normal) }
            guard let index = pageIndex(context, web) else { return .redirect(to: "/s/\(token)", type: .normal) }
            let saved = request.uri.queryParameters.get("saved") != nil
            return renderer.page("web-page", pageView(web, token: token, index: index, typed: [:], errors: [:], notice: saved ? Self.savedNotice : nil))
        }
    }

    /// A page posted: valid answers are stored at once (nothing typed is lost), refused ones come back with
    /// their error; `next` moves on only when the page is complete and valid, `back` and `save` always.
    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await opened(request, context) { web, token in
            guard let index = pageIndex(context, web) else { return .redirect(to: "/s/\(token)", type: .normal) }
            let form = try await Self.form(request, context)
            guard form.first("csrf") == Self.csrf(token) else {
                return renderer.page("web-page", pageView(web, token: token, index: index, typed: [:], errors: [:], notice: WebFormText.expiredForm), status: .forbidden)
            }
            let action = form.first("action") ?? "next"
            let pages = FormPages(form: web.form)
            var answers = web.interview.answers
            var updates: [String: JSONValue] = [:]
            var errors: [String: String] = [:]
            var typed: [String: [String]] = [:]
            let language = Language.current.rawValue
            for question in pages.asked(onPage: index, answers: answers) where question.isEditable {
                let values = form.all("q_" + question.name)
                typed[question.name] = values
                let text: String
                if case .selectMultiple = question.type { text = values.joined(separator: " ") } else { text = values.first ?? "" }
                if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    if !Questionnaire.isEmpty(answers[question.name]) {
                        let empty: JSONValue = if case .selectMultiple = question.type { .array([]) } else { .string("") }
                        updates[question.name] = empty
                        answers[question.name] = empty
                    }
                    continue
                }
                do {
                    let value = try web.form.parseAnswer(text, for: question.name, answers: answers)
                    var candidate = answers
                    candidate[question.name] = value
                    try web.form.validate(value, for: question.name, answers: candidate)
                    updates[question.name] = value
                    answers[question.name] = value
                } catch let error as AnswerError {
                    errors[question.name] = WebFormText.message(for: error, question: question, language: language)
                }
            }
            // Questions an answer on this page brought onto it: asked now, not reported missing.
            let shownBefore = Set((form.first("shown") ?? "").split(separator: " ").map(String.init))
            let added = pages.asked(onPage: index, answers: answers).filter { $0.isEditable && !shownBefore.contains($0.name) }
            if action == "next" {
                // Required questions the page showed, as the answers now stand.
                for question in pages.asked(onPage: index, answers: answers) where question.required && shownBefore.contains(question.name) {
                    if errors[question.name] == nil, Questionnaire.isEmpty(answers[question.name]) { errors[question.name] = WebFormText.required }
                }
            }
            if !updates.isEmpty {
                _ = try await store.saveWebAnswers(tokenHash: Secret.hash(token), answers: updates, submit: false, now: config.now())
            }
            if action == "next", !errors.isEmpty || !added.isEmpty {
                var current = web
                current.interview.answers = answers
                let notice = errors.isEmpty ? Self.addedNotice : nil
                return renderer.page(
                    "web-page", pageView(current, token: token, index: index, typed: typed, errors: errors, notice: notice),
                    status: errors.isEmpty ? .ok : .unprocessableContent
                )
            }
            switch action {
            case "back":
                let previous = pages.page(before: index, answers: answers)
                return .redirect(to: previous.map { "/s/\(token)/p/\($0 + 1)" } ?? "/s/\(token)/p/\(index + 1)", type: .normal)
            case "save":
                return .redirect(to: "/s/\(token)/p/\(index + 1)?saved=1", type: .normal)
            default:
                let next = pages.page(after: index, answers: answers)
                return .redirect(to: next.map { "/s/\(token)/p/\($0 + 1)" } ?? "/s/\(token)/summary", type: .normal)
            }
        }
    }

    @Sendable func summary(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await opened(request, context) { web, token in
            renderer.page("web-summary", summaryView(web, token: token, error: nil))
        }
    }

    /// Submits: refused while a required question is open; then the interview is complete, its mode self-completion.
    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await opened(request, context) { web, token in
            let form = try await Self.form(request, context)
            guard form.first("csrf") == Self.csrf(token) else {
                return renderer.page("web-summary", summaryView(web, token: token, error: WebFormText.expiredForm), status: .forbidden)
            }
            guard web.interview.state != .complete else { return .redirect(to: "/s/\(token)/summary", type: .normal) }
            guard web.form.missingRequired(answers: web.interview.answers).isEmpty else {
                let error = localized(
                    nl: "Nog niet alle verplichte vragen zijn beantwoord; ze staan hieronder gemarkeerd.",
                    en: "Not every required question is answered yet; they are marked below."
                )
                return renderer.page("web-summary", summaryView(web, token: token, error: error), status: .unprocessableContent)
            }
            _ = try await store.saveWebAnswers(tokenHash: Secret.hash(token), answers: [:], submit: true, now: config.now())
            return .redirect(to: "/s/\(token)/summary", type: .normal)
        }
    }

    // MARK: Views

    static var addedNotice: String {
        localized(
            nl: "Door uw antwoorden zijn er vragen bijgekomen op deze pagina; beantwoord ook die en ga dan verder.",
            en: "Your answers brought more questions onto this page; answer those too, then continue."
        )
    }

    static var savedNotice: String {
        localized(
            nl: "Uw antwoorden zijn bewaard. U kunt dit venster sluiten en later verdergaan met dezelfde link.",
            en: "Your answers are saved. You may close this window and continue later with the same link."
        )
    }

    private func chrome(_ web: WebInvitation, title: String) -> WebChrome {
        WebChrome(
            title: title, study: web.form.title.text(Language.current.rawValue), municipality: web.municipalityName,
            otherLanguage: Language.current == .nl ? "en" : "nl"
        )
    }

    private func pageView(_ web: WebInvitation, token: String, index: Int, typed: [String: [String]], errors: [String: String], notice: String?) -> WebPageView {
        let pages = FormPages(form: web.form)
        let answers = web.interview.answers
        let language = Language.current.rawValue
        let shown = pages.shownPages(answers: answers)
        let group = pages.pages[index].group.flatMap { web.form.group(named: $0) }?.label.text(language) ?? ""
        let questions = pages.asked(onPage: index, answers: answers).map {
            WebQuestionView($0, form: web.form, answers: answers, typed: typed[$0.name], error: errors[$0.name], language: language)
        }
        let step = (shown.firstIndex(of: index) ?? 0) + 1
        let heading = group.isEmpty ? localized(nl: "Vragen", en: "Questions") : group
        return WebPageView(
            chrome: chrome(web, title: heading), action: "/s/\(token)/p/\(index + 1)", csrf: Self.csrf(token), step: step, steps: max(shown.count, step),
            heading: heading,
            questions: questions,
            errors: questions.compactMap { question in question.error.map { .init(id: question.id, label: question.label, message: $0) } },
            hasErrors: questions.contains { $0.error != nil },
            shown: questions.filter { !$0.isNote }.map(\.name).joined(separator: " "),
            canGoBack: pages.page(before: index, answers: answers) != nil, notice: notice
        )
    }

    private func summaryView(_ web: WebInvitation, token: String, error: String?) -> WebSummaryView {
        let pages = FormPages(form: web.form)
        let answers = web.interview.answers
        let language = Language.current.rawValue
        let missing = Set(web.form.missingRequired(answers: answers).map(\.name))
        let formatter = AnswerFormatter(form: web.form, language: language)
        var sections: [WebSummaryView.Section] = []
        for index in pages.shownPages(answers: answers) {
            let rows = pages.asked(onPage: index, answers: answers).filter(\.isEditable).map { question in
                WebSummaryView.Row(
                    label: question.label.text(language),
                    answer: Questionnaire.isEmpty(answers[question.name])
                        ? (missing.contains(question.name) ? localized(nl: "nog te beantwoorden (verplicht)", en: "still to answer (required)") : "—")
                        : formatter.display(answers[question.name], field: Interview.Field.answer(question.name)),
                    link: "/s/\(token)/p/\(index + 1)", missing: missing.contains(question.name)
                )
            }
            let heading = pages.pages[index].group.flatMap { web.form.group(named: $0) }?.label.text(language) ?? localized(nl: "Vragen", en: "Questions")
            sections.append(.init(heading: heading, rows: rows))
        }
        let submitted = web.interview.state == .complete
        return WebSummaryView(
            chrome: chrome(web, title: submitted ? localized(nl: "Bedankt", en: "Thank you") : localized(nl: "Overzicht", en: "Summary")),
            action: "/s/\(token)/summary", csrf: Self.csrf(token), sections: sections, missing: missing.count,
            missingText: counted(missing.count, nl: ("verplichte vraag is", "verplichte vragen zijn"), en: ("required question is", "required questions are")),
            canSubmit: missing.isEmpty && !submitted, lastPage: pages.shownPages(answers: answers).last.map { "/s/\(token)/p/\($0 + 1)" } ?? "/s/\(token)",
            submitted: submitted, error: error
        )
    }

    // MARK: Helpers

    /// Looks the link up (throttling guesses and bounding requests per link and address) and runs `body`.
    private func opened(
        _ request: Request, _ context: AppRequestContext, _ body: (WebInvitation, String) async throws -> Response
    ) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let address = sources.client(request, context: context)
        let hash = Secret.hash(token)
        let addressWait = await perAddress.admit(["address:" + address])
        let linkWait = await perLink.admit(["link:" + hash])
        if let wait = addressWait ?? linkWait { return tooMany(wait) }
        if let wait = try await guesses.retryAfter(["address:" + address]) { return tooMany(wait) }
        guard token.count <= 64, let web = try await store.webInvitation(tokenHash: hash, now: config.now()) else {
            _ = try await guesses.recordFailure(["address:" + address])
            context.logger.notice("self-completion link refused: unknown, expired or revoked", metadata: ["auth.address": "\(address)"])
            let view = WebClosedView(
                chrome: WebChrome(title: localized(nl: "Link werkt niet", en: "Link does not work"), study: "Veldwerk", municipality: "", otherLanguage: "en"),
                message: WebFormText.closed
            )
            return renderer.page("web-closed", view, status: .notFound)
        }
        // The language is bound already (LanguageMiddleware: the respondent's choice, else the study's).
        var response = try await body(web, token)
        response.headers[HTTPField.Name("X-Robots-Tag")!] = "noindex, nofollow"
        return response
    }

    private func tooMany(_ wait: Int) -> Response {
        let view = WebClosedView(chrome: WebChrome(title: "429", study: "Veldwerk", municipality: "", otherLanguage: "en"), message: WebFormText.tooMany)
        var response = renderer.page("web-closed", view, status: .tooManyRequests)
        response.headers[.retryAfter] = "\(wait)"
        return response
    }

    private func pageIndex(_ context: AppRequestContext, _ web: WebInvitation) -> Int? {
        guard let number = context.parameters.get("page").flatMap(Int.init) else { return nil }
        let pages = FormPages(form: web.form)
        let index = number - 1
        return pages.shownPages(answers: web.interview.answers).contains(index) ? index : nil
    }

    /// The form token of a link's pages: derived from the link's secret, so only its holder can post.
    static func csrf(_ token: String) -> String { String(Secret.hash("csrf:" + token).prefix(32)) }

    /// A posted `application/x-www-form-urlencoded` body, with repeated names (checkboxes) kept.
    struct PostedForm {
        var pairs: [(String, String)]
        func first(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
        func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }
    }

    static func form(_ request: Request, _ context: AppRequestContext) async throws -> PostedForm {
        var request = request
        let buffer = try await request.collectBody(upTo: maxFormBytes)
        let body = String(buffer: buffer)
        let pairs = body.split(separator: "&", omittingEmptySubsequences: true).map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decode(pieces[0]), pieces.count > 1 ? decode(pieces[1]) : "")
        }
        return PostedForm(pairs: pairs)
    }
}
