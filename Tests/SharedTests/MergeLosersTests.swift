import Foundation
import Testing
import TestSupport

@testable import Shared

/// The fast loser computation against the rule's definition, on version sets no honest replica
/// would make as well as ordinary ones.
@Suite("Merge losers")
struct MergeLosersTests {
    /// The definition: a version is a loser when any other version overrules it.
    static func naiveLosers(_ versions: [FieldVersion]) -> Set<ChangeID> {
        Set(versions.filter { loser in versions.contains { $0.overrules(loser) } }.map(\.id))
    }

    /// Random versions of one field: few clocks and values so ties, equal values and bases
    /// after the version's own clock (forged) all occur; some bases are missing.
    static func versions(_ random: inout SeededRandom) -> [FieldVersion] {
        let devices = (0..<3).compactMap { DeviceID(rawValue: "d-\($0)") }
        let count = Int.random(in: 0...40, using: &random)
        let wallRange = Int64(1)...Int64.random(in: 2...30, using: &random)
        func clock() -> HLC {
            HLC(wall: Int64.random(in: wallRange, using: &random), counter: UInt32.random(in: 0...1, using: &random), device: devices.randomElement(using: &random)!)
        }
        let values: [JSONValue?] = [nil, .string("ja"), .string("nee"), .int(3), .null]
        return (0..<count).map { seq in
            FieldVersion(
                id: ChangeID(device: devices[seq % devices.count], seq: Int64(seq)),
                hlc: clock(),
                base: Int.random(in: 0..<3, using: &random) == 0 ? nil : clock(),
                value: values.randomElement(using: &random)!
            )
        }
    }

    @Test("the fast losers equal the definition on random version sets, forged ones included", arguments: 0..<10)
    func losersMatchDefinition(batch: Int) {
        for offset in 0..<200 {
            let seed = UInt64(batch * 200 + offset) &* 104_729 &+ 5
            var random = SeededRandom(seed: seed)
            let versions = Self.versions(&random)
            #expect(Merge.losers(versions) == Self.naiveLosers(versions), "seed \(seed)")
            #expect(Merge.losers(versions.shuffled(using: &random)) == Self.naiveLosers(versions), "seed \(seed): order matters")
        }
    }

    @Test("a decision's new losers are the losers the incoming version adds", arguments: 0..<5)
    func decisionMatchesLosers(batch: Int) {
        for offset in 0..<100 {
            let seed = UInt64(batch * 100 + offset) &* 7_103 &+ 11
            var random = SeededRandom(seed: seed)
            let versions = Self.versions(&random)
            guard let incoming = versions.last else { continue }
            let history = Array(versions.dropLast().filter { $0.id != incoming.id })
            let decision = Merge.decide(incoming, history: history)
            let before = Self.naiveLosers(history)
            let after = Self.naiveLosers(history + [incoming])
            #expect(Set(decision.newLosers) == after.subtracting(before).subtracting([incoming.id]), "seed \(seed)")
            #expect(decision.incomingLoses == after.contains(incoming.id), "seed \(seed)")
        }
    }

    @Test("5,000 concurrent versions of one field: every one but the newest is a loser")
    func manyConcurrentVersions() {
        let device = DeviceID(rawValue: "d-a")!
        let versions = (1...5_000).map { seq in
            FieldVersion(id: ChangeID(device: device, seq: Int64(seq)), hlc: HLC(wall: Int64(seq), counter: 0, device: device), base: nil, value: .string("v\(seq)"))
        }
        let losers = Merge.losers(versions)
        #expect(losers.count == 4_999)
        #expect(!losers.contains(versions[4_999].id))
    }
}
