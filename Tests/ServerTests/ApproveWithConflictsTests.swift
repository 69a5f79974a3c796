import Foundation
import GRDB
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("Approving an interview with an open conflict warns")
struct ApproveWithConflictsTests {
    @Test("the review queue counts an interview's open conflicts; approving it is refused until resolved or confirmed")
    func openConflictBlocksApproval() async throws {
        try await withSeededStudy { seed in
            let nis = seed.order[0]
            let interview = try #require(seed.interviews[nis]?.first)
            let key = interview.uuidString.lowercased()
            // The coordinator corrects an answer; the interviewer's laptop, not having seen it, changes it too: a kept conflict.
            try await seed.store.engine.write { db in
                _ = try SQLServerStore.author(
                    [FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: "answers.b_meerjarenplan", value: .string("nee"))],
                    by: seed.coordinator.id, now: StudySeed.now, in: db
                )
            }
            let laptop = try await seed.enrolLaptop(for: seed.interviewers[0].id)
            let change = Change(
                id: ChangeID(device: laptop.device, seq: 1), scope: .municipality(nis), entity: .interview, entityId: key, field: "answers.b_meerjarenplan",
                value: .string("weet_niet"), hlc: HLC(wall: StudySeed.now.millisecondsSince1970 - 60_000, counter: 0, device: laptop.device), base: nil,
                author: seed.interviewers[0].id
            )
            let principal = Principal(user: seed.interviewers[0].id, name: seed.interviewers[0].name, role: .interviewer, device: laptop.device)
            #expect(try await seed.store.push([change], from: principal, now: StudySeed.now).accepted == [change.id])

            let items = ReviewQueueBuilder.items(try await seed.store.fieldworkSnapshot())
            let item = try #require(items.first { $0.id == key })
            #expect(item.openConflicts == 1)
            #expect(ReviewQueueBuilder.task(item).contains("Resolve the open conflict"))

            do {
                _ = try await seed.store.approveInterview(interview, comment: nil, despiteOpenConflicts: false, by: seed.coordinatorPrincipal, now: StudySeed.now)
                Issue.record("approved despite an open conflict")
            } catch let error as DomainError {
                #expect(error.code == "conflicts_open")
                #expect(error.kind == .conflict)
            }
            #expect(try await seed.store.interviewDetail(interview)?.interview.review?.objectValue?["status"] == nil, "nothing approved")
            let approved = try await seed.store.approveInterview(interview, comment: nil, despiteOpenConflicts: true, by: seed.coordinatorPrincipal, now: StudySeed.now)
            #expect(!approved.isEmpty)
        }
    }
}
