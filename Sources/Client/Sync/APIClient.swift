import Foundation
import Gzip
import Shared

/// Typed calls to the server's JSON API over an ``HTTPTransport``.
struct APIClient: Sendable {
    let transport: any HTTPTransport
    let baseURL: String
    let token: String?

    init(transport: any HTTPTransport, baseURL: String, token: String?) {
        self.transport = transport
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
    }

    func enrol(_ request: EnrolRequest) async throws -> EnrolResponse {
        try await send("POST", "/v1/enrol", body: request)
    }

    func sync(_ request: SyncRequest) async throws -> SyncResponse {
        let body = try await exchange("POST", "/v1/sync", raw: try Self.encoder.encode(request), contentType: "application/json")
        do {
            return try SyncResponse(wireJSON: body)
        } catch {
            throw ClientError.badResponse("SyncResponse: \(error)")
        }
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Bodies at least this large go gzip-encoded (`Content-Encoding: gzip`); smaller ones as they are.
    static let compressionThreshold = 256

    /// Sends a JSON request and decodes the JSON answer; a server error becomes ``ClientError/server(status:code:message:)``.
    ///
    /// Bodies of ``compressionThreshold`` bytes or more are gzipped. A server from before gzip
    /// answers such a body with 400 or 415; the request is then sent once more uncompressed.
    func send<Response: Decodable>(_ method: String, _ path: String, body: (some Encodable)? = nil as String?) async throws -> Response {
        guard let body else { return try await send(method, path, raw: nil, contentType: nil) }
        return try await send(method, path, raw: try Self.encoder.encode(body), contentType: "application/json")
    }

    /// Sends a body as it is (a CSV text, a workbook) and decodes the JSON answer.
    func send<Response: Decodable>(_ method: String, _ path: String, raw: Data?, contentType: String?) async throws -> Response {
        let body = try await exchange(method, path, raw: raw, contentType: contentType)
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(Response.self, from: body)
        } catch {
            throw ClientError.badResponse("\(Response.self): \(error)")
        }
    }

    /// Sends a request and returns the body of a 2xx answer; a server error becomes ``ClientError/server(status:code:message:)``.
    private func exchange(_ method: String, _ path: String, raw: Data?, contentType: String?) async throws -> Data {
        // The server words its error messages in the language this program speaks.
        var headers = [("Accept", "application/json"), ("Accept-Language", Language.current.rawValue)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let contentType { headers.append(("Content-Type", contentType)) }
        var result: TransportResponse
        if let plain = raw, plain.count >= Self.compressionThreshold, let packed = try? Gzip.compress(plain) {
            result = try await transport.perform(
                TransportRequest(method: method, url: baseURL + path, headers: headers + [("Content-Encoding", "gzip")], body: packed)
            )
            if Self.mayNotReadGzip(result) {
                result = try await transport.perform(TransportRequest(method: method, url: baseURL + path, headers: headers, body: plain))
            }
        } else {
            result = try await transport.perform(TransportRequest(method: method, url: baseURL + path, headers: headers, body: raw))
        }
        guard (200..<300).contains(result.status) else {
            throw ClientError.refusal(status: result.status, body: result.body)
        }
        return result.body
    }

    /// A 415, or a 400 saying the body is not JSON: what a server that cannot unpack gzip answers.
    /// (A current server that unpacked a body that is not JSON answers the same; the retry then fails the same way.)
    private static func mayNotReadGzip(_ result: TransportResponse) -> Bool {
        if result.status == 415 { return true }
        guard result.status == 400, let error = try? JSONDecoder().decode(ErrorBody.self, from: result.body) else { return false }
        return error.error.code == "malformed_request" && error.error.message.contains("not valid JSON")
    }
}
