import Foundation

/// A hybrid logical clock timestamp (Kulkarni et al. 2014): wall milliseconds, a counter, and the device.
///
/// Timestamps are totally ordered: by wall time, then counter, then device id. The ``encoded``
/// text sorts exactly like the clock (fixed-width hex, then the device id), so a database can
/// order and compare timestamps as plain strings.
public struct HLC: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Physical part: milliseconds since 1970 as the clock last saw them.
    public var wall: Int64
    /// Logical part: orders events within one millisecond.
    public var counter: UInt32
    /// The device that made the timestamp; breaks ties so no two devices share a timestamp.
    public var device: DeviceID

    public init(wall: Int64, counter: UInt32, device: DeviceID) {
        self.wall = wall
        self.counter = counter
        self.device = device
    }

    public static func < (lhs: HLC, rhs: HLC) -> Bool {
        if lhs.wall != rhs.wall { return lhs.wall < rhs.wall }
        if lhs.counter != rhs.counter { return lhs.counter < rhs.counter }
        return lhs.device < rhs.device
    }

    /// `0000018f2a3b4c5d-00000000-d-3f9a0c2b7e41`: 16 hex digits of wall time, 8 of counter, the device.
    public var encoded: String {
        let digits: StaticString = "0123456789abcdef"
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 26)
        digits.withUTF8Buffer { hex in
            var value = UInt64(bitPattern: wall)
            for index in stride(from: 15, through: 0, by: -1) {
                bytes[index] = hex[Int(value & 0xf)]
                value >>= 4
            }
            var count = counter
            for index in stride(from: 24, through: 17, by: -1) {
                bytes[index] = hex[Int(count & 0xf)]
                count >>= 4
            }
        }
        bytes.append(contentsOf: device.rawValue.utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { encoded }

    /// Parses the ``encoded`` form; `nil` when the text is not one.
    public init?(encoded text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count > 26, utf8[16] == UInt8(ascii: "-"), utf8[25] == UInt8(ascii: "-") else { return nil }
        guard let wall = UInt64(String(decoding: utf8[0..<16], as: UTF8.self), radix: 16),
            let counter = UInt32(String(decoding: utf8[17..<25], as: UTF8.self), radix: 16),
            let device = DeviceID(rawValue: String(decoding: utf8[26...], as: UTF8.self)),
            wall <= UInt64(Int64.max)
        else { return nil }
        self.init(wall: Int64(wall), counter: counter, device: device)
    }
}

extension HLC: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let clock = HLC(encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a clock timestamp."))
        }
        self = clock
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoded)
    }
}
