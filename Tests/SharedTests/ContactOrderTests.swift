import Foundation
import Shared
import Testing

@Suite("Contact attempts are ordered by time, then by the order they were logged")
struct ContactOrderTests {
    private static let laptop = DeviceID(rawValue: "d-laptop000001")!

    private func attempt(_ id: String, at: JSONValue?, _ outcome: ContactAttempt.Outcome, logged: Int64?, counter: UInt32 = 0) -> ContactAttempt {
        var fields: [String: JSONValue] = ["outcome": .string(outcome.rawValue)]
        if let at { fields["at"] = at }
        return ContactAttempt(
            id: UUID(uuidString: id)!, fields: fields, logged: logged.map { HLC(wall: $0, counter: counter, device: Self.laptop) }
        )
    }

    @Test("Two attempts with the same time follow the order they were logged in, not their ids")
    func sameTimeFollowsLoggingOrder() {
        let at = JSONValue.string("2025-01-10T10:00:00Z")
        // Logged first, but with the greater id.
        let first = attempt("ffffffff-0000-4000-8000-000000000000", at: at, .appointment, logged: 1_736_503_200_100)
        let second = attempt("00000000-0000-4000-8000-000000000000", at: at, .refused, logged: 1_736_503_200_100, counter: 1)
        #expect(CaseStatus.derive(attempts: [first, second], interviews: []) == .refused)
        #expect(CaseStatus.derive(attempts: [second, first], interviews: []) == .refused)
        #expect(ContactAttempt.chronological([second, first]).map(\.id) == [first.id, second.id])
    }

    @Test("Milliseconds count, and old second-precision times sort among them by their value, not their text")
    func millisecondsAndOldTimes() {
        let old = attempt("00000000-0000-4000-8000-000000000001", at: .string("2025-01-10T10:00:00Z"), .noAnswer, logged: nil)
        let later = attempt("00000000-0000-4000-8000-000000000002", at: .string("2025-01-10T10:00:00.500Z"), .appointment, logged: nil)
        // As text, ".500Z" sorts before "Z"; as a time it is half a second later.
        #expect(CaseStatus.derive(attempts: [later, old], interviews: []) == .appointment)
        let zoned = attempt("00000000-0000-4000-8000-000000000003", at: .string("2025-01-10T11:00:00.750+01:00"), .refused, logged: nil)
        #expect(CaseStatus.derive(attempts: [zoned, later, old], interviews: []) == .refused)
    }

    @Test("An `at` that is not a timestamp (an object, a number, text) counts at the time it was logged, and never crashes")
    func malformedTimesCountWhenLogged() {
        let loggedAt = Timestamp.milliseconds("2025-01-10T10:05:00Z")!
        let before = attempt("00000000-0000-4000-8000-000000000001", at: .string("2025-01-10T10:00:00Z"), .appointment, logged: loggedAt - 300_000)
        let after = attempt("00000000-0000-4000-8000-000000000004", at: .string("2025-01-10T10:10:00Z"), .noAnswer, logged: loggedAt + 300_000)
        for bad: JSONValue in [.object(["at": .string("2025-01-11T00:00:00Z")]), .int(99_999_999_999_999), .string("tomorrow"), .array([]), .null] {
            let odd = attempt("ffffffff-0000-4000-8000-000000000000", at: bad, .refused, logged: loggedAt)
            #expect(ContactAttempt.chronological([after, odd, before]).map(\.id) == [before.id, odd.id, after.id])
            #expect(CaseStatus.derive(attempts: [odd, before], interviews: []) == .refused)
            #expect(CaseStatus.derive(attempts: [odd, before, after], interviews: []) == .contacted)
        }
    }

    @Test("Times are written with milliseconds and read back, with or without a fraction", arguments: [
        "2025-01-10T10:00:00Z", "2025-01-10T10:00:00.5Z", "2025-01-10T10:00:00.123456Z", "2024-02-29T23:59:59.999Z", "1999-12-31T23:00:00-01:00",
    ])
    func timeText(_ text: String) throws {
        let milliseconds = try #require(Timestamp.milliseconds(text))
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let written = ContactAttempt.atText(date)
        #expect(written.hasSuffix("Z") && written.count == 24)
        #expect(Timestamp.milliseconds(written) == milliseconds)
        let foundation = ISO8601DateFormatter()
        foundation.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(foundation.date(from: written).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == milliseconds)
    }

    @Test("Not timestamps", arguments: ["", "2025-01-10", "2025-01-10T10:00:00", "2025-13-10T10:00:00Z", "2025-01-10T10:00:00.Z", "2025-01-10T10:00:00+0100", "x025-01-10T10:00:00Z"])
    func notTimestamps(_ text: String) {
        #expect(Timestamp.milliseconds(text) == nil)
    }
}
