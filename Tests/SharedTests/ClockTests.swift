import Foundation
import Testing
import TestSupport

@testable import Shared

@Suite("Hybrid logical clock")
struct ClockTests {
    @Test("encoded text sorts exactly like the clock", arguments: 0..<5)
    func encodingOrder(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) + 99)
        let devices = ["a", "b", "d-1", "d-10", "d-2", "server"].compactMap(DeviceID.init(rawValue:))
        let clocks = (0..<300).map { _ in
            HLC(
                wall: Int64.random(in: 0...3, using: &random) * Int64.random(in: 1...2_000_000_000_000, using: &random),
                counter: UInt32.random(in: 0...3, using: &random) * UInt32.random(in: 0...70_000, using: &random),
                device: devices[Int.random(in: 0..<devices.count, using: &random)]
            )
        }
        for (x, y) in zip(clocks, clocks.shuffled(using: &random)) {
            #expect((x < y) == (x.encoded < y.encoded), "\(x) vs \(y)")
            #expect((x < y) == (Array(x.encoded.utf8).lexicographicallyPrecedes(Array(y.encoded.utf8))))
            #expect(HLC(encoded: x.encoded) == x)
        }
    }

    @Test("tick is strictly increasing even when the wall clock steps back")
    func tickIsMonotonic() {
        var clock = HybridClock(device: DeviceID(rawValue: "d-a")!)
        var last: HLC?
        for physical in [1000, 1000, 999, 500, 1001, 1001, 2000] as [Int64] {
            let now = clock.tick(physical: physical)
            if let last { #expect(now > last) }
            last = now
        }
    }

    @Test("after receiving a timestamp, the next tick is later than it")
    func receiveMovesPast() {
        var clock = HybridClock(device: DeviceID(rawValue: "d-a")!)
        let remote = HLC(wall: 5_000, counter: 7, device: DeviceID(rawValue: "d-z")!)
        clock.receive(remote, physical: 1_000)
        #expect(clock.tick(physical: 1_000) > remote)
    }

    @Test("bad clock texts and device ids are refused")
    func refusesGarbage() {
        #expect(HLC(encoded: "nonsense") == nil)
        #expect(HLC(encoded: "0000000000000001-00000000-") == nil)
        #expect(DeviceID(rawValue: "Upper") == nil)
        #expect(DeviceID(rawValue: "") == nil)
        #expect(ChangeID("d-a:0") == nil)
        #expect(ChangeID("d-a:12")?.seq == 12)
        #expect(Scope(rawValue: "municipality:1100") == nil)
        #expect(Scope(rawValue: "municipality:11001")?.municipalityNIS == "11001")
    }

    @Test("a change round-trips through JSON, null value included")
    func changeCodable() throws {
        let device = DeviceID(rawValue: "d-a")!
        let change = Change(
            id: ChangeID(device: device, seq: 3), scope: .municipality("11001"), entity: .interview, entityId: "x", field: "answers.q",
            value: nil, hlc: HLC(wall: 10, counter: 1, device: device), base: nil, author: UserID("u-1")
        )
        let data = try JSONEncoder().encode(change)
        #expect(try JSONDecoder().decode(Change.self, from: data) == change)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"value\":null"))
    }
}
