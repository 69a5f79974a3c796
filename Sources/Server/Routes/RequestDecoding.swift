import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// Reads a JSON body into a model; a clear 400 for bad JSON and 413 for a body over the limit.
    func decodeJSON<T: Decodable>(_ type: T.Type, what: String, limit: Int) async throws -> T {
        try await decodeJSON(what: what, limit: limit) { bytes in
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(T.self, from: Data(bytes))
        }
    }
}

extension Request {
    /// Reads a JSON body with a reader of its own (``SyncRequest/init(wireJSON:)``): the same
    /// limits and errors as ``decodeJSON(_:what:limit:)``.
    func decodeJSON<T>(what: String, limit: Int, _ read: (ByteBufferView) throws -> T) async throws -> T {
        let buffer = try await body(what: what, limit: limit, tooLarge: "; send it in smaller batches")
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("The \(what) is empty; send a JSON body.", code: "malformed_request") }
        do {
            return try read(buffer.readableBytesView)
        } catch {
            throw APIError(decoding: error, what: what)
        }
    }

    /// Reads a text body (CSV) up to a limit; a clear 400 when it is empty or not UTF-8.
    func text(what: String, limit: Int) async throws -> String {
        let buffer = try await body(what: what, limit: limit)
        guard buffer.readableBytes > 0, let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw APIError.badRequest("Send the \(what) as UTF-8 text in the request body.", code: "malformed_request")
        }
        return text
    }

    /// The raw body bytes up to a limit.
    func bytes(what: String, limit: Int) async throws -> Data {
        Data(try await body(what: what, limit: limit).readableBytesView)
    }

    /// The whole body, or 413 naming what was too large.
    private func body(what: String, limit: Int, tooLarge advice: String = "") async throws -> ByteBuffer {
        var request = self
        do {
            return try await request.collectBody(upTo: limit)
        } catch {
            throw APIError.tooLarge("The \(what) is larger than \(limit / 1024 / 1024) MiB\(advice).")
        }
    }
}
