import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file an export writes (`--out`), for `veldwerk export` and `veldwerk-server export` alike.
///
/// It is never a folder, never an existing file unless the person said `--force`, and never half
/// written: ``write(_:)`` writes into a temporary file in the same folder, flushes it to disk
/// (`fsync`), then renames it over the target. When anything fails first (a server error, a dropped
/// download, a full disk) the temporary file is removed and whatever was at the target stays as it was.
///
/// ```swift
/// let file = try OutputFile(path: "studie.csv", force: false)
/// try await file.write { handle in try handle.write(contentsOf: bytes) }
/// ```
public struct OutputFile: Sendable {
    /// Where the file ends up.
    public let url: URL
    /// Whether an existing file at ``url`` may be replaced.
    public let force: Bool

    /// Checks that `path` may be written: its folder exists, it is not a folder, and it is not an
    /// existing file unless `force`.
    /// - Throws: ``OutputFileError`` saying what is wrong and what to do; nothing is touched.
    public init(path: String, force: Bool) throws {
        guard !path.isEmpty else { throw OutputFileError.noPath }
        guard !path.hasSuffix("/") else { throw OutputFileError.isFolder(path) }
        url = URL(fileURLWithPath: path)
        self.force = force
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            if isFolder.boolValue { throw OutputFileError.isFolder(path) }
            if !force { throw OutputFileError.exists(path) }
        }
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw OutputFileError.noFolder(folder)
        }
    }

    /// Runs `body` with a handle on a new temporary file beside the target; when it returns, makes the
    /// file durable and moves it into place in one step. When `body` (or the move) throws, the
    /// temporary file is removed, the target is left as it was, and the error is rethrown.
    public func write<Result>(_ body: (FileHandle) async throws -> Result) async throws -> Result {
        let folder = url.deletingLastPathComponent()
        var template = Array(folder.appendingPathComponent(".\(url.lastPathComponent).partial-XXXXXX").path.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw OutputFileError.cannotWrite(folder.path, Self.reason(errno)) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        var closed = false
        defer { if !closed { close(descriptor) } }
        do {
            // A replaced file keeps its permissions; a new one is readable by its owner only (mkstemp's 0600),
            // as an export may hold personal data.
            if force, let mode = try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int {
                fchmod(descriptor, mode_t(mode))
            }
            let result = try await body(handle)
            guard fsync(descriptor) == 0 else { throw OutputFileError.cannotWrite(url.path, Self.reason(errno)) }
            closed = true
            guard close(descriptor) == 0 else { throw OutputFileError.cannotWrite(url.path, Self.reason(errno)) }
            try place(temporary)
            Self.syncFolder(folder.path)
            return result
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Moves the finished temporary file to the target: `rename` replaces an existing file in one step;
    /// without `force`, `link` puts it in place only if nothing has appeared at the target meanwhile.
    private func place(_ temporary: String) throws {
        if force {
            guard rename(temporary, url.path) == 0 else { throw OutputFileError.cannotWrite(url.path, Self.reason(errno)) }
            return
        }
        if link(temporary, url.path) == 0 {
            unlink(temporary)
            return
        }
        let failure = errno
        if failure == EEXIST { throw OutputFileError.exists(url.path) }
        // A file system without hard links: check, then rename (a file created in between would be replaced).
        guard [EPERM, ENOTSUP, EOPNOTSUPP, EMLINK, EXDEV].contains(failure) else {
            throw OutputFileError.cannotWrite(url.path, Self.reason(failure))
        }
        guard !FileManager.default.fileExists(atPath: url.path) else { throw OutputFileError.exists(url.path) }
        guard rename(temporary, url.path) == 0 else { throw OutputFileError.cannotWrite(url.path, Self.reason(errno)) }
    }

    /// Flushes the folder's entry for the renamed file, so the new name survives a power cut.
    private static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// Why an export cannot write its `--out` file, in a sentence that says what to do.
public enum OutputFileError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case noPath
    /// The path is a folder: an export never replaces a folder.
    case isFolder(String)
    /// A file exists there and `--force` was not given.
    case exists(String)
    /// The folder the file would go in does not exist.
    case noFolder(String)
    /// The file system refused: the path and the system's reason.
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .noPath:
            return "--out needs a file name, e.g. --out studie.csv."
        case .isFolder(let path):
            return "\(path) is a folder; an export writes one file and never replaces a folder. Name a file, e.g. --out \(path.hasSuffix("/") ? path : path + "/")export.csv."
        case .exists(let path):
            return "\(path) exists already; nothing was written. Add --force to replace it (only once the new export is complete), or choose another --out."
        case .noFolder(let folder):
            return "The folder \(folder) does not exist; create it first or choose another --out."
        case .cannotWrite(let path, let reason):
            return "Could not write \(path): \(reason). Nothing was replaced."
        }
    }

    public var errorDescription: String? { description }
}
