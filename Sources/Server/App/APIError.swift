import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// A domain error that maps to one HTTP status, answered as `{"error": {"code", "message"}}`.
struct APIError: HTTPResponseError, CustomStringConvertible {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// Seconds after which the same request may succeed (429, 503), sent as `Retry-After`.
    var retryAfter: Int? = nil

    var description: String { message }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = ErrorBody(code: code, message: message, requestId: context.id)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data("{\"error\":{\"code\":\"internal\",\"message\":\"error\"}}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(status: .badRequest, code: code, message: message)
    }
    static func unauthorized(_ message: String) -> APIError { APIError(status: .unauthorized, code: "unauthorized", message: message) }
    static func forbidden(_ message: String) -> APIError { APIError(status: .forbidden, code: "forbidden", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(status: .notFound, code: "not_found", message: message) }
    static func conflict(_ message: String, code: String = "conflict") -> APIError { APIError(status: .conflict, code: code, message: message) }
    static func unprocessable(_ message: String, code: String = "invalid") -> APIError {
        APIError(status: .unprocessableContent, code: code, message: message)
    }
    static func tooManyAttempts(_ message: String, retryAfter: Int) -> APIError {
        APIError(status: .tooManyRequests, code: "too_many_attempts", message: message, retryAfter: retryAfter)
    }
    static func tooLarge(_ message: String) -> APIError { APIError(status: .contentTooLarge, code: "too_large", message: message) }
    /// A push whose merge ran past the server's budget: rolled back, to be sent again in smaller batches.
    static func pushTooSlow(changes: Int, budget: TimeInterval) -> APIError {
        APIError(
            status: .serviceUnavailable, code: "push_too_slow",
            message: localized(
                nl: "Het samenvoegen van deze \(changes) wijzigingen duurde langer dan de server één verzending toestaat (\(budget) s); er werd niets van bewaard. Stuur ze opnieuw in kleinere delen.",
                en: "Merging these \(changes) changes took longer than the server allows one push (\(budget) s); nothing of this push was stored. Send them again in smaller batches."
            ),
            retryAfter: 1
        )
    }
}

extension APIError {
    /// Turns a JSON decoding failure into a sentence that names the place in the body.
    init(decoding error: any Error, what: String) {
        let detail: String
        switch error {
        case let failure as JSONValueParser.Failure where failure.tooDeep:
            self = .unprocessable("Could not read the \(what): \(failure.description); nothing was stored.", code: "too_deep")
            return
        case let failure as JSONValueParser.Failure:
            detail = failure.description
        case let failure as WireReader.Failure:
            detail = failure.description
        case DecodingError.dataCorrupted(let context) where context.debugDescription.hasPrefix("JSON nested more than"):
            self = .unprocessable("Could not read the \(what): \(context.debugDescription); nothing was stored.", code: "too_deep")
            return
        case DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            detail = path.isEmpty ? "the body is not valid JSON" : "\(path): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context):
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            detail = "the field \"\(path)\" is missing"
        case DecodingError.typeMismatch(let type, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            detail = "\(path.isEmpty ? "the body" : "\"" + path + "\"") should be \(Self.jsonKind(of: type))"
        case DecodingError.valueNotFound(let type, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            detail = "\"\(path)\" should be \(Self.jsonKind(of: type)), not null"
        default:
            detail = "the body is not valid JSON"
        }
        self = .badRequest("Could not read the \(what): \(detail).", code: "malformed_request")
    }

    private static func jsonKind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a valid \(name)"
        }
    }
}
