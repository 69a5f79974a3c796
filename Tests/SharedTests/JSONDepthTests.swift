import Foundation
import Testing
import TestSupport

@testable import Shared

/// Untrusted JSON cannot nest deep enough to overflow the stack or cost more than one pass.
@Suite("JSON nesting limit")
struct JSONDepthTests {
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
    }

    static func isTooDeep(_ body: () throws -> Any) -> Bool {
        do {
            _ = try body()
            return false
        } catch let failure as JSONValueParser.Failure {
            return failure.tooDeep
        } catch {
            return false
        }
    }

    @Test("the parser reads values up to the limit and refuses deeper ones, at any size")
    func parserLimit() throws {
        #expect(try JSONValue(json: Self.nested(JSONValueParser.maxDepth)) != .null)
        #expect(Self.isTooDeep { try JSONValue(json: Self.nested(JSONValueParser.maxDepth + 1)) })
        #expect(Self.isTooDeep { try JSONValue(json: Self.nested(10_000)) }, "10,000 levels: refused, not a stack overflow")
        let objects = String(repeating: #"{"a":"#, count: 500) + "1" + String(repeating: "}", count: 500)
        #expect(Self.isTooDeep { try JSONValue(json: objects) }, "500 levels in a few KB")
        #expect(Self.isTooDeep { try JSONValue(json: Self.nested(100_000) ) })
    }

    /// A sync request body pushing one change whose value is `value` (JSON text).
    static func syncBody(value: String) -> Data {
        let head = #"{"device":"d-a","clientTime":1700000000000,"cursors":{"global":3},"push":[{"id":"d-a:1","scope":"global","entity":"interview","entityId":"i","field":"answers.q","value":"#
        let tail = #","hlc":"0000018bcfe56800-00000000-d-a","author":"u"}],"extra":true}"#
        return Data((head + value + tail).utf8)
    }

    @Test("a sync request's pushed values get the full depth; deeper ones are refused before any change is read")
    func syncRequestLimit() throws {
        let request = try SyncRequest(wireJSON: Self.syncBody(value: Self.nested(JSONValueParser.maxDepth)))
        #expect(request.push.count == 1)
        #expect(try request == JSONDecoder().decode(SyncRequest.self, from: Self.syncBody(value: Self.nested(JSONValueParser.maxDepth))))
        #expect(Self.isTooDeep { try SyncRequest(wireJSON: Self.syncBody(value: Self.nested(JSONValueParser.maxDepth + 1))) })
        #expect(Self.isTooDeep { try SyncRequest(wireJSON: Self.syncBody(value: Self.nested(10_000))) })
    }

    @Test("SyncRequest(wireJSON:) reads what JSONDecoder reads")
    func syncRequestReading() throws {
        for round in 0..<50 {
            let request = SyncRequest(
                device: DeviceID(rawValue: "d-random0")!, push: RandomChanges.changes(round + 1, seed: UInt64(500 + round)),
                cursors: ["global": Int64(round), "municipality:11001": 7], clientTime: 1_700_000_000_000 + Int64(round)
            )
            let encoded = try JSONEncoder().encode(request)
            #expect(try SyncRequest(wireJSON: encoded) == request)
        }
    }

    @Test("JSONValue's Decodable refuses values nested past the limit too")
    func decodableLimit() throws {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(JSONValue.self, from: Data(Self.nested(JSONValueParser.maxDepth + 10).utf8)) }
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(Self.nested(JSONValueParser.maxDepth).utf8)) == JSONValue(json: Self.nested(JSONValueParser.maxDepth)))
    }
}
