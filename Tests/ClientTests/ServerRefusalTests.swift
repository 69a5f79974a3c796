import Foundation
import Shared
import Testing
@testable import VeldwerkClient

/// How a server's refusal reads on the laptop: the server's sentence, and its request id where the
/// person cannot fix the cause and must pass it on.
@Suite("Server refusals")
struct ServerRefusalTests {
    static func body(_ code: String, _ message: String, requestId: String?) throws -> Data {
        try JSONEncoder().encode(ErrorBody(code: code, message: message, requestId: requestId))
    }

    @Test("a server failure quotes the request id, in both languages")
    func serverFailureQuotesRequestID() throws {
        let error = ClientError.refusal(status: 500, body: try Self.body("internal", "The server hit an unexpected error.", requestId: "req-7f3a2c91"))
        #expect(error == .server(status: 500, code: "internal", message: "The server hit an unexpected error.", requestID: "req-7f3a2c91"))
        Language.$current.withValue(.en) {
            #expect(error.description.contains("request id req-7f3a2c91"))
        }
        Language.$current.withValue(.nl) {
            #expect(error.description.contains("verzoek-id req-7f3a2c91"))
        }
    }

    @Test("a refusal the person can act on (wrong token, invalid answer) stays one plain sentence")
    func actionableRefusalHasNoID() throws {
        for status in [401, 403, 409, 422] {
            let error = ClientError.refusal(status: status, body: try Self.body("x", "Fix this.", requestId: "req-7f3a2c91"))
            #expect(!error.description.contains("req-7f3a2c91"), "\(status)")
            #expect(error.description.hasSuffix("Fix this."))
        }
    }

    @Test("an answer without the error body still says its status")
    func bareStatus() {
        let error = ClientError.refusal(status: 502, body: Data("<html>Bad Gateway</html>".utf8))
        #expect(error == .server(status: 502, code: "http_502", message: "HTTP 502 without an explanation"))
    }
}
