import Foundation
import Shared

/// A simulated device that writes changes to a few shared fields, for merge tests.
public struct SimulatedReplica: Sendable {
    public var clock: HybridClock
    public var state = MergedState()
    public var lastSeq: Int64 = 0
    public let author: UserID

    public init(device: DeviceID, author: UserID) {
        clock = HybridClock(device: device)
        self.author = author
    }

    /// Edits a field as a person would: base is the version this replica currently sees.
    public mutating func edit(_ key: FieldKey, value: JSONValue?, physical: Int64, scope: Scope = .municipality("11001")) -> Change {
        lastSeq += 1
        let change = Change(
            id: ChangeID(device: clock.device, seq: lastSeq), scope: scope, entity: key.entity, entityId: key.entityId, field: key.field,
            value: value, hlc: clock.tick(physical: physical), base: state.fields[key]?.current?.hlc, author: author
        )
        state.apply(change)
        return change
    }

    /// Receives a change from elsewhere.
    public mutating func receive(_ change: Change, physical: Int64) {
        state.apply(change)
        clock.receive(change.hlc, physical: physical)
    }
}

/// Generates random editing histories over a small set of fields, so that edits overlap.
public struct EditScenario: Sendable {
    /// The changes with `resent` of them sent again, shuffled and delivered in pushes of random sizes
    /// in `sizes`: a push's histories come partly from the store and partly from its own earlier
    /// changes, and a resent change is met in the same push or a later one.
    public func pushes(resending resent: Int, sizes: ClosedRange<Int>, using random: inout SeededRandom) -> [[Change]] {
        var shuffled = changes + changes.shuffled(using: &random).prefix(resent)
        shuffled.shuffle(using: &random)
        var pushes: [[Change]] = []
        var rest = shuffled[...]
        while !rest.isEmpty {
            let size = Int.random(in: sizes, using: &random)
            pushes.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return pushes
    }

    public var changes: [Change] = []
    public var replicas: [SimulatedReplica]
    public let keys: [FieldKey]

    /// Builds a history: `steps` actions, each an edit by a random replica or a partial delivery.
    public init(seed: UInt64, replicaCount: Int, fieldCount: Int, steps: Int) {
        var random = SeededRandom(seed: seed)
        replicas = (0..<replicaCount).map { index in
            SimulatedReplica(device: DeviceID(rawValue: "d-replica\(index)") ?? .server, author: UserID("u-\(index)"))
        }
        keys = (0..<fieldCount).map { FieldKey(entity: .interview, entityId: "00000000-0000-0000-0000-00000000000\($0 % 10)", field: "answers.q\($0)") }
        let values: [JSONValue?] = [.string("ja"), .string("nee"), .int(3), nil]
        var wall: Int64 = 1_700_000_000_000
        for _ in 0..<steps {
            wall += Int64.random(in: -5...20, using: &random)  // clocks drift and even step back
            let index = Int.random(in: 0..<replicaCount, using: &random)
            if Bool.random(using: &random) || changes.isEmpty {
                let key = keys[Int.random(in: 0..<keys.count, using: &random)]
                let value = values[Int.random(in: 0..<values.count, using: &random)]
                changes.append(replicas[index].edit(key, value: value, physical: wall))
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let change = changes[Int.random(in: 0..<changes.count, using: &random)]
                    replicas[index].receive(change, physical: wall)
                }
            }
        }
    }
}

/// Random changes with awkward text and every kind of value, for round trips through the wire and the log.
public enum RandomChanges {
    static let alphabet = Array("aZ09 éøü€日😀\"\\/\n\r\t\u{1}\u{7f},;:{}[]")

    public static func text(_ random: inout SeededRandom, maxLength: Int = 12) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &random)).map { _ in alphabet.randomElement(using: &random) ?? "a" })
    }

    public static func value(_ random: inout SeededRandom, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth < 2 ? 8 : 6), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &random))
        case 3: return .double(Double.random(in: -1e6...1e6, using: &random))
        case 4, 5: return .string(text(&random))
        case 6: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in value(&random, depth: depth + 1) })
        default:
            return .object(Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (text(&random, maxLength: 4), value(&random, depth: depth + 1)) }) { a, _ in a })
        }
    }

    /// `count` changes from a few devices, with random fields, values (sometimes none) and bases.
    public static func changes(_ count: Int, seed: UInt64) -> [Change] {
        var random = SeededRandom(seed: seed)
        let devices = (0..<3).compactMap { DeviceID(rawValue: "d-random\($0)") }
        var clocks = devices.map { HybridClock(device: $0) }
        return (1...count).map { seq in
            let index = Int.random(in: 0..<devices.count, using: &random)
            let hlc = clocks[index].tick(physical: 1_700_000_000_000 + Int64(seq) * 3)
            return Change(
                id: ChangeID(device: devices[index], seq: Int64(seq)), scope: Bool.random(using: &random) ? .global : .municipality("11001"),
                entity: .interview, entityId: "i-" + text(&random, maxLength: 6), field: "answers." + text(&random, maxLength: 6),
                value: Int.random(in: 0..<5, using: &random) == 0 ? nil : value(&random), hlc: hlc,
                base: Bool.random(using: &random) ? HLC(wall: hlc.wall - 1, counter: 0, device: devices[0]) : nil, author: UserID("u-" + text(&random, maxLength: 4))
            )
        }
    }
}
