import Shared

/// Compact JSON written straight into bytes, without an encoder per value (an export writes millions).
enum JSONText {
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(34)
        for byte in text.utf8 {
            switch byte {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 9: out += [92, 116]
            case 0..<32:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out += [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(34)
    }

    static func appendValue(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .int(let number): out += Array(String(number).utf8)
        case .double(let number): out += Array((number.isFinite ? number.description : "null").utf8)
        case .string(let text): appendString(text, to: &out)
        case .array(let items):
            out.append(91)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(44) }
                appendValue(item, to: &out)
            }
            out.append(93)
        case .object(let members):
            out.append(123)
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(44) }
                appendString(key, to: &out)
                out.append(58)
                appendValue(members[key] ?? .null, to: &out)
            }
            out.append(125)
        }
    }

    /// Appends `"key":` (after a comma unless `first`).
    static func appendKey(_ key: String, first: Bool = false, to out: inout [UInt8]) {
        if !first { out.append(44) }
        appendString(key, to: &out)
        out.append(58)
    }

    /// Appends `"key":"value"` or `"key":null`.
    static func appendMember(_ key: String, _ value: String?, to out: inout [UInt8]) {
        appendKey(key, to: &out)
        if let value { appendString(value, to: &out) } else { out += Array("null".utf8) }
    }
}
