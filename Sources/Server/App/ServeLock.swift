import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock on a data folder (`serve.lock`, `flock(2)`): every running `serve` holds it shared,
/// and `restore` needs it alone, so a database is never replaced under a running server. The kernel
/// drops the lock when the process ends, however it ends (SIGKILL included): no stale lock files.
final class ServeLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Holds the folder's lock shared, for a server's lifetime.
    static func serving(_ folder: URL) throws -> ServeLock {
        try lock(folder, operation: LOCK_SH)
    }

    /// Holds the folder's lock alone, or fails at once with ``BackupError/serverRunning(_:)`` while a server runs on it.
    static func exclusive(_ folder: URL) throws -> ServeLock {
        try lock(folder, operation: LOCK_EX)
    }

    private static func lock(_ folder: URL, operation: Int32) throws -> ServeLock {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("serve.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        guard flock(descriptor, operation | LOCK_NB) == 0 else {
            close(descriptor)
            throw BackupError.serverRunning(folder.path)
        }
        return ServeLock(descriptor: descriptor)
    }
}
