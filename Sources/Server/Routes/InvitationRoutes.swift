import Foundation
import Hummingbird
import Shared

extension CreatedInvitation: ResponseEncodable {}

/// Invitations to fill in the questionnaire in a browser, made by a coordinator on the server
/// (interviewers make theirs on the laptop with `veldwerk invite`, offline too).
struct InvitationRoutes {
    let store: any CoordinationStore
    let config: ServerConfig

    func register(on router: Router<AppRequestContext>) {
        router.group(context: CoordinatorContext.self).post("/v1/cases/:nis/invitations") { request, context -> CreatedInvitation in
            let principal = context.principal
            let body = try await request.decodeJSON(InvitationRequest.self, what: "invitation", limit: 16 * 1024)
            return try await create(
                municipality: context.parameters.get("nis") ?? "", email: body.email, validDays: body.validDays, by: principal, request: request
            )
        }
    }

    /// Checks the request, makes the invitation, and words its link and text.
    func create(municipality nis: String, email: String?, validDays: Int?, by principal: Principal, request: Request) async throws -> CreatedInvitation {
        guard Scope.isNIS(nis) else {
            throw APIError.badRequest(Scope.notNISSentence(nis))
        }
        let days = validDays ?? Invitation.defaultValidDays
        guard (1...Invitation.maximumValidDays).contains(days) else {
            throw APIError.unprocessable(localized(
                nl: "validDays ligt tussen 1 en \(Invitation.maximumValidDays).", en: "validDays must be between 1 and \(Invitation.maximumValidDays)."
            ))
        }
        let address = email?.trimmingCharacters(in: .whitespaces)
        if let address, !address.isEmpty, !ControlCharacters.isClean(address) || address.count > 320 || !address.contains("@") {
            throw APIError.unprocessable(localized(nl: "email is geen e-mailadres.", en: "email is not an e-mail address."))
        }
        let (invitation, token) = try await store.createInvitation(
            municipality: nis, email: address?.isEmpty == true ? nil : address, validDays: days, by: principal, now: config.now()
        )
        let link = try await baseURL(request) + "/s/" + token
        let form = try await store.webInvitation(tokenHash: invitation.tokenHash ?? "", now: config.now())
        let until = DisplayText.time(invitation.expiresAt)
        let text = Invitation.text(
            title: form?.form.title.text(nil) ?? "", municipality: form?.municipalityName ?? nis, link: link, until: until, interviewer: principal.name
        )
        return CreatedInvitation(
            invitation: invitation.id.uuidString.lowercased(), interview: invitation.interview?.uuidString.lowercased() ?? "", municipality: nis,
            link: link, expiresAt: invitation.expiresAt ?? "", text: text
        )
    }

    /// The address respondents reach the server at: `--public-url`, else the one `serve` noted, else the request's host.
    private func baseURL(_ request: Request) async throws -> String {
        let noted = try await store.notedAddress()
        var base = config.publicURL?.absoluteString ?? noted ?? "http://\(request.head.authority ?? "localhost")"
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
