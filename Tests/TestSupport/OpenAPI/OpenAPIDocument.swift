import Foundation
import Shared

/// An OpenAPI 3.0 document read for tests: its operations, and checks of real responses against it.
public struct OpenAPIDocument: Sendable {
    /// One documented operation: a method on a path template such as `/v1/interviews/{id}`.
    public struct Operation: Sendable, Hashable, CustomStringConvertible {
        /// Upper case, e.g. `GET`.
        public var method: String
        public var path: String
        public var description: String { "\(method) \(path)" }

        public init(method: String, path: String) {
            self.method = method
            self.path = path
        }
    }

    public let root: JSONValue
    /// Validates response bodies; strict, so an undocumented response field is an error.
    public let validator: JSONSchemaValidator

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    public init(data: Data) throws {
        root = try JSONDecoder().decode(JSONValue.self, from: data)
        validator = JSONSchemaValidator(document: root, strictObjects: true)
    }

    /// Every operation the document describes.
    public var operations: [Operation] {
        let paths = root.objectValue?["paths"]?.objectValue ?? [:]
        return paths.flatMap { path, item in
            (item.objectValue ?? [:]).keys.filter(Self.methods.contains).map { Operation(method: $0.uppercased(), path: path) }
        }.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }

    /// The operation a concrete request goes to: literal segments beat `{parameters}`.
    public func operation(method: String, path: String) -> Operation? {
        let segments = Self.segments(path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path)
        let candidates = operations.filter { $0.method == method.uppercased() }.compactMap { operation -> (Operation, Int)? in
            let template = Self.segments(operation.path)
            guard template.count == segments.count else { return nil }
            var literals = 0
            for (expected, actual) in zip(template, segments) {
                if expected.hasPrefix("{") && expected.hasSuffix("}") {
                    guard !actual.isEmpty else { return nil }
                } else {
                    guard expected == actual else { return nil }
                    literals += 1
                }
            }
            return (operation, literals)
        }
        return candidates.max { $0.1 < $1.1 }?.0
    }

    /// What is wrong with a real response to `method path`: an undocumented route or status, a content
    /// type the document does not list, a missing required header, or a JSON body off its schema.
    ///
    /// - Parameter headers: response headers, names in lower case.
    public func problems(method: String, path: String, status: Int, headers: [String: String], body: Data) -> [String] {
        guard let operation = operation(method: method, path: path) else { return ["\(method) \(path) is not in the document"] }
        let where_ = "\(operation) → \(status)"
        let responses = object(root, "paths", operation.path, operation.method.lowercased(), "responses")
        guard let documented = responses?[String(status)] ?? responses?["default"], let response = dereference(documented)?.objectValue else {
            return ["\(where_): status \(status) is not documented (documented: \((responses?.keys.sorted() ?? []).joined(separator: ", ")))"]
        }
        var problems: [String] = []
        for (name, header) in response["headers"]?.objectValue ?? [:] where header.objectValue?["required"] == .bool(true) {
            if headers[name.lowercased()] == nil { problems.append("\(where_): the required header \(name) is missing") }
        }
        let content = response["content"]?.objectValue ?? [:]
        guard !content.isEmpty else {
            if !body.isEmpty { problems.append("\(where_): the document says no body, the server sent \(body.count) bytes") }
            return problems
        }
        let mediaType = (headers["content-type"] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let media = content[mediaType] ?? content["*/*"] else {
            return problems + ["\(where_): Content-Type \"\(mediaType)\" is not one of \(content.keys.sorted().joined(separator: ", "))"]
        }
        guard mediaType == "application/json" || mediaType.hasSuffix("+json"), let schema = media.objectValue?["schema"] else { return problems }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            return problems + ["\(where_): the body is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))"]
        }
        return problems + validator.errors(value, against: schema).map { "\(where_): \($0)" }
    }

    /// Every `$ref` in the document that points nowhere.
    public var brokenReferences: [String] {
        var broken: [String] = []
        walk(root, at: "#") { path, node in
            if let reference = node.objectValue?["$ref"]?.stringValue, validator.resolve(reference) == nil { broken.append("\(path): \(reference)") }
        }
        return broken
    }

    /// Keywords in the document's schemas that ``JSONSchemaValidator`` does not check.
    public var uncheckedSchemaKeywords: [String] {
        var schemas: [(String, JSONValue)] = []
        for (name, schema) in object(root, "components", "schemas") ?? [:] { schemas.append(("#/components/schemas/\(name)", schema)) }
        walk(root, at: "#") { path, node in
            if let schema = node.objectValue?["schema"], !path.hasPrefix("#/components/schemas") { schemas.append(("\(path)/schema", schema)) }
        }
        var found: [String] = []
        for (path, schema) in schemas {
            walkSchema(schema, at: path) { path, keywords in
                for key in keywords.keys
                where !JSONSchemaValidator.checkedKeywords.contains(key) && !JSONSchemaValidator.annotations.contains(key) && !key.hasPrefix("x-") {
                    found.append("\(path): \(key)")
                }
            }
        }
        return found.sorted()
    }

    /// A response or parameter, with a `$ref` to components followed.
    public func dereference(_ node: JSONValue) -> JSONValue? {
        guard let reference = node.objectValue?["$ref"]?.stringValue else { return node }
        return validator.resolve(reference).flatMap(dereference)
    }

    private func object(_ node: JSONValue, _ keys: String...) -> [String: JSONValue]? {
        var node = node
        for key in keys {
            guard let next = node.objectValue?[key] else { return nil }
            node = next
        }
        return node.objectValue
    }

    private func walk(_ node: JSONValue, at path: String, _ visit: (String, JSONValue) -> Void) {
        visit(path, node)
        switch node {
        case .object(let members):
            for (key, value) in members { walk(value, at: "\(path)/\(key)", visit) }
        case .array(let items):
            for (index, value) in items.enumerated() { walk(value, at: "\(path)/\(index)", visit) }
        default: break
        }
    }

    private func walkSchema(_ schema: JSONValue, at path: String, _ visit: (String, [String: JSONValue]) -> Void) {
        guard let keywords = schema.objectValue else { return }
        visit(path, keywords)
        for (name, property) in keywords["properties"]?.objectValue ?? [:] { walkSchema(property, at: "\(path)/properties/\(name)", visit) }
        for key in ["items", "additionalProperties"] {
            if let child = keywords[key], case .object = child { walkSchema(child, at: "\(path)/\(key)", visit) }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if case .array(let parts)? = keywords[key] {
                for (index, part) in parts.enumerated() { walkSchema(part, at: "\(path)/\(key)/\(index)", visit) }
            }
        }
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }
}
