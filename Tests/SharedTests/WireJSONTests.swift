import Foundation
import Testing
import TestSupport

@testable import Shared

@Suite("Wire JSON written by hand")
struct WireJSONTests {
    @Test("a change written by JSONWriter decodes to the same change as JSONEncoder's output, for 2,000 awkward changes")
    func changesRoundTrip() throws {
        for change in RandomChanges.changes(2_000, seed: 77) {
            var writer = JSONWriter()
            change.writeJSON(to: &writer)
            let ours = try JSONDecoder().decode(Change.self, from: Data(writer.bytes))
            let theirs = try JSONDecoder().decode(Change.self, from: JSONEncoder().encode(change))
            #expect(ours == change)
            #expect(ours == theirs)
        }
    }

    @Test("a sync response written by hand decodes to the SyncResponse it stands for")
    func responseRoundTrip() throws {
        var random = SeededRandom(seed: 78)
        for round in 0..<50 {
            let changes = RandomChanges.changes(Int.random(in: 1...40, using: &random), seed: UInt64(round))
            let response = SyncResponse(
                accepted: changes.prefix(3).map(\.id),
                rejected: changes.dropFirst(3).prefix(2).map {
                    Rejection(changeId: $0.id, code: .invalid, reason: "Reden: \"\(RandomChanges.text(&random))\"")
                },
                pull: changes, cursors: ["global": Int64(round), "municipality:11001": 7, RandomChanges.text(&random): 1],
                more: Bool.random(using: &random), serverTime: 1_700_000_000_000 + Int64(round)
            )
            let pulled = changes.map { change in
                var writer = JSONWriter()
                change.writeJSON(to: &writer)
                return writer.bytes
            }
            var writer = JSONWriter()
            SyncResponse.writeJSON(
                accepted: response.accepted, rejected: response.rejected, pull: pulled, cursors: response.cursors, more: response.more,
                serverTime: response.serverTime, to: &writer
            )
            #expect(try JSONDecoder().decode(SyncResponse.self, from: Data(writer.bytes)) == response)
        }
    }

    @Test("SyncResponse(wireJSON:) reads what JSONDecoder reads, and refuses what it refuses")
    func responseReading() throws {
        var random = SeededRandom(seed: 79)
        for round in 0..<100 {
            let changes = RandomChanges.changes(Int.random(in: 0...30, using: &random) + 1, seed: UInt64(1000 + round))
            let response = SyncResponse(
                accepted: changes.prefix(2).map(\.id),
                rejected: changes.suffix(2).map { Rejection(changeId: $0.id, code: .clockSkew, reason: RandomChanges.text(&random)) },
                pull: changes, cursors: ["global": Int64(round) * 1_000_000_007], more: Bool.random(using: &random), serverTime: 1_700_000_000_000
            )
            let encoded = try JSONEncoder().encode(response)
            #expect(try SyncResponse(wireJSON: encoded) == JSONDecoder().decode(SyncResponse.self, from: encoded))
            #expect(try SyncResponse(wireJSON: encoded) == response)
        }
        let broken = [
            "", "[]", "{}", #"{"accepted":[],"rejected":[],"pull":[{"id":"x"}],"cursors":{},"more":false,"serverTime":1}"#,
            #"{"accepted":["d-a:0"],"rejected":[],"pull":[],"cursors":{},"more":false,"serverTime":1}"#,
            #"{"accepted":[],"rejected":[{"changeId":"d-abc:1","code":"maybe","reason":""}],"pull":[],"cursors":{},"more":false,"serverTime":1}"#,
            #"{"accepted":[],"rejected":[],"pull":[],"cursors":{"global":"3"},"more":false,"serverTime":1}"#,
        ]
        for text in broken {
            #expect(throws: (any Error).self, "\(text)") { try SyncResponse(wireJSON: Data(text.utf8)) }
            #expect(throws: (any Error).self, "\(text)") { try JSONDecoder().decode(SyncResponse.self, from: Data(text.utf8)) }
        }
    }

    @Test("strings are escaped as JSONEncoder escapes them")
    func stringEscapes() throws {
        for text in ["", "plain", "quote \" backslash \\ slash /", "\n\r\t\u{8}\u{c}\u{1}\u{1f}", "é日😀", "\u{7f}"] {
            var writer = JSONWriter()
            writer.string(text)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: try JSONEncoder().encode(text), as: UTF8.self), "\(text.debugDescription)")
        }
    }
}
