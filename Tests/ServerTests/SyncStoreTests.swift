import Foundation
import Secrets
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("Server store: study, scopes, pull batches")
struct SyncStoreTests {
    private func withStore<T>(_ body: (SQLServerStore) async throws -> T) async throws -> T {
        try await withTemporaryDirectory { directory in
            let store = try await testStore(path: directory.appending("server.sqlite").path)
            _ = try await store.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: Date())
            return try await body(store)
        }
    }

    private func principal(_ user: User, device: DeviceID?) -> Principal {
        Principal(user: user.id, name: user.name, role: user.role, device: device)
    }

    @Test("the default study is loaded once: 313 roster rows and one questionnaire in the global scope")
    func studyLoadsOnce() async throws {
        try await withStore { store in
            #expect(try await store.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: Date()) == false)
            let pulled = try await store.pull(scopes: [.global], cursors: [:], excluding: nil, limit: 10_000)
            #expect(try pulled.decodedChanges().filter { $0.entity == .municipality }.count == 313)
            #expect(try pulled.decodedChanges().filter { $0.entity == .questionnaire }.count == 1)
            #expect(pulled.more == false)
        }
    }

    @Test("pulls come in bounded batches with per-scope cursors and `more`, and resume where they stopped")
    func boundedPulls() async throws {
        try await withStore { store in
            var cursors: [String: Int64] = [:]
            var seen: [ChangeID] = []
            var rounds = 0
            repeat {
                let page = try await store.pull(scopes: [.global], cursors: cursors, excluding: nil, limit: 50)
                #expect(page.changes.count <= 50)
                seen += page.changes.map(\.id)
                cursors = page.cursors
                rounds += 1
                if !page.more { break }
            } while rounds < 100
            #expect(rounds == 7, "314 changes in pages of 50")
            #expect(seen.count == 314)
            #expect(Set(seen).count == 314, "no change pulled twice")
        }
    }

    @Test("an interviewer reads global and the assigned municipalities; a reassignment moves the scope")
    func scopesFollowAssignments() async throws {
        try await withStore { store in
            let an = try await store.createUser(name: "An", role: .interviewer, email: nil, now: Date())
            let bert = try await store.createUser(name: "Bert", role: .interviewer, email: nil, now: Date())
            let coordinator = try await store.createUser(name: "Cas", role: .coordinator, email: nil, now: Date())
            _ = try await store.assign(["11001", "11002"], to: an.id, by: hostOperator, now: Date())
            #expect(try await store.readableScopes(for: principal(an, device: nil)) == [.global, .municipality("11001"), .municipality("11002")])
            _ = try await store.assign(["11002"], to: bert.id, by: hostOperator, now: Date())
            #expect(try await store.readableScopes(for: principal(an, device: nil)) == [.global, .municipality("11001")])
            #expect(try await store.readableScopes(for: principal(bert, device: nil)) == [.global, .municipality("11002")])
            #expect(try await store.readableScopes(for: principal(coordinator, device: nil)).count == 3)
        }
    }

    @Test("assigning an unknown municipality or a non-interviewer is refused and stores nothing")
    func badAssignments() async throws {
        try await withStore { store in
            let an = try await store.createUser(name: "An", role: .interviewer, email: nil, now: Date())
            let researcher = try await store.createUser(name: "Rik", role: .researcher, email: nil, now: Date())
            await #expect(throws: DomainError.self) { _ = try await store.assign(["11001", "99999"], to: an.id, by: hostOperator, now: Date()) }
            await #expect(throws: DomainError.self) { _ = try await store.assign(["11001"], to: researcher.id, by: hostOperator, now: Date()) }
            await #expect(throws: DomainError.self) { _ = try await store.assign(["11001"], to: UserID("u-nobody"), by: hostOperator, now: Date()) }
            #expect(try await store.readableScopes(for: principal(an, device: nil)) == [.global])
        }
    }

    @Test("tokens are stored only as hashes, and a revoked device's token stops working")
    func tokensAreHashed() async throws {
        try await withStore { store in
            let an = try await store.createUser(name: "An", role: .interviewer, email: nil, now: Date())
            let code = try await store.issueEnrolmentCode(for: an.id, lifetime: 60, now: Date())
            let enrolled = try await store.enrol(code: code.code, deviceName: "laptop", now: Date())
            let stored = try await store.engine.read { db in try db.values(String.self, "SELECT token_hash FROM device") }
            #expect(stored == [Secret.hash(enrolled.token)])
            #expect(!stored.contains(enrolled.token))
            #expect(try await store.principal(forTokenHash: Secret.hash(enrolled.token))?.device == enrolled.device)
            try await store.engine.write { db in try db.run("UPDATE device SET revoked_at = 1") }
            #expect(try await store.principal(forTokenHash: Secret.hash(enrolled.token)) == nil)
        }
    }

    @Test("a pushed batch is applied in one transaction and a repeated push is acknowledged without being stored twice")
    func idempotentPush() async throws {
        try await withStore { store in
            let an = try await store.createUser(name: "An", role: .interviewer, email: nil, now: Date())
            _ = try await store.assign(["11001"], to: an.id, by: hostOperator, now: Date())
            let device = DeviceID(rawValue: "d-laptop")!
            var clock = HybridClock(device: device)
            let interview = UUID().uuidString.lowercased()
            let changes = (1...20).map { seq in
                Change(
                    id: ChangeID(device: device, seq: Int64(seq)), scope: .municipality("11001"), entity: .contactAttempt,
                    entityId: UUID().uuidString.lowercased(), field: "note", value: .string("poging \(seq) — geen antwoord"),
                    hlc: clock.tick(physical: 1_000 + Int64(seq)), base: nil, author: an.id
                )
            } + [
                Change(
                    id: ChangeID(device: device, seq: 21), scope: .municipality("11001"), entity: .interview, entityId: interview,
                    field: "state", value: .string("draft"), hlc: clock.tick(physical: 2_000), base: nil, author: an.id
                )
            ]
            let who = principal(an, device: device)
            let first = try await store.push(changes, from: who, now: Date())
            let again = try await store.push(changes, from: who, now: Date())
            #expect(first.accepted.count == 21)
            #expect(again.accepted == first.accepted)
            let count = try await store.engine.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM change_log WHERE device = 'd-laptop'") }
            #expect(count == 21)
            let pulledBack = try await store.pull(scopes: [.municipality("11001")], cursors: [:], excluding: device, limit: 100)
            #expect(pulledBack.changes.allSatisfy { $0.id.device != device }, "a device is not sent its own changes back")
        }
    }
}
