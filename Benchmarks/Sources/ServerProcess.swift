import Foundation

/// The real `veldwerk-server` program, started beside the harness on a free loopback port.
final class ServerProcess {
    let process = Process()
    let url: String

    /// Starts `veldwerk-server serve` on `data` and waits until it listens.
    init(data: URL) throws {
        let binary = Self.binary()
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("veldwerk-server is not built beside the harness (\(binary.path)); run `swift build -c release` first.")
        }
        process.executableURL = binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data", data.path, "--log-level", "error"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("\nDatabase:") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty, Date() < deadline else { throw BenchError("veldwerk-server did not start: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            throw BenchError("could not read the port from: \(text)")
        }
        url = String(text[range])
    }

    static func binary() -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("veldwerk-server")
    }

    /// Stops the server (SIGTERM: graceful shutdown) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A temporary folder removed at the end.
struct ScratchDirectory {
    let url: URL

    init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("veldwerk-bench-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
