import Foundation
import Hummingbird
import Secrets
import Shared

/// The coordinators' web dashboard under `/dashboard`: server-rendered pages, a session cookie, forms with a CSRF token.
struct DashboardRoutes {
    let store: any CoordinationStore
    let config: ServerConfig
    let renderer: DashboardRenderer
    /// The export download, served under the dashboard session as well.
    var downloads: ExportRoutes?
    /// Failed logins, per source address and per token tried.
    let loginAttempts: AttemptThrottle
    let sources: SourceAddress

    init(store: any CoordinationStore, config: ServerConfig, renderer: DashboardRenderer, downloads: ExportRoutes? = nil) {
        self.store = store
        self.config = config
        self.renderer = renderer
        self.downloads = downloads
        self.loginAttempts = AttemptThrottle("login", policy: config.signInThrottle, store: store, now: config.now)
        self.sources = SourceAddress(trustedProxies: config.trustedProxies)
    }

    struct LoginForm: Decodable {
        var token: String?
    }

    struct TokenForm: Decodable {
        var csrf: String?
    }

    struct ApproveForm: Decodable {
        var csrf: String?
        var comment: String?
        /// The checkbox a coordinator ticks to approve despite open conflicts.
        var despiteConflicts: String?
    }

    struct FlagForm: Decodable {
        var csrf: String?
        var question: String?
        var comment: String?
    }

    struct ResolveForm: Decodable {
        var csrf: String?
        var choice: String?
        var value: String?
        var returnTo: String?
    }

    func register(on router: Router<AppRequestContext>) {
        // A person who types the server's address lands on the dashboard (its sign-in page without a session).
        router.get("/") { _, _ in Response.redirect(to: "/dashboard", type: .normal) }
        let open = router.group("dashboard")
        open.get("login", use: loginPage)
        open.post("login", use: login)
        let pages = router.group("dashboard").add(middleware: DashboardAuthMiddleware(store: store, renderer: renderer, now: config.now, uses: LastUseRecorder()))
        pages.get("", use: overview)
        pages.get("municipalities", use: municipalities)
        pages.get("municipalities/:nis", use: municipality)
        pages.post("municipalities/:nis/invite", use: invite)
        pages.get("interviews/:id", use: interview)
        pages.post("interviews/:id/approve", use: approve)
        pages.post("interviews/:id/flags", use: flag)
        pages.post("interviews/:id/flags/:question/resolve", use: resolveFlag)
        pages.get("review", use: review)
        pages.get("conflicts", use: conflicts)
        pages.post("conflicts/:id/resolve", use: resolveConflict)
        pages.post("logout", use: logout)
        pages.get("downloads", use: downloadsPage)
        if let downloads {
            // The same streamed export as GET /v1/export, signed in by the session cookie instead of a token.
            pages.get("export", use: downloads.export)
        }
    }

    // MARK: Session

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = DashboardSession.id(in: request), try await store.dashboardPrincipal(session: session, now: config.now()) != nil {
            return .redirect(to: "/dashboard", type: .normal)
        }
        return renderer.page("login", LoginPage(chrome: Self.signedOut, error: nil))
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let address = sources.client(request, context: context)
        if let refusal = LoginOrigin(publicURL: config.publicURL).refusal(request) {
            context.logger.warning("dashboard sign-in refused: foreign origin", metadata: ["auth.address": "\(address)", "auth.origin": "\(refusal.origin)"])
            return renderer.page("login", LoginPage(chrome: Self.signedOut, error: refusal.message), status: .forbidden)
        }
        let form = try await Self.form(LoginForm.self, request, context)
        let token = (form.token ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // Keys, not the token itself: the throttle's table holds no secret.
        let keys = ["address:" + address, "account:" + Secret.hash(token)]
        if let wait = try await loginAttempts.retryAfter(keys) {
            context.logger.warning("dashboard sign-in refused: too many failed logins", metadata: ["auth.address": "\(address)", "auth.retry_after": "\(wait)"])
            let error = localized(
                nl: "Te veel mislukte aanmeldingen vanaf dit adres of met dit token; probeer opnieuw over \(SyncRoutes.minutes(wait)).",
                en: "Too many failed sign-ins from this address or with this token; try again in \(SyncRoutes.minutes(wait))."
            )
            var response = renderer.page("login", LoginPage(chrome: Self.signedOut, error: error), status: .tooManyRequests)
            response.headers[.retryAfter] = "\(wait)"
            return response
        }
        guard !token.isEmpty, token.count <= 200, let principal = try await store.principal(forTokenHash: Secret.hash(token)) else {
            let pause = try await loginAttempts.recordFailure(keys)
            context.logger.notice(
                "dashboard sign-in refused: unknown token", metadata: ["auth.address": "\(address)", "auth.paused_for": "\(pause ?? 0)"]
            )
            return renderer.page(
                "login", LoginPage(chrome: Self.signedOut, error: localized(nl: "Dit token is niet geldig: het is onbekend of werd ingetrokken.", en: "This token is not valid: it is unknown or was revoked.")), status: .unauthorized
            )
        }
        guard principal.role != .interviewer else {
            let error = localized(
                nl: "Het dashboard is voor coördinatoren en onderzoekers. \(principal.name) is interviewer; interviewers werken met het programma veldwerk op hun laptop.",
                en: "The dashboard is for coordinators and researchers. \(principal.name) is an interviewer; interviewers work in the veldwerk program on their laptop."
            )
            return renderer.page("login", LoginPage(chrome: Self.signedOut, error: error), status: .forbidden)
        }
        try await loginAttempts.recordSuccess(["address:" + address])
        let session = try await store.createDashboardSession(for: principal.user, lifetime: DashboardSession.lifetime, now: config.now())
        context.logger.info("dashboard sign-in", metadata: ["auth.user": "\(principal.user)"])
        var response = Response.redirect(to: principal.role == .researcher ? "/dashboard/downloads" : "/dashboard", type: .normal)
        response.setCookie(DashboardSession.cookie(session, secure: isHTTPS(request, context)))
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(TokenForm.self, request, context)
        try DashboardSession.checkCSRF(form.csrf, request: request)
        if let session = DashboardSession.id(in: request) { try await store.endDashboardSession(session) }
        var response = Response.redirect(to: "/dashboard/login", type: .normal)
        response.setCookie(DashboardSession.expiredCookie(secure: isHTTPS(request, context)))
        return response
    }

    /// Whether browsers reach the dashboard over HTTPS (see ``HTTPSDetector``).
    func isHTTPS(_ request: Request, _ context: AppRequestContext) -> Bool {
        HTTPSDetector(config).isHTTPS(request, context: context)
    }

    // MARK: Pages

    /// The files a researcher (or a coordinator) downloads: the page a researcher signs in to.
    @Sendable func downloadsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let session = DashboardSession.id(in: request) ?? ""
        var chrome = PageChrome(
            title: "Downloads", signedIn: true, userName: principal.name, csrf: DashboardSession.csrfToken(for: session), onDownloads: true
        )
        chrome.researcher = !principal.role.canCoordinate
        struct File: Sendable {
            var name: String
            var query: String
            var about: String
        }
        struct Page: Sendable {
            var chrome: PageChrome
            var files: [File]
        }
        let files = localized(
            nl: [
                File(name: "CSV, één rij per interview", query: "format=csv", about: "Komma's als scheidingsteken, UTF-8; codes als waarden (voeg labels=true toe voor labels)."),
                File(name: "CSV voor Excel (nl)", query: "format=csv&excel=nl", about: "Puntkomma's, decimale komma's en gewone datum-tijden, zoals een Nederlandstalige Excel of LibreOffice ze opent."),
                File(name: "CSV, lang", query: "format=csv-long", about: "Eén rij per antwoord: interview, vraag, waarde, label."),
                File(name: "JSON Lines", query: "format=jsonl", about: "Eén interview per regel met getypeerde waarden."),
                File(name: "SPSS (.sav)", query: "format=sav", about: "Variabele- en waardelabels, user-missing waarden voor niet van toepassing en niet beantwoord."),
                File(name: "Codeboek", query: "format=codebook", about: "Elke variabele met haar vraag, type, waarden en labels (Markdown)."),
                File(name: "Citaten", query: "format=quotes", about: "Open antwoorden van respondenten die instemden met citeren, voor kwalitatieve codering."),
            ],
            en: [
                File(name: "CSV, one row per interview", query: "format=csv", about: "Comma-separated, UTF-8; codes as values (add labels=true for labels)."),
                File(name: "CSV for Excel (nl)", query: "format=csv&excel=nl", about: "Semicolons, decimal commas and plain date-times, as a Dutch-language Excel or LibreOffice opens it."),
                File(name: "CSV, long", query: "format=csv-long", about: "One row per answer: interview, question, value, label."),
                File(name: "JSON Lines", query: "format=jsonl", about: "One interview per line with typed values."),
                File(name: "SPSS (.sav)", query: "format=sav", about: "Variable and value labels, user-missing values for not applicable and not answered."),
                File(name: "Codebook", query: "format=codebook", about: "Every variable with its question, type, values and labels (Markdown)."),
                File(name: "Quotes", query: "format=quotes", about: "Open answers of respondents who agreed to be quoted, for qualitative coding."),
            ]
        )
        return renderer.page("downloads", Page(chrome: chrome, files: files))
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try ProgressQuery(request)
        var chrome = try chrome(localized(nl: "Voortgang van het veldwerk", en: "Fieldwork progress"), request, context)
        chrome.onOverview = true
        let report = ProgressCalculator(snapshot: try await store.fieldworkSnapshot(), list: query.list).report(now: config.now(), staleAfterDays: query.staleDays)
        return renderer.page("overview", OverviewPage(report: report, chrome: chrome))
    }

    @Sendable func municipalities(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try ProgressQuery(request)
        let parameters = request.uri.queryParameters
        let filter = MunicipalityFilter(
            province: parameters.get("province"), interviewer: parameters.get("interviewer"), status: parameters.get("status"), sort: parameters.get("sort")
        )
        var chrome = try chrome(localized(nl: "Gemeenten", en: "Municipalities"), request, context)
        chrome.onMunicipalities = true
        let snapshot = try await store.fieldworkSnapshot()
        let cases = ProgressCalculator(snapshot: snapshot, list: query.list).cases().cases
        let names = snapshot.people.mapValues(\.name)
        return renderer.page("municipalities", MunicipalityListPage(cases: cases, list: query.list, filter: filter, names: names, roster: snapshot.roster, chrome: chrome))
    }

    @Sendable func municipality(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try ProgressQuery(request)
        let nis = context.pathParameter("nis")
        let snapshot = try await store.fieldworkSnapshot()
        let cases = ProgressCalculator(snapshot: snapshot, list: query.list).cases().cases
        guard let item = cases.first(where: { $0.nis == nis }) ?? cases.first(where: { $0.mergedCodes.contains(nis) }) else {
            throw APIError.notFound(localized(
                nl: "Er is geen gemeente \(nis) in de lijst van \(query.list.rawValue).",
                en: "There is no municipality \(nis) in the \(query.list.rawValue) list."
            ))
        }
        var chrome = try chrome(item.municipality.name, request, context)
        chrome.onMunicipalities = true
        let names = snapshot.people.mapValues(\.name)
        let invitations = try await store.invitations(municipality: item.municipality.nis)
        return renderer.page(
            "municipality",
            MunicipalityPage(item: item, list: query.list, snapshot: snapshot, names: names, chrome: chrome, invitations: invitations, now: config.now())
        )
    }

    struct InviteForm: Decodable {
        var csrf: String?
        var email: String?
        var validDays: String?
    }

    /// The invite button: a new invitation, its link and text shown once on the page that answers.
    @Sendable func invite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(InviteForm.self, request, context)
        try DashboardSession.checkCSRF(form.csrf, request: request)
        let nis = context.pathParameter("nis")
        let days = try form.validDays.flatMap { $0.isEmpty ? nil : $0 }.map { text in
            guard let days = Int(text) else {
                throw APIError.unprocessable(localized(nl: "Het aantal dagen is geen geheel getal.", en: "The number of days is not a whole number."))
            }
            return days
        }
        let created = try await InvitationRoutes(store: store, config: config).create(
            municipality: nis, email: form.email, validDays: days, by: try context.requireCoordinator(), request: request
        )
        var chrome = try chrome(localized(nl: "Uitnodiging", en: "Invitation"), request, context)
        chrome.onMunicipalities = true
        struct Page: Sendable {
            var chrome: PageChrome
            var invitation: CreatedInvitation
            var back: String
        }
        return renderer.page("invitation", Page(chrome: chrome, invitation: created, back: "/dashboard/municipalities/\(nis)"))
    }

    @Sendable func interview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try await ReviewRoutes.interviewID(context, store: store)
        guard let detail = try await store.interviewDetail(id) else {
            throw APIError.notFound(localized(
                nl: "Er is geen interview \(id.uuidString.lowercased()) op de server (heeft zijn laptop al gesynchroniseerd?).",
                en: "There is no interview \(id.uuidString.lowercased()) on the server (has its laptop synced?)."
            ))
        }
        let interview = detail.interview
        var form: Questionnaire?
        if let formID = interview.questionnaire, let version = interview.questionnaireVersion {
            form = try await store.questionnaire(id: formID, version: version)
        }
        let snapshot = try await store.fieldworkSnapshot()
        let municipalityName = interview.municipality.flatMap { snapshot.roster.current(nis: $0)?.name } ?? localized(nl: "onbekende gemeente", en: "unknown municipality")
        let conflicts = try await store.conflictViews(openOnly: false, entityId: id.uuidString.lowercased())
        var chrome = try chrome("Interview \(id.uuidString.lowercased().prefix(8))", request, context)
        chrome.onReview = true
        chrome.notice = Self.notice(request)
        let page = InterviewPage(
            detail: detail, form: form, municipalityName: municipalityName, names: try await store.userNames(), conflicts: conflicts, chrome: chrome,
            flagQuestion: request.uri.queryParameters.get("flag")
        )
        return renderer.page("interview", page)
    }

    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> Response {
        var chrome = try chrome(localized(nl: "Beoordeling", en: "Review"), request, context)
        chrome.onReview = true
        let items = ReviewQueueBuilder.items(try await store.fieldworkSnapshot())
        return renderer.page("review", ReviewPage(items: items, show: request.uri.queryParameters.get("show") ?? "todo", chrome: chrome))
    }

    @Sendable func conflicts(_ request: Request, context: AppRequestContext) async throws -> Response {
        var chrome = try chrome(localized(nl: "Conflicten", en: "Conflicts"), request, context)
        chrome.onConflicts = true
        chrome.notice = Self.notice(request)
        let all = request.uri.queryParameters.get("all") == "1"
        let views = try await store.conflictViews(openOnly: !all, entityId: nil)
        return renderer.page("conflicts", ConflictsPage(chrome: chrome, showAll: all, conflicts: views.map { ConflictCard($0, returnTo: "/dashboard/conflicts") }))
    }

    // MARK: Actions

    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(ApproveForm.self, request, context)
        try DashboardSession.checkCSRF(form.csrf, request: request)
        let id = try await ReviewRoutes.interviewID(context, store: store)
        _ = try await store.approveInterview(
            id, comment: Self.lineBreaks(form.comment), despiteOpenConflicts: form.despiteConflicts == "1", by: try context.requireCoordinator(), now: config.now()
        )
        return .redirect(to: "/dashboard/interviews/\(id.uuidString.lowercased())?notice=approved", type: .normal)
    }

    @Sendable func flag(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(FlagForm.self, request, context)
        try DashboardSession.checkCSRF(form.csrf, request: request)
        let id = try await ReviewRoutes.interviewID(context, store: store)
        _ = try await store.flagAnswer(
            id, question: form.question ?? "", comment: Self.lineBreaks(form.comment) ?? "", by: try context.requireCoordinator(), now: config.now()
        )
        return .redirect(to: "/dashboard/interviews/\(id.uuidString.lowercased())?notice=flagged", type: .normal)
    }

    /// A textarea's text with its line breaks as the store keeps them: an HTML form sends each as CR LF,
    /// and a stored comment holds no carriage return (see ``ControlCharacters``).
    static func lineBreaks(_ text: String?) -> String? {
        text?.replacingOccurrences(of: "\r\n", with: "\n")
    }

    @Sendable func resolveFlag(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(TokenForm.self, request, context)
        try DashboardSession.checkCSRF(form.csrf, request: request)
        let id = try await ReviewRoutes.interviewID(context, store: store)
        let question = context.pathParameter("question")
        _ = try await store.resolveFlag(id, question: question, by: try context.requireCoordinator(), now: config.now())
        return .redirect(to: "/dashboard/interviews/\(id.uuidString.lowercased())?notice=flag-resolved", type: .normal)
    }

    @Sendable func resolveConflict(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(ResolveForm.self, request, context)
        try DashboardSession.checkCSRF(form.csrf, request: request)
        let text = context.pathParameter("id")
        guard let loser = ChangeID(text) else { throw APIError.badRequest(localized(nl: "\"\(text)\" is geen conflict-id.", en: "\"\(text)\" is not a conflict id.")) }
        guard let choice = form.choice.flatMap(ConflictChoice.init(rawValue:)) else {
            throw APIError.unprocessable(localized(nl: "Kies welke versie blijft, of geef een nieuwe waarde.", en: "Choose which version to keep, or enter a new value."))
        }
        var value: JSONValue?
        if choice == .new {
            let entered = (form.value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !entered.isEmpty else { throw APIError.unprocessable(localized(nl: "Geef de nieuwe waarde, of kies een van de twee versies.", en: "Enter the new value, or choose one of the two versions.")) }
            value = try Self.parseValue(entered)
        }
        _ = try await store.resolveConflict(loser, choice: choice, value: value, by: try context.requireCoordinator(), now: config.now())
        let back = form.returnTo.flatMap { $0.hasPrefix("/dashboard/") && !$0.hasPrefix("//") && !$0.contains("\\") ? $0 : nil } ?? "/dashboard/conflicts"
        return .redirect(to: back + (back.contains("?") ? "&" : "?") + "notice=conflict-resolved", type: .normal)
    }

    // MARK: Helpers

    private static var signedOut: PageChrome { PageChrome(title: localized(nl: "Aanmelden", en: "Sign in"), signedIn: false, userName: "", csrf: "") }

    /// The frame of a signed-in page.
    private func chrome(_ title: String, _ request: Request, _ context: AppRequestContext) throws -> PageChrome {
        let principal = try context.requireCoordinator()
        let session = DashboardSession.id(in: request) ?? ""
        return PageChrome(title: title, signedIn: true, userName: principal.name, csrf: DashboardSession.csrfToken(for: session))
    }

    private static func form<T: Decodable>(_ type: T.Type, _ request: Request, _ context: AppRequestContext) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 256 * 1024)
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer))
        } catch {
            throw APIError.badRequest(localized(nl: "Het formulier kon niet gelezen worden; herlaad de pagina en probeer opnieuw.", en: "The form could not be read; reload the page and try again."))
        }
    }

    /// A typed value: JSON when it parses as JSON (`3`, `["a","b"]`, `"text"`), else the text as a string.
    /// JSON nested deeper than the parser's limit is refused (422), not kept as text.
    static func parseValue(_ text: String) throws -> JSONValue {
        do {
            return try JSONValue(json: text)
        } catch let failure as JSONValueParser.Failure where failure.tooDeep {
            throw APIError.unprocessable(
                localized(nl: "De nieuwe waarde is \(failure.description); er werd niets bewaard.", en: "The new value is \(failure.description); nothing was stored."),
                code: "too_deep"
            )
        } catch {
            return .string(text)
        }
    }

    private static func notice(_ request: Request) -> String? {
        switch request.uri.queryParameters.get("notice") {
        case "approved":
            return localized(
                nl: "Interview goedgekeurd. De goedkeuring komt bij de volgende synchronisatie op de laptop van de interviewer.",
                en: "Interview approved. The approval reaches the interviewer's laptop on its next sync."
            )
        case "flagged":
            return localized(
                nl: "Antwoord gemarkeerd. De interviewer ziet de markering na de volgende synchronisatie als taak.",
                en: "Answer flagged. The interviewer sees the flag as a task after the next sync."
            )
        case "flag-resolved": return localized(nl: "Markering opgelost.", en: "Flag resolved.")
        case "conflict-resolved":
            return localized(
                nl: "Conflict opgelost. De gekozen waarde gaat naar elke laptop die deze gemeente heeft.",
                en: "Conflict resolved. The chosen value syncs to every laptop that holds this municipality."
            )
        default: return nil
        }
    }
}

/// The list of kept conflicts.
struct ConflictsPage: Sendable {
    var chrome: PageChrome
    var showAll: Bool
    var conflicts: [ConflictCard]
}

extension Router where Context == AppRequestContext {
    /// Adds the coordinators' routes: progress and review for the API, and the web dashboard.
    func addCoordinationRoutes(store: any CoordinationStore, config: ServerConfig, renderer: DashboardRenderer, downloads: ExportRoutes? = nil) async throws {
        ProgressRoutes(store: store, config: config).register(on: self)
        ReviewRoutes(store: store, config: config).register(on: self)
        DashboardRoutes(store: store, config: config, renderer: renderer, downloads: downloads).register(on: self)
    }
}
