import CCurl
import CommandLineOptions
import Foundation
import Shared

/// What a download brought: the status, the response headers (names lower-cased), the bytes written
/// to the file, and, for an error status, the body instead (it is not written to the file).
struct DownloadResult: Sendable, Equatable {
    var status: Int
    var headers: [String: String]
    var bytes: Int64
    var errorBody: Data
}

extension CurlTransport {
    /// Streams a response body into `file` as it arrives, calling `progress` with the bytes so far.
    ///
    /// Memory stays flat whatever the size: libcurl's write callback appends each chunk to the file.
    /// A non-2xx answer's body is kept in ``DownloadResult/errorBody`` and the file stays empty.
    /// Like ``perform(_:)`` the blocking transfer runs on a private serial queue, never the cooperative pool;
    /// there is no total timeout (an export may take minutes), only the low-speed abort.
    func download(
        _ request: TransportRequest, to file: URL, progress: @escaping @Sendable (Int64) -> Void
    ) async throws -> DownloadResult {
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let handle = FileHandle(forWritingAtPath: file.path) else {
            throw ClientError.invalidInput(localized(
                nl: "Kan \(file.path) niet schrijven: controleer of de map bestaat en beschrijfbaar is.",
                en: "Cannot write \(file.path): check that the folder exists and is writable."
            ))
        }
        defer { try? handle.close() }
        return try await download(request, into: handle, progress: progress)
    }

    /// Streams a response body into an open file, as ``download(_:to:progress:)`` does; the caller
    /// owns the handle (``OutputFile`` passes its temporary file) and closes it.
    func download(
        _ request: TransportRequest, into handle: FileHandle, progress: @escaping @Sendable (Int64) -> Void
    ) async throws -> DownloadResult {
        try await withCheckedThrowingContinuation { continuation in
            Self.downloadQueue.async {
                continuation.resume(with: Result {
                    try self.downloadBlocking(request, sink: DownloadSink(handle: handle, progress: progress))
                })
            }
        }
    }

    /// Downloads run one at a time on their own serial queue.
    private static let downloadQueue = DispatchQueue(label: "veldwerk.curl.download")

    private func downloadBlocking(_ request: TransportRequest, sink: DownloadSink) throws -> DownloadResult {
        if let refusal = security.refusal(for: request.url) { throw refusal }
        guard let handle = curl_easy_init() else { throw ClientError.transport("libcurl could not start a transfer") }
        defer { curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }
        for (name, value) in request.headers {
            headers = curl_slist_append(headers, "\(name): \(value)")
        }
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }

        var setup = [
            ccurl_setopt_string(handle, CURLOPT_URL, request.url),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1),
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeout),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, lowSpeedSeconds),
            ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""),
            ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
            ccurl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, downloadWrite),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()),
            // The header callback has the write callback's signature.
            ccurl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, downloadHeader),
            ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque()),
        ]
        setup += securityOptions(handle)
        if let failed = setup.first(where: { $0 != CURLE_OK }) {
            throw ClientError.transport("libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
        }
        let result = curl_easy_perform(handle)
        if let error = sink.writeError {
            throw ClientError.invalidInput(localized(nl: "Kon de download niet schrijven: ", en: "Could not write the download: ") + error.localizedDescription)
        }
        guard result == CURLE_OK else { throw failure(result, url: request.url) }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return DownloadResult(status: status, headers: sink.headers, bytes: sink.bytes, errorBody: sink.errorBody)
    }
}

/// The state of one download, handed to libcurl as the write and header data; used from the transfer's thread only.
private final class DownloadSink {
    let handle: FileHandle
    let progress: @Sendable (Int64) -> Void
    var status = 0
    var headers: [String: String] = [:]
    var bytes: Int64 = 0
    var errorBody = Data()
    var writeError: (any Error)?

    init(handle: FileHandle, progress: @escaping @Sendable (Int64) -> Void) {
        self.handle = handle
        self.progress = progress
    }

    var isSuccess: Bool { (200..<300).contains(status) }
}

/// libcurl's header callback: notes the status line (a new one starts a new header block) and each header.
private func downloadHeader(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let data, let context else { return 0 }
    let sink = Unmanaged<DownloadSink>.fromOpaque(context).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    if line.hasPrefix("HTTP/") {
        let parts = line.split(separator: " ")
        sink.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        sink.headers = [:]
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        sink.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return length
}

/// libcurl's write callback: a success body goes to the file, an error body to memory. Non-capturing, as C requires.
private func downloadWrite(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let data, let context else { return 0 }
    let sink = Unmanaged<DownloadSink>.fromOpaque(context).takeUnretainedValue()
    let chunk = Data(bytes: data, count: length)
    if sink.isSuccess {
        do {
            try sink.handle.write(contentsOf: chunk)
        } catch {
            sink.writeError = error
            return 0  // aborts the transfer
        }
        sink.bytes += Int64(length)
        sink.progress(sink.bytes)
    } else if sink.errorBody.count < 1024 * 1024 {
        sink.errorBody.append(chunk)
    }
    return length
}
