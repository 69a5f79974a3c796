import Foundation
import Hummingbird

extension Request {
    /// Reads a JSON body into a model; a clear 400 for bad JSON and 413 for a body over the limit.
    func decodeJSON<T: Decodable>(_ type: T.Type, what: String, limit: Int) async throws -> T {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError.tooLarge("The \(what) is larger than \(limit / 1024 / 1024) MiB; send it in smaller batches.")
        }
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("The \(what) is empty; send a JSON body.", code: "malformed_request") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError(decoding: error, what: what)
        }
    }
}
