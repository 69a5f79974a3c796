import Foundation

/// Identifies one laptop (or the server itself) that writes changes.
///
/// Device ids are short lowercase ASCII (`[a-z0-9-]`), so that byte order, string order and
/// SQLite's `BINARY` collation agree; that keeps the encoded ``HLC`` ordered like the clock.
public struct DeviceID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        guard DeviceID.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// The server's own device, author of roster and questionnaire loads and of coordinator edits made on the server.
    public static let server = DeviceID(unchecked: "server")

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new random device id such as `d-3f9a0c2b7e41`.
    public static func random() -> DeviceID {
        let alphabet = Array("0123456789abcdef")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        return DeviceID(unchecked: "d-" + suffix)
    }

    public static func isValid(_ text: String) -> Bool {
        guard (1...64).contains(text.utf8.count) else { return false }
        return text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-")
        }
    }

    public static func < (lhs: DeviceID, rhs: DeviceID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = DeviceID(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "Device id \"\(text)\" must be 1–64 characters of a-z, 0-9 and '-'.")
            )
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
