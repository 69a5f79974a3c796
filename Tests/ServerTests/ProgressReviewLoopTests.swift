import Foundation
import GRDB
import LogStore
import Shared
import Testing
@testable import VeldwerkServer

@Suite("Review loop: flags reach the laptop and the fix comes back")
struct ProgressReviewLoopTests {
    /// The first completed interview of the seed, its municipality and its interviewer.
    private func firstInterview(_ seed: StudySeed) throws -> (id: UUID, nis: String, interviewer: User) {
        let nis = seed.order[0]
        return (try #require(seed.interviews[nis]?.first), nis, seed.interviewers[0])
    }

    @Test("A flag is in the pull of the interviewer's laptop; the pushed fix marks it answered; approval resolves it")
    func flagRoundTrip() async throws {
        try await withSeededStudy { seed in
            let (id, nis, interviewer) = try firstInterview(seed)
            let key = id.uuidString.lowercased()
            var laptop = TestLaptop(enrolment: try await seed.enrolLaptop(for: interviewer.id), user: interviewer)

            let written = try await seed.store.flagAnswer(id, question: "a_aantal_respondenten", comment: "Two? The minutes name three.", by: seed.coordinatorPrincipal, now: StudySeed.now)
            #expect(written.map(\.field) == ["flags.a_aantal_respondenten", "review"])

            // The laptop syncs: the flag is in its pull, in the municipality's scope.
            let scopes = try await seed.store.readableScopes(for: laptop.principal)
            #expect(scopes.contains(.municipality(nis)))
            let pulled = try await seed.store.pull(scopes: scopes, cursors: [:], excluding: laptop.device, limit: 100_000)
            let flagChange = try #require(try pulled.decodedChanges().last { $0.entityId == key && $0.field == "flags.a_aantal_respondenten" })
            #expect(flagChange.value?.objectValue?["status"] == .string("open"))
            #expect(flagChange.value?.objectValue?["comment"] == .string("Two? The minutes name three."))
            #expect(flagChange.scope == .municipality(nis))

            // The interviewer fixes the answer and answers the flag, having seen both.
            let answerKey = FieldKey(entity: .interview, entityId: key, field: "answers.a_aantal_respondenten")
            let answerBase = try await seed.store.engine.read { db in try ChangeLog.currentClock(of: answerKey, in: db) }
            var answered = flagChange.value?.objectValue ?? [:]
            answered["status"] = .string("answered")
            answered["answeredAt"] = .string("2024-12-05T13:00:00Z")
            let wall = StudySeed.now.millisecondsSince1970 + 3_600_000
            let fix = [
                laptop.change(answerKey, scope: .municipality(nis), value: .int(3), wall: wall, base: answerBase),
                laptop.change(flagChange.key, scope: .municipality(nis), value: .object(answered), wall: wall + 1, base: flagChange.hlc),
            ]
            let pushed = try await seed.store.push(fix, from: laptop.principal, now: StudySeed.now)
            #expect(pushed.rejected.isEmpty)
            #expect(pushed.accepted.count == 2)

            var detail = try #require(try await seed.store.interviewDetail(id))
            #expect(detail.interview.answers["a_aantal_respondenten"] == .int(3))
            #expect(detail.interview.flags["a_aantal_respondenten"]?.objectValue?["status"] == .string("answered"))
            #expect(try await seed.store.conflictViews(openOnly: true, entityId: key).isEmpty)
            var report = ProgressCalculator(snapshot: try await seed.store.fieldworkSnapshot()).report(now: StudySeed.now, staleAfterDays: 3)
            #expect(report.openFlags == 0)
            #expect(report.answeredFlags == 1)

            // The coordinator approves: the answered flag is resolved and the review says approved.
            let approval = try await seed.store.approveInterview(id, comment: "Fixed.", by: seed.coordinatorPrincipal, now: StudySeed.now + 7200)
            #expect(Set(approval.map(\.field)) == ["flags.a_aantal_respondenten", "review"])
            detail = try #require(try await seed.store.interviewDetail(id))
            #expect(detail.interview.flags["a_aantal_respondenten"]?.objectValue?["status"] == .string("resolved"))
            #expect(detail.interview.review?.objectValue?["status"] == .string("approved"))
            report = ProgressCalculator(snapshot: try await seed.store.fieldworkSnapshot()).report(now: StudySeed.now, staleAfterDays: 3)
            #expect(report.answeredFlags == 0)

            // And the verdict reaches the laptop too.
            let later = try await seed.store.pull(scopes: scopes, cursors: pulled.cursors, excluding: laptop.device, limit: 1000)
            #expect(try later.decodedChanges().contains { $0.entityId == key && $0.field == "review" && $0.value?.objectValue?["status"] == .string("approved") })
        }
    }

    @Test("Approval waits while a flag is open; unknown questions cannot be flagged; drafts cannot be approved")
    func refusals() async throws {
        try await withSeededStudy { seed in
            let (id, _, _) = try firstInterview(seed)
            _ = try await seed.store.flagAnswer(id, question: "a_functie", comment: "Check", by: seed.coordinatorPrincipal, now: StudySeed.now)
            await #expect(throws: DomainError.self) {
                try await seed.store.approveInterview(id, comment: nil, by: seed.coordinatorPrincipal, now: StudySeed.now)
            }
            do {
                _ = try await seed.store.approveInterview(id, comment: nil, by: seed.coordinatorPrincipal, now: StudySeed.now)
            } catch let error as DomainError {
                #expect(error.kind == .conflict)
                #expect(error.message.contains("a_functie"))
            }
            do {
                _ = try await seed.store.flagAnswer(id, question: "no_such_question", comment: "?", by: seed.coordinatorPrincipal, now: StudySeed.now)
                Issue.record("flagging an unknown question should fail")
            } catch let error as DomainError {
                #expect(error.kind == .invalid)
            }
            // Resolving the flag lets the approval through.
            _ = try await seed.store.resolveFlag(id, question: "a_functie", by: seed.coordinatorPrincipal, now: StudySeed.now)
            _ = try await seed.store.approveInterview(id, comment: nil, by: seed.coordinatorPrincipal, now: StudySeed.now)

            let draftNIS = seed.order[147]
            let draft = try #require(seed.interviews[draftNIS]?.first)
            do {
                _ = try await seed.store.approveInterview(draft, comment: nil, by: seed.coordinatorPrincipal, now: StudySeed.now)
                Issue.record("approving a draft should fail")
            } catch let error as DomainError {
                #expect(error.code == "not_complete")
            }
        }
    }

    @Test("A conflict lists both values with labels and authors; resolving it is a change that syncs", arguments: [ConflictChoice.kept, .current, .new])
    func resolveConflict(choice: ConflictChoice) async throws {
        try await withSeededStudy { seed in
            let (id, nis, interviewer) = try firstInterview(seed)
            let (loser, winner) = try await ConflictFixture.make(in: seed, interview: id)
            let views = try await seed.store.conflictViews(openOnly: true, entityId: nil)
            let view = try #require(views.first)
            #expect(views.count == 1)
            #expect(view.id == loser.id)
            #expect(view.label == "Wat is uw functie binnen het lokaal bestuur?")
            #expect(view.kept.display == "schepen")
            #expect(view.current?.display == "onderwijsregisseur")
            #expect(view.kept.authorName == interviewer.name)
            #expect(view.current?.change == winner.id)
            #expect(view.kept.at.hasPrefix("2024-12-05T12:00:01"))

            let newValue: JSONValue? = choice == .new ? .string("coördinator flankerend onderwijsbeleid") : nil
            let changes = try await seed.store.resolveConflict(loser.id, choice: choice, value: newValue, by: seed.coordinatorPrincipal, now: StudySeed.now)
            #expect(changes.count == 2)
            #expect(changes[0].entity == .conflict && changes[0].entityId == loser.id.description && changes[0].field == "resolution")
            #expect(changes.allSatisfy { $0.scope == .municipality(nis) })
            let expected: JSONValue = switch choice {
            case .kept: .string("schepen")
            case .current: .string("onderwijsregisseur")
            case .new: .string("coördinator flankerend onderwijsbeleid")
            }
            #expect(changes[1].value == expected)
            #expect(changes[0].value?.objectValue?["choice"] == .string(choice.rawValue))

            let detail = try #require(try await seed.store.interviewDetail(id))
            #expect(detail.interview.answers["a_functie"] == expected)
            #expect(try await seed.store.conflictViews(openOnly: true, entityId: nil).isEmpty)
            #expect(try await seed.store.conflictViews(openOnly: false, entityId: nil).first?.resolution != nil)
            let snapshot = try await seed.store.fieldworkSnapshot()
            #expect(snapshot.openConflicts == 0)

            // Both laptops pull the resolution and the value.
            let laptop = Principal(user: interviewer.id, name: interviewer.name, role: .interviewer, device: loser.id.device)
            let pulled = try await seed.store.pull(scopes: [.municipality(nis)], cursors: [:], excluding: loser.id.device, limit: 100_000)
            #expect(try pulled.decodedChanges().contains { $0.entity == .conflict && $0.entityId == loser.id.description })
            #expect(try pulled.decodedChanges().last { $0.key == loser.key }?.value == expected)
            _ = laptop

            do {
                _ = try await seed.store.resolveConflict(loser.id, choice: .kept, value: nil, by: seed.coordinatorPrincipal, now: StudySeed.now)
                Issue.record("a second resolution should be refused")
            } catch let error as DomainError {
                #expect(error.code == "already_resolved")
            }
        }
    }

    @Test("A new value that does not fit the question is refused")
    func invalidNewValue() async throws {
        try await withSeededStudy { seed in
            let (id, _, _) = try firstInterview(seed)
            let (loser, _) = try await ConflictFixture.make(in: seed, interview: id, field: "answers.b_meerjarenplan", values: (.string("nee"), .string("weet_niet")))
            let view = try #require(try await seed.store.conflictViews(openOnly: true, entityId: nil).first)
            #expect(view.kept.display == "Nee")  // choice labels, not codes
            #expect(view.current?.display == "Weet niet")
            await #expect(throws: DomainError.self) {
                try await seed.store.resolveConflict(loser.id, choice: .new, value: .string("misschien"), by: seed.coordinatorPrincipal, now: StudySeed.now)
            }
        }
    }
}
