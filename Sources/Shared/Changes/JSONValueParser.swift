/// Parses the JSON text of stored field values into ``JSONValue`` without a `JSONDecoder` per value:
/// exports decode millions of them and every pull thousands, and this is several times faster.
///
/// It reads numbers the way `JSONValue`'s `Codable` conformance does: an integral number that fits
/// `Int64` (even written `3.0` or `1e2`) is `.int`, any other number `.double`.
///
/// Nesting is limited to ``maxDepth`` arrays and objects: deeper text is refused as soon as the
/// parser reaches the level past the limit, so untrusted input can neither overflow the stack nor
/// cost more than one pass over its bytes.
package struct JSONValueParser {
    /// The deepest nesting of arrays and objects accepted anywhere a value is read.
    package static let maxDepth = 64

    private let bytes: [UInt8]
    private let limit: Int
    private var index = 0
    private var depth = 0

    /// The value of `text`; throws ``Failure`` for text that is not one complete JSON value.
    package static func parse(_ text: String) throws -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    /// Like ``parse(bytes:)`` for a message whose values sit `envelope` levels deep (a sync body:
    /// the root object, the change array, the change): each value still gets ``maxDepth``.
    package static func parse(bytes: [UInt8], envelope: Int) throws -> JSONValue {
        var parser = JSONValueParser(bytes: bytes, limit: maxDepth + envelope)
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw Failure(offset: parser.index) }
        return value
    }

    /// The value of UTF-8 `bytes`; see ``parse(_:)``.
    package static func parse(bytes: [UInt8]) throws -> JSONValue {
        try parse(bytes: bytes, envelope: 0)
    }

    package struct Failure: Error, CustomStringConvertible {
        package var offset: Int
        /// The text nests arrays and objects deeper than ``JSONValueParser/maxDepth``.
        package var tooDeep = false
        package var description: String {
            tooDeep
                ? "JSON nested more than \(JSONValueParser.maxDepth) arrays or objects deep at byte \(offset); send flatter values"
                : "invalid JSON at byte \(offset)"
        }
    }

    /// Enters one more array or object; throws past the limit.
    private mutating func enter() throws {
        depth += 1
        guard depth <= limit else { throw Failure(offset: index, tooDeep: true) }
    }

    private init(bytes: [UInt8], limit: Int) {
        self.bytes = bytes
        self.limit = limit
    }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 32 || bytes[index] == 10 || bytes[index] == 13 || bytes[index] == 9 { index += 1 }
    }

    private mutating func value() throws -> JSONValue {
        skipSpace()
        guard index < bytes.count else { throw Failure(offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            try enter()
            defer { depth -= 1 }
            index += 1
            var members: [String: JSONValue] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Failure(offset: index) }
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                members[key] = try value()
                skipSpace()
                if try separatorOrEnd(UInt8(ascii: "}")) { return .object(members) }
            }
        case UInt8(ascii: "["):
            try enter()
            defer { depth -= 1 }
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                items.append(try value())
                skipSpace()
                if try separatorOrEnd(UInt8(ascii: "]")) { return .array(items) }
            }
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return try number()
        }
    }

    /// After an item: true at the closing byte, false after a comma.
    private mutating func separatorOrEnd(_ close: UInt8) throws -> Bool {
        guard index < bytes.count else { throw Failure(offset: index) }
        if bytes[index] == close {
            index += 1
            return true
        }
        try expect(UInt8(ascii: ","))
        return false
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard index < bytes.count, bytes[index] == byte else { throw Failure(offset: index) }
        index += 1
    }

    private mutating func literal(_ word: String) throws {
        for byte in word.utf8 { try expect(byte) }
    }

    private mutating func number() throws -> JSONValue {
        let start = index
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 48 && byte <= 57 {
                index += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "-")
            {
                integral = false
                index += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let value = Int64(text) { return .int(value) }
        guard let value = Double(text), value.isFinite, index > start else { throw Failure(offset: start) }
        if value == value.rounded(), abs(value) < 9.2e18, let exact = Int64(exactly: value) { return .int(exact) }
        return .double(value)
    }

    private mutating func string() throws -> String {
        index += 1  // opening quote
        var scalars: [UInt8] = []
        let start = index
        // Fast path: no escapes.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
        guard index < bytes.count else { throw Failure(offset: index) }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        scalars.append(contentsOf: bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw Failure(offset: index) }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(8)
                case UInt8(ascii: "f"): scalars.append(12)
                case UInt8(ascii: "n"): scalars.append(10)
                case UInt8(ascii: "r"): scalars.append(13)
                case UInt8(ascii: "t"): scalars.append(9)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw Failure(offset: index - 1)
                }
            default:
                scalars.append(byte)
            }
        }
        throw Failure(offset: index)
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Failure(offset: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw Failure(offset: index - 1)
            }
            value = value << 4 | digit
        }
        return value
    }
}
