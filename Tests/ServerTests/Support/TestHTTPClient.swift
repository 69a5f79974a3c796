import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A response as the tests read it.
struct TestHTTPResponse: Sendable {
    var status: Int
    /// Header names in lower case; repeated headers joined by "\n".
    var headers: [String: String]
    var body: String

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A tiny HTTP/1.1 client over a POSIX socket, enough for tests against 127.0.0.1: one request per
/// connection (`Connection: close`), no redirects followed, chunked bodies decoded.
///
/// The blocking socket calls run on a thread of their own, never on Swift's cooperative pool.
struct TestHTTPClient: Sendable {
    let port: Int

    func get(_ path: String, headers: [String: String] = [:]) async throws -> TestHTTPResponse {
        try await send("GET", path, headers: headers, body: nil)
    }

    /// Posts a form (`application/x-www-form-urlencoded`).
    func postForm(_ path: String, _ fields: [(String, String)], headers: [String: String] = [:]) async throws -> TestHTTPResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        var headers = headers
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return try await send("POST", path, headers: headers, body: Data(body.utf8))
    }

    /// Sends JSON.
    func postJSON(_ path: String, _ json: String, headers: [String: String] = [:]) async throws -> TestHTTPResponse {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return try await send("POST", path, headers: headers, body: Data(json.utf8))
    }

    func send(_ method: String, _ path: String, headers: [String: String], body: Data?) async throws -> TestHTTPResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
        let request = Data(head.utf8) + (body ?? Data())
        let port = self.port
        let raw = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try Self.exchange(request, port: port) })
            }
            thread.start()
        }
        return try Self.parse(raw)
    }

    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    private static func exchange(_ request: Data, port: Int) throws -> Data {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketError(description: "socket() failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketError(description: "connect to 127.0.0.1:\(port) failed") }
        try request.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var sent = 0
            while sent < buffer.count {
                #if canImport(Glibc)
                let count = Glibc.send(fd, base.advanced(by: sent), buffer.count - sent, 0)
                #else
                let count = Darwin.send(fd, base.advanced(by: sent), buffer.count - sent, 0)
                #endif
                guard count > 0 else { throw SocketError(description: "send failed") }
                sent += count
            }
        }
        var response = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 { throw SocketError(description: "recv failed or timed out") }
            if count == 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        return response
    }

    private static func parse(_ raw: Data) throws -> TestHTTPResponse {
        guard let split = raw.range(of: Data("\r\n\r\n".utf8)) else { throw SocketError(description: "no HTTP header in the response") }
        let head = String(decoding: raw[raw.startIndex..<split.lowerBound], as: UTF8.self)
        var body = Data(raw[split.upperBound...])
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw SocketError(description: "bad status line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + "\n" + value } ?? value
        }
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return TestHTTPResponse(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    private static func dechunk(_ data: Data) -> Data {
        var result = Data()
        var index = data.startIndex
        while let lineEnd = data[index...].range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            let end = data.index(start, offsetBy: size, limitedBy: data.endIndex) ?? data.endIndex
            result.append(data[start..<end])
            index = data.index(end, offsetBy: 2, limitedBy: data.endIndex) ?? data.endIndex
        }
        return result
    }
}
