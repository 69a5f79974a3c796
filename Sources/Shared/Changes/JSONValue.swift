import Foundation

/// A JSON value with a type: the payload of a change (an answer, a status, a record).
///
/// Numbers keep integers apart from decimals so an `integer` answer round-trips as `3`, not `3.0`.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    /// Decodes any JSON value; refuses one nested deeper than ``JSONValueParser/maxDepth`` levels
    /// below the top of the document plus a few for the message around it, before recursing further.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard decoder.codingPath.count <= JSONValueParser.maxDepth + Self.envelopeDepth else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "JSON nested more than \(JSONValueParser.maxDepth) arrays or objects deep; send flatter values"
            )
        }
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// The levels of a message around the values it carries (a sync body: root, change array, change, value).
    static let envelopeDepth = 4

    /// The string inside, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number inside as a `Double`, for integers and decimals alike.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The strings inside, if this is an array of strings (a `select_multiple` answer).
    public var stringArrayValue: [String]? {
        guard case .array(let items) = self else { return nil }
        var strings: [String] = []
        for item in items {
            guard case .string(let value) = item else { return nil }
            strings.append(value)
        }
        return strings
    }

    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Compact JSON text with sorted keys: the canonical form stored in logs and compared for equality.
    ///
    /// Scalars (and strings that need no escaping) are written directly, byte for byte what the
    /// encoder would write; the rest goes through `JSONEncoder`.
    public var canonicalJSON: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .string(let value) where Self.needsNoEscaping(value): return "\"" + value + "\""
        default:
            var writer = JSONWriter()
            writeCanonicalJSON(to: &writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }

    /// Writes ``canonicalJSON``: keys sorted, slashes not escaped, decimals as `JSONEncoder` writes them.
    func writeCanonicalJSON(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let value): writer.bool(value)
        case .int(let value): writer.int(value)
        case .double: writer.raw(encodedCanonicalJSON)
        case .string(let value): writer.string(value, escapingSlashes: false)
        case .array(let items): writer.array(items) { writer, item in item.writeCanonicalJSON(to: &writer) }
        case .object(let members):
            writer.byte("{")
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { writer.byte(",") }
                writer.string(member.key, escapingSlashes: false)
                writer.byte(":")
                member.value.writeCanonicalJSON(to: &writer)
            }
            writer.byte("}")
        }
    }

    /// The canonical text as `JSONEncoder` writes it (the reference for the fast paths above).
    var encodedCanonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses JSON text into a value.
    ///
    /// The forms ``canonicalJSON`` writes directly (null, booleans, integers, strings without
    /// escapes) are read directly; the rest by ``JSONValueParser``, which reads what `JSONDecoder`
    /// would (tested against it).
    public init(json: String) throws {
        switch json {
        case "null": self = .null
        case "true": self = .bool(true)
        case "false": self = .bool(false)
        default:
            let utf8 = json.utf8
            if utf8.count >= 2, utf8.first == UInt8(ascii: "\""), utf8.last == UInt8(ascii: "\""),
                case let inner = String(json.dropFirst().dropLast()), Self.needsNoEscaping(inner)
            {
                self = .string(inner)
            } else if let value = Int64(json), String(value) == json {
                self = .int(value)
            } else {
                self = try JSONValueParser.parse(json)
            }
        }
    }

    /// Whether a string is written as it is between quotes: no quote, backslash, slash or control character.
    static func needsNoEscaping(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "/") && $0 != 0x7f }
    }
}
