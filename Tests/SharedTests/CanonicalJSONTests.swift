import Foundation
import Testing
import TestSupport

@testable import Shared

/// The direct paths of `canonicalJSON`, `JSONValue(json:)` and `HLC.encoded` write and read exactly what the encoders do.
@Suite("Canonical JSON fast paths")
struct CanonicalJSONTests {
    static let samples = [
        "", "ja", "telefonisch", "antwoord 12", "Coördinator", "é à ü", "日本語", "👩‍💻", "\u{2028}", "a\"b", "a\\b", "a/b",
        "line\nbreak", "tab\t", "\u{1}", "\u{7f}", "quote \" and slash /", "{\"json\": 1}", "123", "-5", "true", "null",
    ]

    @Test("every value writes as JSONEncoder writes it, and reads back as JSONDecoder reads it", arguments: samples)
    func strings(_ text: String) throws {
        for value in [JSONValue.string(text), .array([.string(text)]), .object([text: .int(1)])] {
            #expect(value.canonicalJSON == value.encodedCanonicalJSON)
            let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(value.canonicalJSON.utf8))
            #expect(try JSONValue(json: value.canonicalJSON) == decoded)
        }
    }

    @Test("scalars and texts that look like numbers")
    func scalars() throws {
        let values: [JSONValue] = [.null, .bool(true), .bool(false), .int(0), .int(-1), .int(Int64.max), .int(Int64.min), .double(1.5), .double(3)]
        for value in values {
            #expect(value.canonicalJSON == value.encodedCanonicalJSON)
            #expect(try JSONValue(json: value.canonicalJSON) == JSONDecoder().decode(JSONValue.self, from: Data(value.canonicalJSON.utf8)))
        }
        for text in ["-0", "1e3", "1.0", "12", "\"a\\u0041\"", "[1,2]"] {
            #expect(try JSONValue(json: text) == JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), "\(text)")
        }
    }

    @Test("nested arrays and objects (keys in any case, digits, accents, emoji) write as JSONEncoder with sorted keys writes them")
    func nestedValues() throws {
        var random = SeededRandom(seed: 31)
        let keys = ["a", "B", "b", "A", "a10", "a9", "a_1", "é", "e", "Z", "😀", "", "10", "9", "x/y", "ß", "ss", "İ", "i"]
        for _ in 0..<2_000 {
            var value = RandomChanges.value(&random)
            if Bool.random(using: &random) {
                value = .object(Dictionary(keys.shuffled(using: &random).prefix(Int.random(in: 1...8, using: &random)).map { ($0, RandomChanges.value(&random, depth: 1)) }) { a, _ in a })
            }
            #expect(value.canonicalJSON == value.encodedCanonicalJSON)
        }
    }

    @Test("HLC text: fixed-width hex wall and counter, then the device")
    func hlcText() throws {
        let device = try #require(DeviceID(rawValue: "d-3f9a0c2b7e41"))
        var random = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let clock = HLC(wall: Int64.random(in: 0...Int64.max, using: &random), counter: UInt32.random(in: 0...UInt32.max, using: &random), device: device)
            let wall = String(UInt64(clock.wall), radix: 16), counter = String(clock.counter, radix: 16)
            let expected = String(repeating: "0", count: 16 - wall.count) + wall + "-" + String(repeating: "0", count: 8 - counter.count) + counter + "-" + device.rawValue
            #expect(clock.encoded == expected)
            #expect(HLC(encoded: clock.encoded) == clock)
        }
    }

    @Test("the fast JSON reader reads stored values exactly as JSONValue's decoder does")
    func jsonValueParser() throws {
        func decoded(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        let samples = [
            "3", "-3", "3.0", "1e2", "2.5", "1e-05", "12345678901234567890", "true", "false", "null", "\"\"",
            "\"één \\\"quoted\\\" \\n line \\u00e9 \\ud83d\\ude00 \\/\"", "[]", "{}", "[\"a\",\"b\"]",
            "{\"status\":\"approved\",\"by\":\"u-1\",\"n\":[1,2.5,{\"x\":null}]}", " [ 1 , 2 ] ",
        ]
        for sample in samples {
            #expect(try JSONValueParser.parse(sample) == decoded(sample), "\(sample)")
        }
        var random = SeededRandom(seed: 5)
        for _ in 0..<500 {
            let value: JSONValue = .object([
                "d": .double(Double.random(in: -1000...1000, using: &random)), "i": .int(Int64.random(in: -99999...99999, using: &random)),
                "s": .string(String((0..<8).map { _ in "aé\"\\\n€😀,;".randomElement(using: &random) ?? "a" })),
            ])
            #expect(try JSONValueParser.parse(value.canonicalJSON) == decoded(value.canonicalJSON))
        }
        for bad in ["", "[1,", "{\"a\" 1}", "tru", "\"open", "1 2"] {
            #expect(throws: (any Error).self) { try JSONValueParser.parse(bad) }
        }
    }
}
