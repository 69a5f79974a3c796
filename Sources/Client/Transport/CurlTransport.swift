import CCurl
import Foundation

/// ``HTTPTransport`` over libcurl: timeouts, low-speed abort, gzip, and proxy/CA settings from the environment.
///
/// `curl_easy_perform` blocks its thread, so transfers run on a private serial queue and resume
/// the caller's continuation; never on the cooperative pool.
final class CurlTransport: HTTPTransport {
    /// Seconds to wait for a connection.
    let connectTimeout: Int
    /// Abort when fewer than 1 byte/s moved for this many seconds.
    let lowSpeedSeconds: Int
    /// Seconds for the whole transfer.
    let totalTimeout: Int
    /// CA file, pinned key, and whether plain HTTP to another machine is allowed.
    let security: TransportSecurity
    private let queue = DispatchQueue(label: "veldwerk.curl")

    init(connectTimeout: Int = 10, lowSpeedSeconds: Int = 30, totalTimeout: Int = 300, security: TransportSecurity = TransportSecurity()) {
        CurlTransport.initialiseOnce
        self.connectTimeout = connectTimeout
        self.lowSpeedSeconds = lowSpeedSeconds
        self.totalTimeout = totalTimeout
        self.security = security
    }

    private static let initialiseOnce: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    func perform(_ request: TransportRequest) async throws -> TransportResponse {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.performBlocking(request) })
            }
        }
    }

    private func performBlocking(_ request: TransportRequest) throws -> TransportResponse {
        if let refusal = security.refusal(for: request.url) { throw refusal }
        guard let handle = curl_easy_init() else { throw ClientError.transport("libcurl could not start a transfer") }
        defer { curl_easy_cleanup(handle) }

        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }
        for (name, value) in request.headers {
            headers = curl_slist_append(headers, "\(name): \(value)")
        }
        headers = curl_slist_append(headers, "Expect:")

        let sink = CurlSink()
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }

        var setup = [
            ccurl_setopt_string(handle, CURLOPT_URL, request.url),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeout),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, lowSpeedSeconds),
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT, totalTimeout),
            ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""),
            ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
            ccurl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, curlWrite),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()),
        ]
        setup += securityOptions(handle)
        switch request.method {
        case "GET":
            setup.append(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case "POST":
            setup.append(ccurl_setopt_long(handle, CURLOPT_POST, 1))
        default:
            setup.append(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if let body = request.body {
            setup.append(ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count))
            setup.append(body.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "") }
                return ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
            })
        }
        if let failed = setup.first(where: { $0 != CURLE_OK }) {
            throw ClientError.transport("libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
        }

        let result = curl_easy_perform(handle)
        guard result == CURLE_OK else { throw failure(result, url: request.url) }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        // CURLINFO_REQUEST_SIZE counts the request line, headers and the body sent with them.
        var requestBytes = 0, responseHeaderBytes = 0
        var downloaded: curl_off_t = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestBytes)
        _ = ccurl_getinfo_long(handle, CURLINFO_HEADER_SIZE, &responseHeaderBytes)
        _ = ccurl_getinfo_offset(handle, CURLINFO_SIZE_DOWNLOAD_T, &downloaded)
        return TransportResponse(status: status, body: sink.data, bytesSent: requestBytes, bytesReceived: responseHeaderBytes + Int(downloaded))
    }
}

/// Collects a response body; handed to libcurl as `CURLOPT_WRITEDATA`, used from the transfer's thread only.
private final class CurlSink {
    var data = Data()
}

/// libcurl's write callback: appends to the ``CurlSink`` passed as `CURLOPT_WRITEDATA`. Non-capturing, as C requires.
private func curlWrite(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let data, let context else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(context).takeUnretainedValue()
    sink.data.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
    return length
}
