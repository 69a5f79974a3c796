import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into `{"error": {"code", "message"}}` with its status; unexpected errors become a logged 500.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as DomainError {
            throw APIError(error)
        } catch let error as HTTPError {
            throw APIError(status: error.status, code: Self.code(for: error.status), message: Self.message(for: error, request: request))
        } catch let error as any HTTPResponseError {
            throw APIError(status: error.status, code: Self.code(for: error.status), message: error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error.message": "\(error)"])
            throw APIError(status: .internalServerError, code: "internal", message: "The server hit an unexpected error; nothing was changed by this request. Try again, and tell the operator if it persists.")
        }
    }

    private static func message(for error: HTTPError, request: Request) -> String {
        switch error.status {
        case .notFound: return "There is no \(request.method.rawValue) \(request.uri.path) on this server."
        case .contentTooLarge: return "The request body is too large."
        case .methodNotAllowed: return "\(request.method.rawValue) is not allowed on \(request.uri.path)."
        default: return error.body ?? error.status.reasonPhrase
        }
    }

    private static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: return "bad_request"
        case .unauthorized: return "unauthorized"
        case .forbidden: return "forbidden"
        case .notFound: return "not_found"
        case .methodNotAllowed: return "method_not_allowed"
        case .contentTooLarge: return "too_large"
        default: return "http_\(status.code)"
        }
    }
}
