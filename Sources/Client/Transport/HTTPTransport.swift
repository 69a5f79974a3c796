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
    /// The body as the server meant it (a gzip-encoded answer is unpacked already).
    var body: Data
    /// Bytes that went over the wire, headers included, both ways (0 when the transport does not count).
    var bytesSent: Int
    var bytesReceived: Int

    init(status: Int, body: Data, bytesSent: Int = 0, bytesReceived: Int = 0) {
        self.status = status
        self.body = body
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
    }
}

/// Moves bytes to the server and back; the seam where tests inject faults.
protocol HTTPTransport: Sendable {
    /// Performs the request; throws ``ClientError/transport(_:)`` when no HTTP answer came back.
    func perform(_ request: TransportRequest) async throws -> TransportResponse
}
