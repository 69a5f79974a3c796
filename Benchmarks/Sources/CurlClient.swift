import CCurl
import Foundation

/// Blocking HTTP over libcurl for the harness's simulated laptops: one transfer per call, on the
/// caller's thread (the harness runs laptops on threads of its own, never on the async pool).
enum CurlClient {
    struct Response {
        var status: Int
        var body: Data
        /// Bytes on the wire both ways, headers included.
        var sent: Int
        var received: Int
        var seconds: Double
    }

    private static let initialise: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Performs one request; `gzip` sends the body with `Content-Encoding: gzip`.
    static func perform(_ method: String, _ url: String, token: String?, body: Data?, contentType: String = "application/json", gzip: Bool = false) throws -> Response {
        initialise
        guard let handle = curl_easy_init() else { throw BenchError("libcurl could not start a transfer") }
        defer { curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }
        var lines = ["Accept: application/json", "Expect:"]
        if let token { lines.append("Authorization: Bearer \(token)") }
        if body != nil { lines.append("Content-Type: \(contentType)") }
        if gzip { lines.append("Content-Encoding: gzip") }
        for line in lines { headers = curl_slist_append(headers, line) }
        let sink = Sink()
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var setup = [
            ccurl_setopt_string(handle, CURLOPT_URL, url),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT, 120),
            ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""),
            ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
            ccurl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, sinkWrite),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()),
        ]
        if method != "GET" && method != "POST" { setup.append(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)) }
        if let body {
            setup.append(ccurl_setopt_long(handle, CURLOPT_POST, 1))
            setup.append(ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count))
            setup.append(body.withUnsafeBytes { bytes in
                ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            })
        }
        guard setup.allSatisfy({ $0 == CURLE_OK }) else { throw BenchError("libcurl refused an option") }
        let start = ContinuousClock.now
        let result = curl_easy_perform(handle)
        let seconds = Stopwatch.seconds(ContinuousClock.now - start)
        guard result == CURLE_OK else { throw BenchError("\(String(cString: curl_easy_strerror(result))) (\(method) \(url))") }
        // CURLINFO_REQUEST_SIZE counts the request line, headers and the body sent with them.
        var status = 0, requestBytes = 0, responseHeaders = 0
        var downloaded: curl_off_t = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = ccurl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestBytes)
        _ = ccurl_getinfo_long(handle, CURLINFO_HEADER_SIZE, &responseHeaders)
        _ = ccurl_getinfo_offset(handle, CURLINFO_SIZE_DOWNLOAD_T, &downloaded)
        return Response(
            status: status, body: sink.data, sent: requestBytes, received: responseHeaders + Int(downloaded), seconds: seconds
        )
    }

    /// A JSON call that must succeed; decodes the answer.
    static func json<T: Decodable>(_ type: T.Type, _ method: String, _ url: String, token: String?, body: Data?, contentType: String = "application/json") throws -> T {
        let response = try perform(method, url, token: token, body: body, contentType: contentType)
        guard (200..<300).contains(response.status) else {
            throw BenchError("\(method) \(url) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: response.body)
    }

    private final class Sink {
        var data = Data()
    }

    private static let sinkWrite: ccurl_write_callback = { data, size, count, context in
        let length = size * count
        guard let data, let context else { return 0 }
        Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().data.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
        return length
    }
}
