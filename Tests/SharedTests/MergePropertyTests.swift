import Foundation
import Testing
import TestSupport

@testable import Shared

/// Convergence of the merge rule, stated as a property over generated editing histories.
@Suite("Merge rule properties")
struct MergePropertyTests {
    /// 10 batches × 100 seeds = 1,000 generated cases.
    @Test("replicas converge to the same state and conflicts, losing no change", arguments: 0..<10)
    func convergence(batch: Int) {
        for offset in 0..<100 {
            let seed = UInt64(batch * 100 + offset) &* 7919 &+ 17
            var random = SeededRandom(seed: seed ^ 0xABCDEF)
            let replicaCount = Int.random(in: 3...5, using: &random)
            var scenario = EditScenario(
                seed: seed, replicaCount: replicaCount, fieldCount: Int.random(in: 1...4, using: &random), steps: Int.random(in: 5...60, using: &random)
            )
            let all = scenario.changes

            // Deliver everything to every replica in its own random order, with duplicates and re-deliveries.
            for index in scenario.replicas.indices {
                var delivery = all + all.filter { _ in Bool.random(using: &random) }
                delivery.shuffle(using: &random)
                for change in delivery {
                    scenario.replicas[index].receive(change, physical: 1_700_000_000_000)
                }
                for change in all.shuffled(using: &random).prefix(3) {
                    scenario.replicas[index].receive(change, physical: 1_700_000_000_000)
                }
            }

            var reference = MergedState()
            for change in all.sorted(by: { $0.id < $1.id }) { reference.apply(change) }

            for replica in scenario.replicas {
                #expect(replica.state.values == reference.values, "seed \(seed): values differ on \(replica.clock.device)")
                #expect(replica.state.conflicts == reference.conflicts, "seed \(seed): conflicts differ on \(replica.clock.device)")
                #expect(replica.state.changeCount == all.count, "seed \(seed): a change was lost or doubled")
            }

            // No accepted change vanishes: it is the current value, or a later change to the field saw it, or it is kept as a conflict.
            for change in all {
                let field = reference.fields[change.key]
                let isCurrentValue = field?.current?.value == change.value
                let seenLater = all.contains { $0.key == change.key && $0.id != change.id && $0.version.hasSeen(change.version) }
                let kept = field?.losers.contains(change.id) ?? false
                #expect(isCurrentValue || seenLater || kept, "seed \(seed): change \(change.id) vanished")
            }
        }
    }

    @Test("the greatest clock wins a field")
    func greatestClockWins() {
        var a = SimulatedReplica(device: DeviceID(rawValue: "d-a")!, author: UserID("u-a"))
        var b = SimulatedReplica(device: DeviceID(rawValue: "d-b")!, author: UserID("u-b"))
        let key = FieldKey(entity: .interview, entityId: "i", field: "answers.q")
        let first = a.edit(key, value: .string("ja"), physical: 1000)
        let second = b.edit(key, value: .string("nee"), physical: 2000)
        var state = MergedState()
        state.apply(second)
        state.apply(first)
        #expect(state.values[key] == .string("nee"))
        #expect(state.conflicts[key] == [first.id], "neither saw the other and the values differ: the loser is kept")
    }

    @Test("an edit made after seeing a value is ordinary editing, not a conflict")
    func sequentialEditIsHistory() {
        var a = SimulatedReplica(device: DeviceID(rawValue: "d-a")!, author: UserID("u-a"))
        var b = SimulatedReplica(device: DeviceID(rawValue: "d-b")!, author: UserID("u-b"))
        let key = FieldKey(entity: .interview, entityId: "i", field: "answers.q")
        let first = a.edit(key, value: .string("ja"), physical: 1000)
        b.receive(first, physical: 1500)
        let second = b.edit(key, value: .string("nee"), physical: 2000)
        #expect(second.base == first.hlc)
        var state = MergedState()
        state.apply(first)
        state.apply(second)
        #expect(state.values[key] == .string("nee"))
        #expect(state.conflicts.isEmpty)
    }

    @Test("concurrent edits with the same value do not conflict")
    func equalValuesDoNotConflict() {
        var a = SimulatedReplica(device: DeviceID(rawValue: "d-a")!, author: UserID("u-a"))
        var b = SimulatedReplica(device: DeviceID(rawValue: "d-b")!, author: UserID("u-b"))
        let key = FieldKey(entity: .interview, entityId: "i", field: "answers.q")
        var state = MergedState()
        state.apply(a.edit(key, value: .int(3), physical: 1000))
        state.apply(b.edit(key, value: .int(3), physical: 1001))
        #expect(state.conflicts.isEmpty)
    }

    @Test("a conflict stays kept when the winner's author edits again without having seen the loser")
    func conflictSurvivesLaterEdit() {
        var a = SimulatedReplica(device: DeviceID(rawValue: "d-a")!, author: UserID("u-a"))
        var b = SimulatedReplica(device: DeviceID(rawValue: "d-b")!, author: UserID("u-b"))
        let key = FieldKey(entity: .interview, entityId: "i", field: "answers.q")
        let lost = a.edit(key, value: .string("ja"), physical: 1000)
        let won = b.edit(key, value: .string("nee"), physical: 2000)
        let again = b.edit(key, value: .string("ja"), physical: 3000)
        for order in [[lost, won, again], [again, won, lost], [won, again, lost]] {
            var state = MergedState()
            order.forEach { state.apply($0) }
            #expect(state.conflicts[key] == [lost.id])
        }
    }

    @Test("applying a change twice is a no-op")
    func duplicateIsIgnored() {
        var a = SimulatedReplica(device: DeviceID(rawValue: "d-a")!, author: UserID("u-a"))
        let change = a.edit(FieldKey(entity: .interview, entityId: "i", field: "state"), value: .string("draft"), physical: 1)
        var state = MergedState()
        #expect(state.apply(change).isDuplicate == false)
        #expect(state.apply(change) == .duplicate)
        #expect(state.changeCount == 1)
    }
}
