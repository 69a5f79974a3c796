import Foundation
import LogStore
import Shared
@testable import VeldwerkServer

/// Laptops of a seeded study that push changes the way the client does.
struct TestLaptop {
    let device: DeviceID
    let token: String
    let principal: Principal
    var seq: Int64 = 0

    init(enrolment: EnrolResponse, user: User) {
        device = enrolment.device
        token = enrolment.token
        principal = Principal(user: user.id, name: user.name, role: user.role, device: enrolment.device)
    }

    /// A change by this laptop at `wall` ms, having seen the version with clock `base`.
    mutating func change(_ key: FieldKey, scope: Scope, value: JSONValue?, wall: Int64, base: HLC?) -> Change {
        seq += 1
        return Change(
            id: ChangeID(device: device, seq: seq), scope: scope, entity: key.entity, entityId: key.entityId, field: key.field, value: value,
            hlc: HLC(wall: wall, counter: 0, device: device), base: base, author: principal.user
        )
    }
}

enum ConflictFixture {
    /// Two laptops of the municipality's interviewer change one answer without seeing each other's edit: one kept conflict.
    ///
    /// Returns the overruled change (the earlier one) and the winner.
    @discardableResult
    static func make(
        in seed: StudySeed, interview: UUID, field: String = "answers.a_functie", values: (JSONValue, JSONValue) = (.string("schepen"), .string("onderwijsregisseur"))
    ) async throws -> (loser: Change, winner: Change) {
        guard let nis = seed.interviews.first(where: { $0.value.contains(interview) })?.key, let position = seed.order.firstIndex(of: nis) else {
            throw FixtureError.unknownInterview
        }
        let user = seed.interviewers[position % 20]
        var first = TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "first"), user: user)
        var second = TestLaptop(enrolment: try await seed.enrolLaptop(for: user.id, name: "second"), user: user)
        let key = FieldKey(entity: .interview, entityId: interview.uuidString.lowercased(), field: field)
        let base = try await seed.store.engine.read { db in try ChangeLog.currentClock(of: key, in: db) }
        let wall = StudySeed.now.millisecondsSince1970
        let loser = first.change(key, scope: .municipality(nis), value: values.0, wall: wall + 1000, base: base)
        let winner = second.change(key, scope: .municipality(nis), value: values.1, wall: wall + 2000, base: base)
        let pushedFirst = try await seed.store.push([loser], from: first.principal, now: StudySeed.now)
        let pushedSecond = try await seed.store.push([winner], from: second.principal, now: StudySeed.now)
        guard pushedFirst.rejected.isEmpty, pushedSecond.rejected.isEmpty else { throw FixtureError.rejected("\(pushedFirst.rejected + pushedSecond.rejected)") }
        return (loser, winner)
    }

    enum FixtureError: Error {
        case unknownInterview
        case rejected(String)
    }
}
