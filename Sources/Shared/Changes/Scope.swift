import Foundation

/// A bucket of changes that carries authorisation and partial replication.
///
/// `global` holds the questionnaire and the roster; `municipality:<nis>` holds everything about
/// one sampled municipality (its assignment, case, contact attempts and interviews).
public struct Scope: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        if rawValue == "global" {
            self.rawValue = rawValue
        } else if rawValue.hasPrefix(Scope.municipalityPrefix),
            Scope.isNIS(rawValue.dropFirst(Scope.municipalityPrefix.count))
        {
            self.rawValue = rawValue
        } else {
            return nil
        }
    }

    /// The sentence that refuses `text` as a NIS code, in the program's language.
    public static func notNISSentence(_ text: String) -> String {
        localized(nl: "\"\(text)\" is geen NIS-code (vijf cijfers, bv. 11001).", en: "\"\(text)\" is not a NIS code (five digits, e.g. 11001).")
    }

    /// A NIS code is five digits.
    public static func isNIS(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 5 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static let municipalityPrefix = "municipality:"

    public static let global = Scope(unchecked: "global")

    /// The scope of one municipality's fieldwork.
    public static func municipality(_ nis: String) -> Scope {
        Scope(unchecked: municipalityPrefix + nis)
    }

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    /// The NIS code, for a municipality scope.
    public var municipalityNIS: String? {
        rawValue.hasPrefix(Scope.municipalityPrefix) ? String(rawValue.dropFirst(Scope.municipalityPrefix.count)) : nil
    }

    public var description: String { rawValue }

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let scope = Scope(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a scope (global or municipality:<5-digit NIS>).")
            )
        }
        self = scope
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
