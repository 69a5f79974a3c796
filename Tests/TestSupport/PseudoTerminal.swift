import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program running in a pseudo-terminal, as a person at a keyboard runs it: its stdin, stdout and
/// stderr are the terminal, so it sees `isatty` and reads keys (arrow keys arrive as escape
/// sequences) the way a real terminal sends them.
public final class PseudoTerminalProgram: @unchecked Sendable {
    // Safe: `screen` is guarded by `lock`; the process and descriptors are used by the owning test only.
    private let process = Process()
    private let primary: Int32
    private let lock = NSLock()
    private var screen = ""
    private var reader: Thread?

    /// Starts `program` (a built product, see ``ProgramRunner``) with the arguments in a new pseudo-terminal.
    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        // posix_openpt, unlockpt and ptsname as Linux spells them (Swift's Glibc module leaves those out):
        // open the multiplexer, clear the lock (TIOCSPTLCK), ask for the number (TIOCGPTN).
        primary = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard primary >= 0, ioctl(primary, UInt(0x4004_5431), &unlock) == 0, ioctl(primary, UInt(0x8004_5430), &number) == 0 else {
            throw PseudoTerminalError.cannotOpen(String(cString: strerror(errno)))
        }
        let path = "/dev/pts/\(number)"
        guard let secondary = FileHandle(forUpdatingAtPath: path) else { throw PseudoTerminalError.cannotOpen(path) }
        process.executableURL = ProgramRunner.url(of: program)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["NO_COLOR"] = "1"
        env["LANG"] = "C.UTF-8"
        // As ProgramRunner: a test laptop's passphrase, and no key cached between tests.
        env["VELDWERK_PASSPHRASE"] = env["VELDWERK_PASSPHRASE"] ?? "test-passphrase"
        env["VELDWERK_PASSPHRASE_CACHE_MINUTES"] = env["VELDWERK_PASSPHRASE_CACHE_MINUTES"] ?? "0"
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardInput = secondary
        process.standardOutput = secondary
        process.standardError = secondary
        try process.run()
        try? secondary.close()
        let descriptor = primary
        let thread = Thread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                guard count > 0 else { return }
                self?.append(Array(buffer[0..<count]))
            }
        }
        reader = thread
        thread.start()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        close(primary)
    }

    private func append(_ bytes: [UInt8]) {
        lock.lock()
        screen += String(decoding: bytes, as: UTF8.self)
        lock.unlock()
    }

    /// Everything the program wrote so far, escape sequences included.
    public var output: String {
        lock.lock()
        defer { lock.unlock() }
        return screen
    }

    /// Types text as a person would: the bytes a terminal sends (`"\u{1B}[D"` is the Left arrow, `"\r"` Enter).
    public func type(_ keys: String) {
        let bytes = Array(keys.utf8)
        _ = bytes.withUnsafeBufferPointer { write(primary, $0.baseAddress, $0.count) }
    }

    /// Waits until the output holds `text` after `start` characters of it (a prompt), or throws after `timeout` seconds.
    @discardableResult
    public func waitFor(_ text: String, after start: Int = 0, timeout: TimeInterval = 30) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let current = output
            let tail = current.dropFirst(min(start, current.count))
            if let range = tail.range(of: text) { return current.distance(from: current.startIndex, to: range.upperBound) }
            if !process.isRunning { break }
            usleep(20_000)
        }
        throw PseudoTerminalError.timeout(waitingFor: text, output: String(output.suffix(2000)))
    }

    /// Waits for the program to end; returns its exit status.
    public func finish(timeout: TimeInterval = 30) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            throw PseudoTerminalError.timeout(waitingFor: "the program to end", output: String(output.suffix(2000)))
        }
        return process.terminationStatus
    }
}

public enum PseudoTerminalError: Error, CustomStringConvertible {
    case cannotOpen(String)
    case timeout(waitingFor: String, output: String)

    public var description: String {
        switch self {
        case .cannotOpen(let reason): return "Could not open a pseudo-terminal: \(reason)"
        case .timeout(let text, let output): return "Timed out waiting for \(text); the terminal shows:\n\(output)"
        }
    }
}
