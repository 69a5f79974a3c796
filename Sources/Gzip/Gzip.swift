import CGzip
import Foundation

/// gzip (RFC 1952) over zlib, for HTTP bodies: `Content-Encoding: gzip` on requests and responses.
public enum Gzip {
    /// Compresses `data` into one gzip member.
    ///
    /// - Parameter level: zlib's level, 1 (fast) to 9 (small); 6 is zlib's default.
    public static func compress(_ data: Data, level: Int32 = 6) throws(GzipError) -> Data {
        var stream = z_stream()
        guard cgzip_deflate_init_gzip(&stream, level) == Z_OK else { throw GzipError.failed("deflate could not start") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 32
        var output = Data(count: bound)
        var input = data
        let status = input.withUnsafeMutableBytes { (source: UnsafeMutableRawBufferPointer) -> Int32 in
            output.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) -> Int32 in
                stream.next_in = source.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw GzipError.failed("deflate stopped with status \(status)") }
        output.count = Int(stream.total_out)
        return output
    }

    /// Decompresses gzip data, refusing to produce more than `limit` bytes (a small body must not
    /// unfold into gigabytes).
    public static func decompress(_ data: Data, limit: Int) throws(GzipError) -> Data {
        var stream = z_stream()
        guard cgzip_inflate_init_gzip(&stream) == Z_OK else { throw GzipError.failed("inflate could not start") }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = data
        var status: Int32 = Z_OK
        let outcome: GzipError? = input.withUnsafeMutableBytes { (source: UnsafeMutableRawBufferPointer) -> GzipError? in
            stream.next_in = source.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(source.count)
            repeat {
                let produced = chunk.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) -> Int in
                    stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(target.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return target.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    return .corrupt(status == Z_BUF_ERROR ? "the gzip data ends early" : "zlib status \(status)")
                }
                guard output.count + produced <= limit else { return .tooLarge(limit: limit) }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_OK && produced == 0 && stream.avail_in == 0 { return .corrupt("the gzip data ends early") }
            } while status != Z_STREAM_END
            return nil
        }
        if let outcome { throw outcome }
        return output
    }

    /// Whether the data starts with gzip's magic bytes.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }
}

/// Why a gzip body could not be made or read.
public enum GzipError: Error, Equatable, CustomStringConvertible {
    case failed(String)
    case corrupt(String)
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .failed(let detail): return "gzip failed: \(detail)"
        case .corrupt(let detail): return "the body is not valid gzip: \(detail)"
        case .tooLarge(let limit): return "the body unpacks to more than \(limit / 1024 / 1024) MiB"
        }
    }
}
