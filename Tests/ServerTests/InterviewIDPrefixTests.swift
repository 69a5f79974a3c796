import Foundation
import Shared
import Testing

@testable import VeldwerkServer

@Suite("Interview ids by their first characters, as people type them")
struct InterviewIDPrefixTests {
    @Test("a unique start of an id (8 characters, as lists show them) names the interview; a short, unknown or shared one is refused")
    func prefixes() async throws {
        try await withRunningServer { client, seed in
            let auth = ["Authorization": "Bearer \(seed.coordinatorToken)"]
            // The seed's ids differ only at their ends (00000000-0000-4000-8000-0000000000NN); this one is random.
            let id = UUID().uuidString.lowercased()
            let nis = seed.order[5]
            let fields: [(String, JSONValue)] = [
                ("municipality", .string(nis)), ("questionnaire", .string(seed.form.id)), ("questionnaireVersion", .string(seed.form.version)),
                ("state", .string("complete")), ("interviewer", .string(seed.interviewers[5].id.rawValue)),
            ]
            try await seed.store.engine.write { db in
                _ = try SQLServerStore.author(
                    fields.map { FieldEdit(scope: .municipality(nis), entity: .interview, entityId: id, field: $0.0, value: $0.1) },
                    by: seed.coordinator.id, now: StudySeed.now, in: db
                )
            }
            let unique = String(id.prefix(8))
            let shown = try await client.get("/v1/interviews/\(unique)", headers: auth)
            #expect(shown.status == 200)
            #expect(shown.body.contains(id))
            let shared = try await client.get("/v1/interviews/00000000", headers: auth)
            #expect(shared.status == 400)
            #expect(shared.body.contains("more than one interview"))
            let unknown = try await client.get("/v1/interviews/ffffffff", headers: auth)
            #expect(unknown.status == 404)
            let short = try await client.get("/v1/interviews/abc", headers: auth)
            #expect(short.status == 400)
            let approve = try await client.postJSON("/v1/review/interviews/\(unique)/approve", "{}", headers: auth)
            #expect(approve.status == 200, "\(approve.body)")
        }
    }
}
