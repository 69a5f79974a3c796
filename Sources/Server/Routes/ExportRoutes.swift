import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `GET /v1/export?format=…`: the dataset as a streamed download, for researchers, coordinators and admins.
///
/// Who may export: researchers and coordinators get pseudonymised files; only an admin may add
/// `personal=true` (respondent name and e-mail, interviewer identity). Interviewers get 403.
/// The response names the log position it reflects in `Veldwerk-Log-Position` (and in the file
/// name), and the questionnaire versions in `Veldwerk-Questionnaire-Versions`.
struct ExportRoutes {
    let store: any ExportStore

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/export", use: export)
    }

    /// The header names the download route sets besides the content headers.
    enum Header {
        static let logPosition = HTTPField.Name("Veldwerk-Log-Position")!
        static let questionnaire = HTTPField.Name("Veldwerk-Questionnaire")!
        static let versions = HTTPField.Name("Veldwerk-Questionnaire-Versions")!
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let options: ExportOptions
        do {
            options = try ExportOptions(parameters: parameters)
            try Self.authorise(principal.role, options: options)
        } catch let error as ExportError {
            throw APIError(error)
        }
        let exporter: Exporter
        do {
            exporter = try await Exporter.prepare(store: store, options: options)
        } catch let error as ExportError {
            throw APIError(error)
        }
        let manifest = exporter.manifest
        var headers = HTTPFields()
        headers[.contentType] = options.format.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(manifest.fileName)\""
        headers[.cacheControl] = "no-store"
        headers[Header.logPosition] = String(manifest.logPosition)
        headers[Header.questionnaire] = manifest.questionnaire
        headers[Header.versions] = manifest.versions.joined(separator: ",")
        let logger = context.logger
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let done = try await exporter.write { chunk in try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
                logger.info(
                    "export written",
                    metadata: [
                        "export.format": "\(options.format.rawValue)", "export.interviews": "\(done.interviews ?? 0)",
                        "export.log_position": "\(done.logPosition)", "export.user": "\(principal.user)",
                    ]
                )
            }
        )
    }

    /// Who may export what: interviewers nothing; researchers and coordinators without personal data; admins everything.
    static func authorise(_ role: Role, options: ExportOptions) throws {
        switch role {
        case .interviewer:
            throw ExportError.forbidden("Interviewers cannot export the dataset; ask a researcher or coordinator.")
        case .researcher, .coordinator:
            if options.includePersonalData {
                throw ExportError.forbidden("Only an admin may export personal data (respondent names and e-mail, interviewer identity); leave out personal=true.")
            }
        case .admin:
            break
        }
    }
}

extension APIError {
    /// The status an export error answers with.
    init(_ error: ExportError) {
        switch error {
        case .invalidOption(let message): self = .badRequest(message, code: "invalid_export_option")
        case .forbidden(let message): self = .forbidden(message)
        case .noQuestionnaire: self = .conflict(error.description, code: "no_questionnaire")
        case .unknownRepeat: self = .badRequest(error.description, code: "unknown_repeat")
        }
    }
}
