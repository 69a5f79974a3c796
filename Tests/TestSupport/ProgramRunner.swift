import Foundation

/// Finds and runs the package's built programs (`veldwerk`, `veldwerk-server`), as a user would.
public enum ProgramRunner {
    /// The folder with the built products: beside the test bundle, or `.build/debug` of this package.
    public static func productsDirectory() -> URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("veldwerk").path) } ?? candidates[0]
    }

    public static func url(of program: String) -> URL {
        program.hasPrefix("/") ? URL(fileURLWithPath: program) : productsDirectory().appendingPathComponent(program)
    }

    /// What a finished program left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs a program to its end (killing it after `timeout` seconds) and returns its exit status and output.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: TimeInterval = 60
    ) async throws -> Result {
        let process = try start(program, arguments, environment: environment, stdin: stdin)
        return try await process.finish(timeout: timeout)
    }

    /// Starts a program and returns at once; use ``RunningProgram/finish(timeout:)`` or ``RunningProgram/kill()``.
    /// The environment a program under test runs in: this process's, without colours, with the programs'
    /// own words in English (`LC_MESSAGES`; tests of Dutch set `LC_MESSAGES`, `LANG` or `--lang` themselves),
    /// a test passphrase for laptops' personal data, and `extra` on top.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["LC_ALL"] = nil
        env["LC_MESSAGES"] = "en_US.UTF-8"
        // Laptops enrolled by tests encrypt personal data under this passphrase; a test may set another.
        env["VELDWERK_PASSPHRASE"] = env["VELDWERK_PASSPHRASE"] ?? "test-passphrase"
        // Tests must not share a cached key through the runtime folder.
        env["VELDWERK_PASSPHRASE_CACHE_MINUTES"] = env["VELDWERK_PASSPHRASE_CACHE_MINUTES"] ?? "0"
        env.merge(extra) { _, new in new }
        return env
    }

    public static func start(_ program: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> RunningProgram {
        let process = Process()
        process.executableURL = url(of: program)
        process.arguments = arguments
        process.environment = Self.environment(environment)
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let running = RunningProgram(process: process, out: out, err: err)
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        return running
    }
}

/// A program started by ``ProgramRunner/start(_:_:environment:stdin:)``.
public final class RunningProgram: @unchecked Sendable {
    // Safe: the process and pipes are only touched from the test that owns this value; the readers collect on their own threads into locked buffers.
    let process: Process
    private let stdoutBuffer = LockedBuffer()
    private let stderrBuffer = LockedBuffer()

    init(process: Process, out: Pipe, err: Pipe) {
        self.process = process
        let stdoutBuffer = stdoutBuffer
        let stderrBuffer = stderrBuffer
        out.fileHandleForReading.readabilityHandler = { handle in stdoutBuffer.append(handle.availableData) }
        err.fileHandleForReading.readabilityHandler = { handle in stderrBuffer.append(handle.availableData) }
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// What the program has written to standard output so far (while it runs).
    public var outputSoFar: String { stdoutBuffer.text }

    /// Whether the program still runs.
    public var isRunning: Bool { process.isRunning }

    /// Sends SIGKILL: the program gets no chance to clean up, as with a crash or a dead battery.
    public func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
    }

    public func finish(timeout: TimeInterval) async throws -> ProgramRunner.Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill()
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        try await Task.sleep(for: .milliseconds(30))
        return ProgramRunner.Result(status: process.terminationStatus, stdout: stdoutBuffer.text, stderr: stderrBuffer.text)
    }
}

/// Bytes appended from a reader thread and read from the test.
final class LockedBuffer: @unchecked Sendable {
    // Safe: every access goes through the lock.
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        data.append(chunk)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
