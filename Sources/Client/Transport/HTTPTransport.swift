import Foundation

/// One HTTP request as the sync code makes it.
struct TransportRequest: Sendable, Equatable {
    var method: String
    var url: String
    var headers: [(String, String)]
    var body: Data?

    init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    static func == (lhs: TransportRequest, rhs: TransportRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.map { "\($0.0):\($0.1)" } == rhs.headers.map { "\($0.0):\($0.1)" }
    }
}

/// What came back.
struct TransportResponse: Sendable, Equatable {
    var status: Int
    var body: Data
}

/// Moves bytes to the server and back; the seam where tests inject faults.
protocol HTTPTransport: Sendable {
    /// Performs the request; throws ``ClientError/transport(_:)`` when no HTTP answer came back.
    func perform(_ request: TransportRequest) async throws -> TransportResponse
}
