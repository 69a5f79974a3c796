import Foundation

/// Identifies a change: the device that wrote it and that device's sequence number.
///
/// On the wire it is the text `device:seq` (`d-3f9a0c2b7e41:17`). The server deduplicates pushes by it.
public struct ChangeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var device: DeviceID
    public var seq: Int64

    public init(device: DeviceID, seq: Int64) {
        self.device = device
        self.seq = seq
    }

    public var description: String { "\(device.rawValue):\(seq)" }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"),
            let device = DeviceID(rawValue: String(text[..<colon])),
            let seq = Int64(text[text.index(after: colon)...]), seq > 0
        else { return nil }
        self.init(device: device, seq: seq)
    }

    public static func < (lhs: ChangeID, rhs: ChangeID) -> Bool {
        (lhs.device, lhs.seq) < (rhs.device, rhs.seq)
    }
}

extension ChangeID: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ChangeID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a change id (device:seq with seq ≥ 1).")
            )
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
