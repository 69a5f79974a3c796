/// Writes JSON text byte by byte, for the sync protocol's hot path: a pull sends thousands of
/// changes, and their stored values are JSON already, so they are copied in rather than decoded
/// and encoded again.
///
/// What it writes decodes with `JSONDecoder` exactly as `JSONEncoder`'s output of the same value
/// does (tested); strings are escaped as `JSONEncoder` escapes them.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends JSON text as it is: the caller vouches for it being one JSON value.
    public mutating func raw(_ json: String) {
        bytes.append(contentsOf: json.utf8)
    }

    public mutating func raw(_ json: [UInt8]) {
        bytes.append(contentsOf: json)
    }

    /// Appends one ASCII punctuation byte (`{`, `,`, `:` …).
    public mutating func byte(_ character: Unicode.Scalar) {
        bytes.append(UInt8(ascii: character))
    }

    public mutating func null() {
        raw("null")
    }

    public mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    public mutating func int(_ value: Int64) {
        raw(String(value))
    }

    /// A string with quotes, escaped: quote, backslash, control characters and (unless told not to) slash.
    public mutating func string(_ text: String, escapingSlashes: Bool = true) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case UInt8(ascii: "/") where escapingSlashes: bytes.append(contentsOf: [0x5C, 0x2F])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":` inside an object, with the comma before it unless it is the first member.
    public mutating func key(_ name: String, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A JSON array of the items, each written by `write`.
    public mutating func array<Items: Sequence>(_ items: Items, _ write: (inout JSONWriter, Items.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            write(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

extension Change {
    /// The change as its wire JSON (what `JSONEncoder` writes for it), with `valueJSON` — the
    /// value's stored canonical JSON, or nil for no value — copied in as it is.
    public static func writeJSON(
        id: ChangeID, scope: String, entity: String, entityId: String, field: String, valueJSON: String?, hlc: String, base: String?,
        author: String, to writer: inout JSONWriter
    ) {
        writer.byte("{")
        writer.key("id", first: true)
        writer.string(id.description)
        writer.key("scope")
        writer.string(scope)
        writer.key("entity")
        writer.string(entity)
        writer.key("entityId")
        writer.string(entityId)
        writer.key("field")
        writer.string(field)
        writer.key("value")
        writer.raw(valueJSON ?? "null")
        writer.key("hlc")
        writer.string(hlc)
        if let base {
            writer.key("base")
            writer.string(base)
        }
        writer.key("author")
        writer.string(author)
        writer.byte("}")
    }

    /// This change as wire JSON through ``writeJSON(id:scope:entity:entityId:field:valueJSON:hlc:base:author:to:)``.
    public func writeJSON(to writer: inout JSONWriter) {
        Self.writeJSON(
            id: id, scope: scope.rawValue, entity: entity.rawValue, entityId: entityId, field: field, valueJSON: value?.canonicalJSON,
            hlc: hlc.encoded, base: base?.encoded, author: author.rawValue, to: &writer
        )
    }
}

extension SyncResponse {
    /// The response as JSON, with the pulled changes given as wire JSON already (``Change/writeJSON(to:)``).
    public static func writeJSON(
        accepted: [ChangeID], rejected: [Rejection], pull: [[UInt8]], cursors: [String: Int64], more: Bool, serverTime: Int64,
        revoked: Bool = false, logEpoch: String? = nil, to writer: inout JSONWriter
    ) {
        writer.byte("{")
        writer.key("accepted", first: true)
        writer.array(accepted) { $0.string($1.description) }
        writer.key("rejected")
        writer.array(rejected) { writer, rejection in
            writer.byte("{")
            writer.key("changeId", first: true)
            writer.string(rejection.changeId.description)
            writer.key("code")
            writer.string(rejection.code.rawValue)
            writer.key("reason")
            writer.string(rejection.reason)
            writer.byte("}")
        }
        writer.key("pull")
        writer.array(pull) { $0.raw($1) }
        writer.key("cursors")
        writer.byte("{")
        for (index, (scope, seq)) in cursors.sorted(by: { $0.key < $1.key }).enumerated() {
            writer.key(scope, first: index == 0)
            writer.int(seq)
        }
        writer.byte("}")
        writer.key("more")
        writer.bool(more)
        writer.key("serverTime")
        writer.int(serverTime)
        if revoked {
            writer.key("revoked")
            writer.bool(true)
        }
        if let logEpoch {
            writer.key("logEpoch")
            writer.string(logEpoch)
        }
        writer.byte("}")
    }
}
