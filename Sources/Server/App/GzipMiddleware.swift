import Foundation
import Gzip
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip on the wire: unpacks request bodies sent with `Content-Encoding: gzip`, and packs
/// responses of 1 KiB or more for clients that send `Accept-Encoding: gzip`.
///
/// Uncompressed requests pass through untouched, so older clients keep working. A compressed
/// body may unpack to at most ``maxBodyBytes``; each route still applies its own, smaller limit.
struct GzipMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The most a compressed request body may unpack to.
    var maxBodyBytes = 16 * 1024 * 1024
    /// Responses smaller than this go out as they are: gzip would not pay for its header.
    var minimumResponseBytes = 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(try unpacked(request), context)
        guard Self.acceptsGzip(request.headers[.acceptEncoding]), response.headers[.contentEncoding] == nil,
            let length = response.body.contentLength, length >= minimumResponseBytes
        else { return response }
        let collector = BodyCollector()
        try await response.body.write(collector)
        let packed = try Gzip.compress(Data(collector.buffer.readableBytesView), level: 6)
        var headers = response.headers
        headers[.contentEncoding] = "gzip"
        headers[.contentLength] = String(packed.count)
        headers[.vary] = "Accept-Encoding"
        return Response(status: response.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: packed)))
    }

    /// The request with its body unpacked, when it came gzip-encoded.
    private func unpacked(_ request: Request) async throws -> Request {
        guard let encoding = request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased(),
            !encoding.isEmpty, encoding != "identity"
        else { return request }
        guard encoding == "gzip" else {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_encoding",
                message: "Content-Encoding \(encoding) is not supported; send the body as it is, or gzip it."
            )
        }
        var request = request
        let packed: ByteBuffer
        do {
            packed = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            throw APIError.tooLarge("The request body is larger than \(maxBodyBytes / 1024 / 1024) MiB; send it in smaller batches.")
        }
        let body: Data
        do {
            body = try Gzip.decompress(Data(packed.readableBytesView), limit: maxBodyBytes)
        } catch .tooLarge {
            throw APIError.tooLarge("The request body unpacks to more than \(maxBodyBytes / 1024 / 1024) MiB; send it in smaller batches.")
        } catch {
            throw APIError.badRequest("The request says Content-Encoding: gzip, but \(error).", code: "malformed_request")
        }
        var head = request.head
        head.headerFields[.contentEncoding] = nil
        head.headerFields[.contentLength] = String(body.count)
        return Request(head: head, body: .init(buffer: ByteBuffer(bytes: body)))
    }

    /// Whether an `Accept-Encoding` header allows gzip (`gzip`, `x-gzip` or `*`, not with `q=0`).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let token = pieces.first, ["gzip", "x-gzip", "*"].contains(token) else { continue }
            let refused = pieces.dropFirst().contains { $0.hasPrefix("q=") && Double($0.dropFirst(2)) == 0 }
            if !refused { return true }
        }
        return false
    }
}

/// Gathers a response body written through Hummingbird's writer protocol.
private final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        var part = part
        buffer.writeBuffer(&part)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
