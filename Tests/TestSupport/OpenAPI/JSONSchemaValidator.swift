import Foundation
import Shared

/// Checks JSON values against the schemas of an OpenAPI 3.0 document: the subset the document uses.
///
/// Supported: `$ref` (inside the document), `type` (object, array, string, integer, number, boolean),
/// `nullable`, `enum`, `properties`, `required`, `additionalProperties` (true, false or a schema),
/// `items`, `allOf`, `anyOf`, `oneOf`, `pattern`, `minLength`, `maxLength`, `minimum`, `maximum`,
/// and the formats `date-time`, `date` and `uuid` (others are annotations). A schema that uses any
/// other keyword is reported, so the document cannot drift past what this validator checks.
///
/// With `strictObjects`, an object schema without `additionalProperties` admits only the properties it
/// names: a response field the document does not describe is an error.
public struct JSONSchemaValidator: Sendable {
    /// The whole document, for `$ref`.
    public let document: JSONValue
    public var strictObjects: Bool

    static let checkedKeywords: Set<String> = [
        "$ref", "type", "nullable", "enum", "properties", "required", "additionalProperties", "items", "allOf", "anyOf", "oneOf",
        "pattern", "minLength", "maxLength", "minimum", "maximum", "format",
    ]
    static let annotations: Set<String> = ["description", "title", "example", "examples", "default", "readOnly", "writeOnly", "deprecated"]

    public init(document: JSONValue, strictObjects: Bool = false) {
        self.document = document
        self.strictObjects = strictObjects
    }

    /// Every way `value` breaks `schema`, as `path: what` lines; empty when it conforms.
    public func errors(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let keywords) = schema else { return ["\(path): the schema is not an object"] }
        var errors = keywords.keys.filter { !Self.checkedKeywords.contains($0) && !Self.annotations.contains($0) && !$0.hasPrefix("x-") }.sorted()
            .map { "\(path): the schema uses \"\($0)\", which this validator does not check" }
        if let reference = keywords["$ref"]?.stringValue {
            guard let target = resolve(reference) else { return errors + ["\(path): \(reference) does not resolve"] }
            return errors + self.errors(value, against: target, at: path)
        }
        if value == .null {
            if keywords["nullable"] == .bool(true) || keywords["type"] == nil {
                if let options = keywords["enum"], case .array(let allowed) = options, !allowed.contains(.null), keywords["nullable"] != .bool(true) {
                    errors.append("\(path): null is not one of the allowed values")
                }
                return errors
            }
            return errors + ["\(path): null where the document says \(keywords["type"]?.stringValue ?? "a value")"]
        }
        if let type = keywords["type"]?.stringValue, !Self.value(value, is: type) {
            return errors + ["\(path): \(Self.kind(of: value)) where the document says \(type)"]
        }
        if case .array(let allowed)? = keywords["enum"], !allowed.contains(where: { Self.same($0, value) }) {
            errors.append("\(path): \(value.canonicalJSON) is not one of \(JSONValue.array(allowed).canonicalJSON)")
        }
        errors += checkString(value, keywords, at: path)
        errors += checkNumber(value, keywords, at: path)
        errors += checkObject(value, keywords, at: path)
        if case .array(let items) = value, let itemSchema = keywords["items"] {
            for (index, item) in items.enumerated() { errors += self.errors(item, against: itemSchema, at: "\(path)[\(index)]") }
        }
        if case .array(let parts)? = keywords["allOf"] {
            for part in parts { errors += self.errors(value, against: part, at: path) }
        }
        if case .array(let options)? = keywords["anyOf"], !options.contains(where: { self.errors(value, against: $0, at: path).isEmpty }) {
            errors.append("\(path): matches none of the anyOf schemas")
        }
        if case .array(let options)? = keywords["oneOf"] {
            let matching = options.filter { self.errors(value, against: $0, at: path).isEmpty }.count
            if matching != 1 { errors.append("\(path): matches \(matching) of the oneOf schemas, not exactly one") }
        }
        return errors
    }

    /// The value a local reference (`#/components/schemas/Name`) points at.
    public func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = document
        for part in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node.objectValue?[key] else { return nil }
            node = next
        }
        return node
    }

    private func checkString(_ value: JSONValue, _ keywords: [String: JSONValue], at path: String) -> [String] {
        guard case .string(let text) = value else { return [] }
        var errors: [String] = []
        if let minimum = keywords["minLength"]?.doubleValue, Double(text.count) < minimum { errors.append("\(path): shorter than \(Int(minimum)) characters") }
        if let maximum = keywords["maxLength"]?.doubleValue, Double(text.count) > maximum { errors.append("\(path): longer than \(Int(maximum)) characters") }
        if let pattern = keywords["pattern"]?.stringValue {
            if let expression = try? NSRegularExpression(pattern: pattern) {
                let range = NSRange(text.startIndex..., in: text)
                if expression.firstMatch(in: text, range: range) == nil { errors.append("\(path): \"\(text)\" does not match \(pattern)") }
            } else {
                errors.append("\(path): the pattern \(pattern) is not a regular expression")
            }
        }
        switch keywords["format"]?.stringValue {
        case "date-time":
            if ISO8601DateFormatter().date(from: text) == nil && Self.fractionalDateTime.date(from: text) == nil {
                errors.append("\(path): \"\(text)\" is not an ISO 8601 date-time")
            }
        case "date":
            if text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil { errors.append("\(path): \"\(text)\" is not a date (YYYY-MM-DD)") }
        case "uuid":
            if UUID(uuidString: text) == nil { errors.append("\(path): \"\(text)\" is not a UUID") }
        default: break
        }
        return errors
    }

    private static var fractionalDateTime: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    private func checkNumber(_ value: JSONValue, _ keywords: [String: JSONValue], at path: String) -> [String] {
        guard let number = value.doubleValue else { return [] }
        var errors: [String] = []
        if let minimum = keywords["minimum"]?.doubleValue, number < minimum { errors.append("\(path): \(number) is below the minimum \(minimum)") }
        if let maximum = keywords["maximum"]?.doubleValue, number > maximum { errors.append("\(path): \(number) is above the maximum \(maximum)") }
        return errors
    }

    private func checkObject(_ value: JSONValue, _ keywords: [String: JSONValue], at path: String) -> [String] {
        guard case .object(let members) = value else { return [] }
        var errors: [String] = []
        let properties = keywords["properties"]?.objectValue ?? [:]
        if case .array(let required)? = keywords["required"] {
            for case .string(let name) in required where members[name] == nil { errors.append("\(path): the required field \"\(name)\" is missing") }
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[name] {
                errors += self.errors(member, against: schema, at: "\(path).\(name)")
                continue
            }
            switch keywords["additionalProperties"] {
            case .bool(false)?:
                errors.append("\(path): the field \"\(name)\" is not in the document")
            case .object? :
                if let schema = keywords["additionalProperties"] { errors += self.errors(member, against: schema, at: "\(path).\(name)") }
            case nil where strictObjects && (keywords["properties"] != nil || keywords["type"]?.stringValue == "object"):
                errors.append("\(path): the field \"\(name)\" is not in the document")
            default: break
            }
        }
        return errors
    }

    static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double):
            return true
        case ("integer", .double(let number)):
            return number.rounded() == number
        default:
            return false
        }
    }

    /// Enum membership: numbers compare by value (`1` equals `1.0`).
    static func same(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
