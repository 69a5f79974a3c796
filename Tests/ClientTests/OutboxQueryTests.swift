import GRDB
import Testing

@testable import VeldwerkClient

@Suite("Outbox queries")
struct OutboxQueryTests {
    @Test("reading the outbox walks the outbox and looks changes up by id: it never scans the laptop's whole log")
    func outboxIsTheOuterLoop() throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        let plan = try fixture.store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT l.* FROM \(ClientStore.outboxChanges) ORDER BY o.dseq LIMIT 500")
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.hasPrefix("SCAN o") }, "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH l USING") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN l") }, "a scan of change_log per sync: \(plan)")
    }
}

@Suite("Laptop durability")
struct LaptopDurabilityTests {
    @Test("the laptop's store commits with synchronous = FULL: an answer saved is on disk, power cut included")
    func clientWriterIsFull() throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        #expect(try fixture.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }
}
