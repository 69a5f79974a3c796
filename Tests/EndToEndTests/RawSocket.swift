import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to the loopback server, for requests no well-behaved client sends:
/// half a request line left hanging, or a body written byte by byte.
struct RawSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            Self.closeDescriptor(fd)
            throw Failure(description: "connect() failed: errno \(errno)")
        }
        self.fd = fd
    }

    /// Writes all of `bytes` (blocking); stops quietly when the server has closed the connection.
    func send(_ bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        var sent = 0
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)  // a closed peer is an error return, not a SIGPIPE that ends the tests
        #else
        let flags: Int32 = 0
        #endif
        array.withUnsafeBytes { buffer in
            while sent < array.count {
                let written = Foundation.send(fd, buffer.baseAddress! + sent, array.count - sent, flags)
                if written <= 0 { return }
                sent += written
            }
        }
    }

    /// Reads until the server closes the connection or `timeout` passes; `closed` says which.
    func readToEnd(timeout: TimeInterval) -> (bytes: [UInt8], closed: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return (received, false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(left * 1000) + 1)
            if ready <= 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count <= 0 { return (received, true) }
            received += chunk[0..<count]
        }
    }

    func close() {
        Self.closeDescriptor(fd)
    }

    private static func closeDescriptor(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// Runs blocking socket work on a thread of its own, not on one of the few threads Swift's
    /// concurrency shares with the in-process server's handlers (which it could starve).
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Sends a whole GET and returns the status line's code (0: no answer within `timeout`).
    static func get(_ path: String, port: Int, timeout: TimeInterval) throws -> Int {
        let socket = try RawSocket(port: port)
        defer { socket.close() }
        socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        let answer = String(decoding: socket.readToEnd(timeout: timeout).bytes, as: UTF8.self)
        guard answer.hasPrefix("HTTP/1.1 "), let code = Int(answer.dropFirst(9).prefix(3)) else { return 0 }
        return code
    }
}
