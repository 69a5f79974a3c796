import Foundation
import GRDB
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// A laptop that pushes what it likes: the forged changes of a hostile or broken client.
private struct ForgingLaptop {
    let principal: Principal
    let device: DeviceID
    var seq: Int64 = 0
    var wall: Int64 = StudySeed.now.millisecondsSince1970 - 60_000

    init(user: User, device: DeviceID) {
        principal = Principal(user: user.id, name: user.name, role: user.role, device: device)
        self.device = device
    }

    mutating func change(_ scope: Scope, _ entity: Entity, _ id: String, _ field: String, _ value: JSONValue?) -> Change {
        seq += 1
        wall += 1
        return Change(
            id: ChangeID(device: device, seq: seq), scope: scope, entity: entity, entityId: id, field: field, value: value,
            hlc: HLC(wall: wall, counter: 0, device: device), base: nil, author: principal.user
        )
    }
}

@Suite("Authority: who may write what, on every pushed change")
struct WriteAuthorityTests {
    /// Every change the log holds with this id, as stored.
    private func stored(_ id: ChangeID, in store: SQLServerStore) async throws -> Bool {
        try await store.engine.read { db in
            try db.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM change_log WHERE device = ? AND dseq = ?)", [id.device.rawValue, id.seq])
                ?? false
        }
    }

    private func field(_ entity: Entity, _ id: String, _ field: String, in store: SQLServerStore) async throws -> (scope: String, value: String?)? {
        try await store.engine.read { db in
            try db.fetchOne("SELECT scope, value FROM field_state WHERE entity = ? AND entity_id = ? AND field = ?",
                [entity.rawValue, id, field]
            ).map { ($0["scope"], $0["value"]) }
        }
    }

    /// A laptop of the seed's interviewer `index` (who holds the seed's municipalities `index`, `index + 20`, …).
    private func laptop(_ seed: StudySeed, interviewer index: Int) async throws -> ForgingLaptop {
        let enrolment = try await seed.enrolLaptop(for: seed.interviewers[index].id, name: "laptop-\(index)")
        return ForgingLaptop(user: seed.interviewers[index], device: enrolment.device)
    }

    private func push(_ changes: [Change], from laptop: ForgingLaptop, to store: SQLServerStore) async throws -> PushResult {
        try await store.push(changes, from: laptop.principal, now: StudySeed.now, clockOffsetMs: nil)
    }

    @Test("an interviewer cannot take over a contact attempt of a municipality someone else holds")
    func contactAttemptOfAnotherScope() async throws {
        try await withSeededStudy { seed in
            var mine = try await laptop(seed, interviewer: 0)
            let theirs = seed.order[1]  // interviewer 1's
            let attempt = try #require(
                try await seed.store.engine.read { db in
                    try db.value(String.self, "SELECT entity_id FROM field_state WHERE entity = 'contactAttempt' AND scope = ? LIMIT 1",
                        [Scope.municipality(theirs).rawValue]
                    )
                }
            )
            let before = try await field(.contactAttempt, attempt, "outcome", in: seed.store)
            let own = seed.order[0]
            let forged = [
                mine.change(.municipality(own), .contactAttempt, attempt, "municipality", .string(own)),
                mine.change(.municipality(own), .contactAttempt, attempt, "outcome", .string("interviewed")),
            ]
            let result = try await push(forged, from: mine, to: seed.store)
            #expect(result.accepted.isEmpty)
            #expect(result.rejected.map(\.code) == [.forbidden, .forbidden])
            #expect(result.rejected.allSatisfy { $0.reason.contains("belongs to municipality:\(theirs)") })
            for change in forged { #expect(try await stored(change.id, in: seed.store) == false) }
            let after = try await field(.contactAttempt, attempt, "outcome", in: seed.store)
            #expect(after?.scope == before?.scope && after?.value == before?.value, "the other scope is untouched")
        }
    }

    @Test("an interviewer cannot approve, resolve a flag, reassign an interview or store a nested contact time")
    func forgedReviewAndFields() async throws {
        try await withSeededStudy { seed in
            var mine = try await laptop(seed, interviewer: 0)
            let nis = seed.order[0]
            let interview = try #require(seed.interviews[nis]?.first)
            let key = interview.uuidString.lowercased()
            _ = try await seed.store.flagAnswer(interview, question: "b_meerjarenplan", comment: "Klopt dit?", by: seed.coordinatorPrincipal, now: StudySeed.now)
            let flag = try #require(try await field(.interview, key, "flags.b_meerjarenplan", in: seed.store)?.value)
            var resolved = try #require(try JSONValue(json: flag).objectValue)
            resolved["status"] = .string("resolved")
            resolved["resolvedBy"] = .string(seed.coordinator.id.rawValue)
            let reviewBefore = try await field(.interview, key, "review", in: seed.store)?.value
            let scope = Scope.municipality(nis)
            let forged = [
                mine.change(scope, .interview, key, "review", .object(["status": .string("approved"), "by": .string(seed.coordinator.id.rawValue)])),
                mine.change(scope, .interview, key, "flags.b_meerjarenplan", .object(resolved)),
                mine.change(scope, .interview, key, "interviewer", .string(seed.interviewers[5].id.rawValue)),
                mine.change(scope, .contactAttempt, UUID().uuidString.lowercased(), "at", .object(["nested": .object(["deeper": .int(1)])])),
                mine.change(scope, .caseFile, nis, "status", .string("completed")),
                mine.change(scope, .assignment, nis, "interviewer", .string(seed.interviewers[0].id.rawValue)),
                mine.change(.global, .questionnaire, "x@1", "definition", .object([:])),
            ]
            let result = try await push(forged, from: mine, to: seed.store)
            #expect(result.accepted.isEmpty)
            #expect(result.rejected.map(\.code) == [.forbidden, .forbidden, .forbidden, .invalid, .forbidden, .forbidden, .forbidden])
            #expect(result.rejected.allSatisfy { !$0.reason.isEmpty })
            for change in forged { #expect(try await stored(change.id, in: seed.store) == false) }
            #expect(try await field(.interview, key, "review", in: seed.store)?.value == reviewBefore)
            #expect(try await field(.interview, key, "flags.b_meerjarenplan", in: seed.store)?.value == flag)
        }
    }

    @Test("an interviewer still answers a flag, names only themselves, and logs contacts in their own scope")
    func legitimateEditsPass() async throws {
        try await withSeededStudy { seed in
            var mine = try await laptop(seed, interviewer: 0)
            let nis = seed.order[0]
            let interview = try #require(seed.interviews[nis]?.first)
            let key = interview.uuidString.lowercased()
            _ = try await seed.store.flagAnswer(interview, question: "b_meerjarenplan", comment: "Klopt dit?", by: seed.coordinatorPrincipal, now: StudySeed.now)
            let raised = try #require(try await field(.interview, key, "flags.b_meerjarenplan", in: seed.store)?.value)
            var flag = try #require(try JSONValue(json: raised).objectValue)
            flag["status"] = .string("answered")
            flag["answeredAt"] = .string("2024-12-05T12:01:00.250Z")
            let attempt = UUID().uuidString.lowercased()
            let scope = Scope.municipality(nis)
            let changes = [
                mine.change(scope, .interview, key, "flags.b_meerjarenplan", .object(flag)),
                mine.change(scope, .interview, key, "answers.b_meerjarenplan", .string("nee")),
                mine.change(scope, .contactAttempt, attempt, "municipality", .string(nis)),
                mine.change(scope, .contactAttempt, attempt, "at", .string("2024-12-05T11:59:59.123Z")),
                mine.change(scope, .contactAttempt, attempt, "outcome", .string("callback")),
                mine.change(scope, .contactAttempt, attempt, "interviewer", .string(seed.interviewers[0].id.rawValue)),
                mine.change(scope, .contactAttempt, attempt, "note", .string("Bel terug na 14u.\n\tVraag naar Els.")),
            ]
            let result = try await push(changes, from: mine, to: seed.store)
            #expect(result.rejected.isEmpty, "\(result.rejected.map(\.reason))")
            #expect(result.accepted.count == changes.count)
            // A flag the coordinator never raised, and one whose comment the interviewer rewrites, are not theirs to write.
            var rewritten = flag
            rewritten["comment"] = .string("Niets aan de hand")
            let forged = [
                mine.change(scope, .interview, key, "flags.b_aanpak", .object(["status": .string("answered")])),
                mine.change(scope, .interview, key, "flags.b_meerjarenplan", .object(rewritten)),
                mine.change(scope, .interview, key, "flags.b_meerjarenplan", nil),
            ]
            let refused = try await push(forged, from: mine, to: seed.store)
            #expect(refused.rejected.map(\.code) == [.forbidden, .forbidden, .forbidden])
        }
    }

    @Test("a coordinator's laptop cannot push a questionnaire or roster row; no laptop forges a base newer than its change or an uppercase id")
    func serverOnlyAndForgedClocks() async throws {
        try await withSeededStudy { seed in
            let enrolment = try await seed.enrolLaptop(for: seed.coordinator.id, name: "coordinator-laptop")
            var laptop = ForgingLaptop(user: seed.coordinator, device: enrolment.device)
            let nis = seed.order[0]
            var hidden = laptop.change(.municipality(nis), .caseFile, nis, "status", .string("refused"))
            hidden.base = HLC(wall: hidden.hlc.wall + 1, counter: 0, device: .server)  // "I saw everything": no conflict would be kept
            let forged = [
                laptop.change(.global, .questionnaire, "vragenlijst@9", "definition", .object(["id": .string("vragenlijst")])),
                laptop.change(.global, .municipality, "11001@2019-01-01", "record", .object(["nis": .string("11001")])),
                hidden,
                laptop.change(.municipality(nis), .contactAttempt, UUID().uuidString, "outcome", .string("refused")),
                // A flag on a question the form does not have (one push could add thousands of such fields).
                laptop.change(
                    .municipality(nis), .interview, try #require(seed.interviews[nis]?.first).uuidString.lowercased(), "flags.bestaat_niet",
                    .object(["comment": .string("x"), "status": .string("open")])
                ),
            ]
            let result = try await push(forged, from: laptop, to: seed.store)
            #expect(result.rejected.map(\.code) == [.forbidden, .forbidden, .invalid, .invalid, .invalid])
            for change in forged { #expect(try await stored(change.id, in: seed.store) == false) }
        }
    }

    @Test("a coordinator's resolution with a value of the wrong shape is refused, and the conflict stays open")
    func resolutionUsesTheTable() async throws {
        try await withSeededStudy { seed in
            var mine = try await laptop(seed, interviewer: 0)
            let nis = seed.order[0]
            let attempt = UUID().uuidString.lowercased()
            // The coordinator sets a time first; the laptop, not having seen it, sets another: a kept conflict.
            try await seed.store.engine.write { db in
                _ = try SQLServerStore.author(
                    [FieldEdit(scope: .municipality(nis), entity: .contactAttempt, entityId: attempt, field: "at", value: .string("2024-12-05T10:00:00Z"))],
                    by: seed.coordinator.id, now: StudySeed.now, in: db
                )
            }
            let pushed = mine.change(.municipality(nis), .contactAttempt, attempt, "at", .string("2024-12-05T09:00:00Z"))
            #expect(try await push([pushed], from: mine, to: seed.store).accepted == [pushed.id])
            let open = try await seed.store.conflicts(openOnly: true).filter { $0.key.entityId == attempt }
            #expect(open.count == 1)
            // The conflict says which laptop and person each value came from.
            let view = try #require(try await seed.store.conflictViews(openOnly: true, entityId: attempt).first)
            #expect(view.kept.deviceName == "laptop-0" && view.kept.authorName == seed.interviewers[0].name)
            #expect(view.current?.deviceName == "server")
            await #expect(throws: DomainError.self) {
                _ = try await seed.store.resolveConflict(
                    pushed.id, choice: .new, value: .object(["deep": .array([.object([:])])]), by: seed.coordinatorPrincipal, now: StudySeed.now
                )
            }
            #expect(try await seed.store.conflicts(openOnly: true).filter { $0.key.entityId == attempt }.count == 1)
            #expect(try await field(.contactAttempt, attempt, "at", in: seed.store)?.value == "\"2024-12-05T10:00:00Z\"")
        }
    }

    @Test("a coordinator's PATCH goes through the same table: a nested startedAt is refused and nothing is stored")
    func coordinatorEditsUseTheTable() async throws {
        try await withSeededStudy { seed in
            let nis = seed.order[0]
            let interview = try #require(seed.interviews[nis]?.first)
            await #expect(throws: DomainError.self) {
                _ = try await seed.store.editInterview(
                    interview, fields: ["startedAt": .object(["x": .int(1)])], by: seed.coordinatorPrincipal, now: StudySeed.now
                )
            }
            await #expect(throws: DomainError.self) {
                _ = try await seed.store.editInterview(
                    interview, fields: ["respondentName": .string("Els\u{1B}[2J")], by: seed.coordinatorPrincipal, now: StudySeed.now
                )
            }
            let researcher = Principal(user: UserID("u-r"), name: "Rik", role: .researcher, device: nil)
            await #expect(throws: DomainError.self) {
                _ = try await seed.store.editInterview(interview, fields: ["answers.b_meerjarenplan": .string("nee")], by: researcher, now: StudySeed.now)
            }
            let startedAt = try await field(.interview, interview.uuidString.lowercased(), "startedAt", in: seed.store)?.value
            #expect(startedAt?.hasPrefix("\"2024-") == true)
        }
    }

    @Test("docs/ARCHITECTURE.md prints the authority table as the code holds it")
    func documentedTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appending(path: "docs/ARCHITECTURE.md"), encoding: .utf8)
        for rule in WriteAuthority.rules {
            let row = "| \(rule.scope.rawValue) | \(rule.entity.rawValue) | `\(rule.field)` | \(rule.writersText) | \(rule.shape)\(rule.nullable ? ", or null" : "") |"
            #expect(text.contains(row), "docs/ARCHITECTURE.md lacks the row \(row)")
        }
    }

    /// Values a forger might send: every shape the table knows, and the ones it refuses.
    private static let forgedValues: [JSONValue?] = [
        nil, .null, .int(3), .double(0.5), .bool(true), .string(""), .string("ja"), .string("lap\u{0}top"), .string("a\u{1B}[D"),
        .string("2025-01-14T10:30:00Z"), .string("2025-02-30T10:30:00Z"), .string("completed"), .string("interviewed"), .string("phone"),
        .string("u-forger"), .string("11001"), .array([.string("a")]), .object([:]), .object(["status": .string("approved")]),
        .object(["status": .string("answered")]), .object(["a": .object(["b": .object(["c": .int(1)])])]),
    ]

    @Test("forged pushes: whatever a laptop sends, nothing the authority table refuses is stored", arguments: [1, 2, 3, 4] as [UInt64])
    func forgedPushesProperty(seed number: UInt64) async throws {
        try await withSeededStudy { seed in
            var random = SeededRandom(seed: number)
            let coordinatorLaptop = try await seed.enrolLaptop(for: seed.coordinator.id, name: "coordinator-laptop")
            var laptops = [try await laptop(seed, interviewer: 0), try await laptop(seed, interviewer: 1)]
            laptops.append(ForgingLaptop(user: seed.coordinator, device: coordinatorLaptop.device))
            let scopes: [Scope] = [.global, .municipality(seed.order[0]), .municipality(seed.order[1]), .municipality(seed.order[20]), .municipality("99999")]
            let entities: [Entity] = [.interview, .contactAttempt, .caseFile, .assignment, .municipality, .questionnaire, .conflict, Entity(rawValue: "user")]
            let fields = Set(WriteAuthority.rules.map { rule -> String in
                switch rule.field {
                case .exact(let name): return name
                case .prefix(let prefix): return prefix + "b_meerjarenplan"
                }
            }).sorted() + ["token", "answers.", "flags.b_aanpak", "role"]
            // Ids the seed's records have, in scopes the laptops do and do not hold, and new ones.
            let existing = try await seed.store.engine.read { db in
                try db.fetchAll("SELECT DISTINCT entity, entity_id FROM field_state WHERE scope IN (?, ?) AND entity IN ('interview', 'contactAttempt')",
                    [Scope.municipality(seed.order[0]).rawValue, Scope.municipality(seed.order[1]).rawValue]
                ).map { (Entity(rawValue: $0["entity"]), $0["entity_id"] as String) }
            }
            let newIDs = (0..<4).map { _ in UUID().uuidString.lowercased() } + [seed.order[0], seed.order[1], "x@1"]

            for _ in 0..<40 {
                let index = Int.random(in: 0..<laptops.count, using: &random)
                var batch: [Change] = []
                for _ in 0..<Int.random(in: 1...12, using: &random) {
                    let entity: Entity
                    let id: String
                    if Bool.random(using: &random), let pick = existing.randomElement(using: &random) {
                        (entity, id) = pick
                    } else {
                        entity = entities.randomElement(using: &random) ?? .interview
                        id = newIDs.randomElement(using: &random) ?? "x"
                    }
                    let scope = scopes.randomElement(using: &random) ?? .global
                    let field = fields.randomElement(using: &random) ?? "state"
                    let value = Self.forgedValues.randomElement(using: &random) ?? nil
                    batch.append(laptops[index].change(scope, entity, id, field, value))
                }
                _ = try await push(batch, from: laptops[index], to: seed.store)
            }

            // What the log holds from the laptops must all be allowed by the table, in the record's own scope.
            let laptopsByDevice = Dictionary(uniqueKeysWithValues: laptops.map { ($0.device, $0.principal) })
            let devices = SQLArguments(laptops.map(\.device.rawValue))
            let rows = try await seed.store.engine.read { db in
                try db.fetchAll("SELECT * FROM change_log WHERE device IN (?, ?, ?)", devices).map(ChangeLog.change)
            }
            for change in rows {
                let principal = try #require(laptopsByDevice[change.id.device])
                let verdict = WriteAuthority.check(
                    scope: change.scope, entity: change.entity, field: change.field, value: change.value, role: principal.role, author: principal.user
                )
                #expect(verdict == .allowed, "stored \(change.key) = \(String(describing: change.value)) from a \(principal.role)")
                if principal.role == .interviewer, let nis = change.scope.municipalityNIS {
                    #expect(try await seed.store.isAssigned(nis, to: principal.user), "stored in a scope \(principal.name) does not hold")
                }
            }
            let movedRecords = try await seed.store.engine.read { db in
                try db.value(Int.self, "SELECT COUNT(*) FROM (SELECT entity, entity_id FROM change_log GROUP BY entity, entity_id HAVING COUNT(DISTINCT scope) > 1) AS moved"
                ) ?? -1
            }
            #expect(movedRecords == 0, "a record changed scope")
        }
    }
}

extension SQLServerStore {
    fileprivate func isAssigned(_ nis: String, to user: UserID) async throws -> Bool {
        try await engine.read { db in try SQLValidationLookup(db: db, cache: QuestionnaireCache()).isAssigned(nis, to: user) }
    }
}
