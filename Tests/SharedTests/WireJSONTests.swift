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

    @Test("strings are escaped as JSONEncoder escapes them")
    func stringEscapes() throws {
        for text in ["", "plain", "quote \" backslash \\ slash /", "\n\r\t\u{8}\u{c}\u{1}\u{1f}", "é日😀", "\u{7f}"] {
            var writer = JSONWriter()
            writer.string(text)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: try JSONEncoder().encode(text), as: UTF8.self), "\(text.debugDescription)")
        }
    }
}
