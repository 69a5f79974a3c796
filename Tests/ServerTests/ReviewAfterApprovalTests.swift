import Foundation
import GRDB
import LogStore
import Shared
import Testing
@testable import VeldwerkServer

@Suite("Review stays true: an answer changed after approval shows as edited after approval")
struct ReviewAfterApprovalTests {
    private static let answer = "a_aantal_respondenten"

    /// The review status every reader shows for one interview: the API detail, the review queue,
    /// the dashboard's municipality page, and the wide CSV and JSON Lines exports.
    private func statuses(_ seed: StudySeed, _ id: UUID) async throws -> [String: String] {
        let key = id.uuidString.lowercased()
        var seen: [String: String] = [:]
        let detail = try #require(try await seed.store.interviewDetail(id))
        seen["detail"] = detail.reviewStatus?.rawValue ?? ""
        let snapshot = try await seed.store.fieldworkSnapshot()
        let item = try #require(ReviewQueueBuilder.items(snapshot).first { $0.id == key })
        seen["queue"] = item.reviewStatus ?? ""
        let municipality = try #require(ProgressCalculator(snapshot: snapshot).cases().cases.first { $0.interviews.contains { $0.id == id } })
        let page = MunicipalityPage(item: municipality, list: .list2025, snapshot: snapshot, names: [:], chrome: PageChrome(title: "t", signedIn: true, userName: "c", csrf: ""))
        seen["dashboard"] = try #require(page.interviews.first { $0.link.hasSuffix(key) }).review
        let csv = CSVParse.records(try await export(seed, .csv))
        seen["csv"] = try #require(csv.first { $0["interview_id"] == key })["review_status"]
        let lines = try await export(seed, .jsonl).split(separator: "\n")
        let line = try #require(lines.first { $0.contains(key) })
        seen["jsonl"] = try JSONValue(json: String(line)).objectValue?["review"]?.stringValue ?? ""
        return seen
    }

    private func export(_ seed: StudySeed, _ format: ExportFormat) async throws -> String {
        let exporter = try await Exporter.prepare(store: seed.store, options: ExportOptions(format: format))
        var bytes: [UInt8] = []
        _ = try await exporter.write { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("Approved, then the interviewer changes an answer: edited after approval everywhere; approving again clears it")
    func interviewerEditAfterApproval() async throws {
        try await withSeededStudy { seed in
            let nis = seed.order[0]
            let id = try #require(seed.interviews[nis]?.first)
            let key = id.uuidString.lowercased()
            let approval = try await seed.store.approveInterview(id, comment: nil, by: seed.coordinatorPrincipal, now: StudySeed.now)
            let review = try #require(approval.last { $0.field == Interview.Field.review }?.value)
            let position = try #require(ReviewStatus.approvedThrough(review))
            let logged = try await seed.store.engine.read { db in try ChangeLog.lastSeq(in: db) }
            #expect(position == logged - Int64(approval.count))
            let approved = try await statuses(seed, id)
            #expect(approved == ["detail": "approved", "queue": "approved", "dashboard": "approved", "csv": "approved", "jsonl": "approved"])

            // The interviewer's laptop changes an answer after the approval.
            var laptop = TestLaptop(enrolment: try await seed.enrolLaptop(for: seed.interviewers[0].id), user: seed.interviewers[0])
            let answerKey = FieldKey(entity: .interview, entityId: key, field: Interview.Field.answer(Self.answer))
            let base = try await seed.store.engine.read { db in try ChangeLog.currentClock(of: answerKey, in: db) }
            let edit = laptop.change(answerKey, scope: .municipality(nis), value: .int(7), wall: StudySeed.now.millisecondsSince1970 + 60_000, base: base)
            let pushed = try await seed.store.push([edit], from: laptop.principal, now: StudySeed.now)
            #expect(pushed.rejected.isEmpty)

            let edited = try await statuses(seed, id)
            #expect(edited["detail"] == "editedAfterApproval")
            #expect(edited["queue"] == "editedAfterApproval")
            #expect(edited["dashboard"] == "edited after approval")
            #expect(edited["csv"] == "editedAfterApproval")
            #expect(edited["jsonl"] == "editedAfterApproval")
            let snapshot = try await seed.store.fieldworkSnapshot()
            let item = try #require(ReviewQueueBuilder.items(snapshot).first { $0.id == key })
            #expect(ReviewQueueBuilder.matches(item, show: "todo"))
            #expect(ReviewQueueBuilder.matches(item, show: "edited"))
            #expect(!ReviewQueueBuilder.matches(item, show: "approved"))
            #expect(ReviewQueueBuilder.task(item).hasPrefix("Edited after approval"))

            // Approving again records the new position: approved once more.
            _ = try await seed.store.approveInterview(id, comment: "Seen the change.", by: seed.coordinatorPrincipal, now: StudySeed.now + 120)
            let again = try await statuses(seed, id)
            #expect(again == ["detail": "approved", "queue": "approved", "dashboard": "approved", "csv": "approved", "jsonl": "approved"])
        }
    }

    @Test("A coordinator's correction counts as an edit; flags, the review itself and a conflict resolution keeping the value do not")
    func whatCountsAsAnEdit() async throws {
        try await withSeededStudy { seed in
            let nis = seed.order[0]
            let id = try #require(seed.interviews[nis]?.first)
            let (loser, _) = try await ConflictFixture.make(in: seed, interview: id)
            _ = try await seed.store.approveInterview(id, comment: nil, by: seed.coordinatorPrincipal, now: StudySeed.now)

            // Settling the conflict by keeping the current value changes no data.
            _ = try await seed.store.resolveConflict(loser.id, choice: .current, value: nil, by: seed.coordinatorPrincipal, now: StudySeed.now + 10)
            #expect(try await seed.store.interviewDetail(id)?.reviewStatus == .approved)

            // A coordinator's correction through PATCH is an edit of the data.
            _ = try await seed.store.editInterview(
                id, fields: [Interview.Field.answer(Self.answer): .int(9)], by: seed.coordinatorPrincipal, now: StudySeed.now + 20
            )
            #expect(try await seed.store.interviewDetail(id)?.reviewStatus == .editedAfterApproval)

            // Flagging it records a new verdict: flagged, not edited.
            _ = try await seed.store.flagAnswer(id, question: Self.answer, comment: "Nine?", by: seed.coordinatorPrincipal, now: StudySeed.now + 30)
            #expect(try await seed.store.interviewDetail(id)?.reviewStatus == .flagged)
        }
    }

    @Test("The derivation: only an approval with a recorded position can turn into edited after approval")
    func derivation() {
        let approved: JSONValue = .object(["status": .string("approved"), "approvedThrough": .int(48210)])
        let old: JSONValue = .object(["status": .string("approved")])
        let flagged: JSONValue = .object(["status": .string("flagged")])
        #expect(ReviewStatus.derive(review: approved, dataChangedAfterApproval: true) == .editedAfterApproval)
        #expect(ReviewStatus.derive(review: approved, dataChangedAfterApproval: false) == .approved)
        #expect(ReviewStatus.derive(review: old, dataChangedAfterApproval: true) == .approved)
        #expect(ReviewStatus.derive(review: flagged, dataChangedAfterApproval: true) == .flagged)
        #expect(ReviewStatus.derive(review: nil, dataChangedAfterApproval: true) == nil)
        #expect(ReviewStatus.derive(review: .object(["status": .string("editedAfterApproval")]), dataChangedAfterApproval: false) == nil)
        #expect(ReviewStatus.approvedThrough(approved) == 48210)
        #expect(ReviewStatus.countsAsDataEdit("answers.b_aanpak"))
        #expect(ReviewStatus.countsAsDataEdit(Interview.Field.state))
        #expect(!ReviewStatus.countsAsDataEdit(Interview.Field.review))
        #expect(!ReviewStatus.countsAsDataEdit("flags.b_aanpak"))
    }
}
