import Foundation
import Secrets
import Shared
import Hummingbird
import Logging

/// Lets a signed-in coordinator through to the dashboard's pages, and a researcher to its downloads;
/// everyone else goes to the login page.
///
/// Errors from the pages are answered as HTML pages rather than JSON.
struct DashboardAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any CoordinationStore
    let renderer: DashboardRenderer
    let now: @Sendable () -> Date
    /// Notes a session's last use at most once a minute.
    let uses: LastUseRecorder

    /// What a researcher's session reaches.
    static let researcherPaths: Set<String> = ["/dashboard/downloads", "/dashboard/export", "/dashboard/logout"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let session = DashboardSession.id(in: request), let principal = try await store.dashboardPrincipal(session: session, now: now())
        else {
            return .redirect(to: "/dashboard/login", type: .normal)
        }
        let time = now()
        if uses.isDue(Secret.hash(session), now: time) {
            do {
                try await store.noteSessionUse(session: session, at: time)
            } catch {
                context.logger.warning("could not note a session's last use", metadata: ["auth.user": "\(principal.user)", "error.message": "\(error)"])
            }
        }
        var context = context
        context.principal = principal
        // A researcher sees the downloads and nothing else of the dashboard.
        if !principal.role.canCoordinate, !Self.researcherPaths.contains(request.uri.path) {
            guard request.method == .get else {
                return errorPage(status: .forbidden, message: localized(
                        nl: "Onderzoekers downloaden de dataset; beoordelen is voor coördinatoren.",
                        en: "Researchers download the dataset; reviewing is for coordinators."
                    ), principal: principal, session: session)
            }
            return .redirect(to: "/dashboard/downloads", type: .normal)
        }
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return errorPage(status: error.status, message: error.message, principal: principal, session: session)
        } catch let error as DomainError {
            return errorPage(status: APIError(error).status, message: error.message, principal: principal, session: session)
        } catch let error as any HTTPResponseError {
            let message = error.status == .notFound
                ? localized(nl: "Die pagina bestaat niet.", en: "There is no such page.")
                : localized(nl: "Het verzoek kon niet verwerkt worden (\(error.status.reasonPhrase)).", en: "The request could not be handled (\(error.status.reasonPhrase)).")
            return errorPage(status: error.status, message: message, principal: principal, session: session)
        } catch {
            context.logger.error("dashboard page failed", metadata: ["http.path": "\(request.uri.path)", "error.message": "\(error)"])
            return errorPage(
                status: .internalServerError, message: localized(
                    nl: "De server liep op een onverwachte fout; er werd niets gewijzigd. Probeer opnieuw, en verwittig de beheerder als het blijft gebeuren.",
                    en: "The server hit an unexpected error; nothing was changed. Try again, and tell the operator if it persists."
                ),
                principal: principal, session: session
            )
        }
    }

    private func errorPage(status: HTTPResponse.Status, message: String, principal: Principal, session: String) -> Response {
        let chrome = PageChrome(title: "\(status.code) \(status.reasonPhrase)", signedIn: true, userName: principal.name, csrf: DashboardSession.csrfToken(for: session))
        return renderer.page("error", ErrorPage(chrome: chrome, status: "\(status.code) \(status.reasonPhrase)", message: message), status: status)
    }
}

/// A page that explains what went wrong.
struct ErrorPage: Sendable {
    var chrome: PageChrome
    var status: String
    var message: String
}

/// The sign-in page.
struct LoginPage: Sendable {
    var chrome: PageChrome
    var error: String?
}
