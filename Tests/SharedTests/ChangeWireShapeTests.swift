import Foundation
import Testing
import TestSupport

@testable import Shared

/// A change crosses the wire in three hands — `Codable` (laptops, tools), the hand-written writer (the
/// server's pull, `Change.writeJSON`) and the hand-written reader (`WireReader.change`, the sync's
/// parser) — and is described to everyone else by the OpenAPI document's `Change` schema. This suite
/// holds the four to one shape: the same members with the same values, nothing the document does not
/// name, and every member it names.
@Suite("The wire shape of a change")
struct ChangeWireShapeTests {
    /// The server's OpenAPI document, read from the source tree.
    static func document() throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Server/Resources/openapi.json")
        return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    static func object(_ data: some Collection<UInt8>) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(data))
    }

    @Test("JSONEncoder, the hand-written writer and reader, and the OpenAPI schema agree on 1,000 awkward changes")
    func oneShape() throws {
        let document = try Self.document()
        let schema = try #require(document.objectValue?["components"]?.objectValue?["schemas"]?.objectValue?["Change"])
        let described = Set(schema.objectValue?["properties"]?.objectValue?.keys.map { $0 } ?? [])
        let required = Set(schema.objectValue?["required"].flatMap { value -> [String]? in
            guard case .array(let items) = value else { return nil }
            return items.compactMap(\.stringValue)
        } ?? [])
        let validator = JSONSchemaValidator(document: document, strictObjects: true)
        var membersSeen: Set<String> = []
        for change in RandomChanges.changes(1_000, seed: 2026) {
            var writer = JSONWriter()
            change.writeJSON(to: &writer)
            let written = try Self.object(writer.bytes)
            let encoded = try Self.object(JSONEncoder().encode(change))
            #expect(written == encoded, "the writer and JSONEncoder write the same members and values")
            #expect(validator.errors(written, against: schema).isEmpty, "\(validator.errors(written, against: schema))")
            #expect(try WireReader.change(written) == change, "the reader reads back what was written")
            let members = Set(written.objectValue?.keys.map { $0 } ?? [])
            #expect(required.isSubset(of: members))
            membersSeen.formUnion(members)
        }
        #expect(membersSeen == described, "every member the document names is written by some change, and no other")
    }
}
