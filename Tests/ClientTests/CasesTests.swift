import Foundation
import Shared
import Testing

@testable import VeldwerkClient

@Suite struct CasesTests {
    @Test func statusFollowsTheLoggedAttempts() throws {
        let fixture = try ClientFixture(municipalities: ["11001", "11002"])
        defer { fixture.remove() }
        let store = fixture.store
        let base = Date(timeIntervalSince1970: 1_736_000_000)
        #expect(try store.caseSummary(municipality: "11001", now: base).status == .notContacted)

        try store.logContact(municipality: "11001", at: base, mode: .phone, outcome: .noAnswer, note: nil, appointment: nil, interviewer: ClientFixture.user)
        #expect(try store.caseSummary(municipality: "11001", now: base).status == .contacted)

        let meeting = base.addingTimeInterval(86_400 * 3)
        try store.logContact(
            municipality: "11001", at: base.addingTimeInterval(3600), mode: .email, outcome: .appointment, note: "schepen", appointment: meeting,
            interviewer: ClientFixture.user
        )
        let summary = try store.caseSummary(municipality: "11001", now: base.addingTimeInterval(7200))
        #expect(summary.status == .appointment)
        #expect(summary.attempts == 2)
        #expect(summary.lastAttempt?.outcome == "appointment")
        #expect(summary.lastAttempt?.synced == false)
        #expect(summary.nextAppointment == InterviewRunner.isoTime(meeting))
        #expect(summary.name == "Aartselaar")
        // After the appointment time it is no longer "next".
        #expect(try store.caseSummary(municipality: "11001", now: meeting.addingTimeInterval(60)).nextAppointment == nil)

        let interview = try fixture.newInterview(municipality: "11001")
        #expect(try store.caseSummary(municipality: "11001").status == .inProgress)
        try store.markComplete(interview)
        #expect(try store.caseSummary(municipality: "11001").status == .completed)

        try store.logContact(municipality: "11002", at: base, mode: .visit, outcome: .refused, note: nil, appointment: nil, interviewer: ClientFixture.user)
        #expect(try store.caseSummary(municipality: "11002").status == .refused)

        // Changes are in the municipality's scope and wait in the outbox.
        let outbox = try store.outbox(limit: 100)
        #expect(Set(outbox.filter { $0.entity == .contactAttempt }.map(\.scope)) == [.municipality("11001"), .municipality("11002")])
    }

    @Test func aCoordinatorsStatusWins() throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        try fixture.store.logContact(municipality: "11001", at: Date(), mode: .phone, outcome: .callback, note: nil, appointment: nil, interviewer: ClientFixture.user)
        try fixture.applyFromServer([FieldEdit(scope: .municipality("11001"), entity: .caseFile, entityId: "11001", field: "status", value: .string("unreachable"))])
        let summary = try fixture.store.caseSummary(municipality: "11001")
        #expect(summary.status == .unreachable)
        #expect(summary.statusSource == "coordinator")
    }

    @Test("An attempt whose `at` arrives as a nested object counts when it was logged: no crash, no jump", arguments: [
        JSONValue.object(["date": .string("2099-01-01T00:00:00Z")]), .array([.string("1999-01-01T00:00:00Z")]), .int(4_102_444_800_000),
    ])
    func aMalformedTimeCountsWhenLogged(_ bad: JSONValue) throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        let store = fixture.store
        let earlier = Date().addingTimeInterval(-3600)
        try store.logContact(municipality: "11001", at: earlier, mode: .phone, outcome: .appointment, note: nil, appointment: nil, interviewer: ClientFixture.user)
        // A peer's attempt synced in with a nested object as its time, logged now: after the earlier attempt.
        let odd = "00000000-0000-4000-8000-00000000000a"
        try fixture.applyFromServer([
            FieldEdit(scope: .municipality("11001"), entity: .contactAttempt, entityId: odd, field: ContactAttempt.Field.at, value: bad),
            FieldEdit(scope: .municipality("11001"), entity: .contactAttempt, entityId: odd, field: ContactAttempt.Field.outcome, value: .string("refused")),
            FieldEdit(scope: .municipality("11001"), entity: .contactAttempt, entityId: odd, field: ContactAttempt.Field.municipality, value: .string("11001")),
        ])
        let summary = try store.caseSummary(municipality: "11001")
        #expect(summary.status == .refused)
        #expect(summary.lastAttempt?.id == odd)
        #expect(summary.lastAttempt?.at == nil)
        // An attempt logged after it, at a time after its logging, comes after it.
        try store.logContact(
            municipality: "11001", at: Date().addingTimeInterval(60), mode: .phone, outcome: .callback, note: nil, appointment: nil, interviewer: ClientFixture.user
        )
        #expect(try store.contactAttempts(municipality: "11001").map(\.outcome) == [.appointment, .refused, .callback])
        #expect(try store.caseSummary(municipality: "11001").status == .contacted)
    }

    @Test func fiveFruitlessAttemptsInARowMakeACaseUnreachable() {
        func attempt(_ minute: Int, _ outcome: ContactAttempt.Outcome) -> ContactAttempt {
            ContactAttempt(id: UUID(), fields: ["at": .string(String(format: "2025-01-10T10:%02d:00Z", minute)), "outcome": .string(outcome.rawValue)])
        }
        let four = (0..<4).map { attempt($0, .noAnswer) }
        #expect(CaseStatus.derive(attempts: four, interviews: []) == .contacted)
        #expect(CaseStatus.derive(attempts: four + [attempt(9, .wrongContact)], interviews: []) == .unreachable)
        #expect(CaseStatus.derive(attempts: [attempt(0, .callback)] + four, interviews: []) == .contacted)
        #expect(CaseStatus.derive(attempts: four + [attempt(8, .noAnswer), attempt(9, .appointment)], interviews: []) == .appointment)
    }

    @Test func timesAreReadInSeveralForms() {
        let zone = TimeZone(identifier: "Europe/Brussels")!
        #expect(TimeArgument.parse("2025-01-14T09:30:00Z").map(InterviewRunner.isoTime) == "2025-01-14T09:30:00Z")
        #expect(TimeArgument.parse("2025-01-14 10:30", timeZone: zone).map(InterviewRunner.isoTime) == "2025-01-14T09:30:00Z")
        #expect(TimeArgument.parse("2025-01-14", timeZone: zone).map(InterviewRunner.isoTime) == "2025-01-13T23:00:00Z")
        #expect(TimeArgument.parse("tomorrow") == nil)
    }

    @Test func interviewActivityKnowsWhatWaitsForSync() throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        let interview = try fixture.newInterview()
        let key = interview.id.uuidString.lowercased()
        let activity = try fixture.store.interviewActivity()
        #expect(activity[key]?.pending == true)
        #expect(activity[key]?.lastChange != nil)
    }
}
