import Foundation
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// The server's check of pushed repeat fields: instances of the form's repeats only, answers to
/// questions of the instance's repeat with values of their type, no moving an instance, and a cap.
@Suite("Repeats: pushed instances are checked against the questionnaire")
struct RepeatValidationTests {
    static let interview = "3f2a1d5e-0000-4000-8000-00000000000a"
    static let device = DeviceID(rawValue: "d-hostile")!
    static func form() throws -> Questionnaire {
        let survey = """
            type,name,label
            begin_repeat,household,Household
            text,head,Head
            integer,size,Size
            begin_repeat,member,Member
            text,member_name,Name
            end_repeat,,
            end_repeat,,
            text,outside,Outside
            """
        return try XLSFormCompiler.compile(survey: survey, choices: nil, defaultFormID: "repeats")
    }

    /// The validator's view of the store: one interview of form `repeats` in municipality 11001.
    struct Lookup: ValidationLookup {
        var form: Questionnaire
        var fields: [String: JSONValue]
        func municipalityExists(_ nis: String) throws -> Bool { true }
        func interviewFields(_ id: String) throws -> [String: JSONValue] { fields }
        func questionnaire(id: String, version: String) throws -> Questionnaire? { form }
        func userExists(_ id: UserID) throws -> Bool { true }
        func isAssigned(_ nis: String, to user: UserID) throws -> Bool { true }
        func scope(ofRecord entity: Entity, id: String) throws -> Scope? { .municipality("11001") }
    }

    private static let stored: [String: JSONValue] = [
        Interview.Field.municipality: .string("11001"), Interview.Field.questionnaire: .string("repeats"),
        Interview.Field.questionnaireVersion: .string("1"),
        "repeats.aaaaaaaa": RepeatInstance.Marker(group: "household", parent: nil, order: "1").value,
    ]

    /// Checks `edits` in order as one push of an interviewer's laptop; the verdict of each.
    private func verdicts(_ edits: [(String, JSONValue?)], stored: [String: JSONValue] = RepeatValidationTests.stored) throws -> [ChangeValidator<Lookup>.Verdict] {
        let principal = Principal(user: UserID("u-1"), name: "Iris", role: .interviewer, device: Self.device)
        var validator = ChangeValidator(principal: principal, lookup: Lookup(form: try Self.form(), fields: stored))
        return try edits.enumerated().map { index, edit in
            try validator.check(Change(
                id: ChangeID(device: Self.device, seq: Int64(index + 1)), scope: .municipality("11001"), entity: .interview,
                entityId: Self.interview, field: edit.0, value: edit.1, hlc: HLC(wall: 1_000 + Int64(index), counter: 0, device: Self.device),
                base: nil, author: principal.user
            ))
        }
    }

    private func marker(_ group: String, parent: String? = nil, order: String = "2") -> JSONValue {
        RepeatInstance.Marker(group: group, parent: parent, order: order).value
    }

    private func reason(_ verdict: ChangeValidator<Lookup>.Verdict) -> String {
        if case .reject(_, let reason) = verdict { return reason }
        return ""
    }

    @Test("a push that makes instances (nested too) and answers them in one batch is accepted")
    func acceptsInstancesAndAnswers() throws {
        let result = try verdicts([
            ("repeats.bbbbbbbb", marker("household")),
            ("repeats.bbbbbbbb.head", .string("Bert")),
            ("repeats.bbbbbbbb.size", .int(3)),
            ("repeats.cccccccc", marker("member", parent: "bbbbbbbb")),
            ("repeats.cccccccc.member_name", .string("Cas")),
            ("repeats.aaaaaaaa.size", .null),
            ("repeats.aaaaaaaa", RepeatInstance.Marker(group: "household", parent: nil, order: "1", deleted: true).value),
            ("repeats.aaaaaaaa.head", .string("late answer to a deleted instance")),
        ])
        #expect(result.allSatisfy { $0 == .accept }, "\(result)")
    }

    @Test("hostile repeat fields are refused with a reason", arguments: [
        ("repeats.ffffffff.head", JSONValue.string("x"), "never made"),
        ("repeats.aaaaaaaa.member_name", .string("x"), "has no question \"member_name\""),
        ("repeats.aaaaaaaa.outside", .string("x"), "has no question \"outside\""),
        ("repeats.aaaaaaaa.size", .string("three"), "whole number"),
        ("repeats.bbbbbbbb", .object(["group": .string("nowhere"), "order": .string("2")]), "no repeat \"nowhere\""),
        ("repeats.bbbbbbbb", .object(["group": .string("member"), "order": .string("2")]), "goes inside an existing instance"),
        ("repeats.bbbbbbbb", .object(["group": .string("household"), "parent": .string("aaaaaaaa"), "order": .string("2")]), "have no parent"),
        ("repeats.aaaaaaaa", .object(["group": .string("household"), "order": .string("0")]), "may only delete or restore"),
        ("repeats.aaaaaaaa", .null, "cannot be cleared"),
        ("repeats.aaaaaaaa", .string("household"), "makes a repeat instance"),
        ("repeats.AAAA", .string("x"), "not a repeat field"),
        ("answers.head", .string("x"), "its answers are repeats.<instance>.head"),
    ])
    func refusesHostileFields(field: String, value: JSONValue, reason: String) throws {
        let verdict = try #require(try verdicts([(field, value)]).first)
        guard case .reject(let code, let text) = verdict else {
            Issue.record("\(field) = \(value) was accepted")
            return
        }
        #expect(code == .invalid)
        #expect(text.contains(reason), "\(text)")
    }

    @Test("an interview holds at most 200 instances of a repeat, deleted ones included")
    func capsInstances() throws {
        var stored = Self.stored
        for index in 1..<ChangeValidator<Lookup>.maxInstancesPerRepeat {
            stored["repeats.z\(String(format: "%07d", index))"] = RepeatInstance.Marker(group: "household", parent: nil, order: "1", deleted: index.isMultiple(of: 2)).value
        }
        let result = try verdicts([("repeats.bbbbbbbb", marker("household")), ("repeats.cccccccc", marker("household"))], stored: stored)
        for verdict in result {
            #expect(verdict == .reject(.invalid, reason(verdict)) && reason(verdict).contains("200 instances"), "\(verdict)")
        }
    }

    @Test("the store publishes a form with a repeat (the runner asks its instances)")
    func publishingWithRepeats() async throws {
        try await withSeededStudy { seed in
            let result = try await seed.store.publishQuestionnaire(try Self.form(), by: seed.coordinatorPrincipal, now: StudySeed.now)
            #expect(result.published)
            #expect(try await seed.store.questionnaireSummaries().contains { $0.id == result.questionnaire.id })
        }
    }

    @Test("through the store: a laptop's instances are kept, a push past the cap and a moved instance are refused and change nothing")
    func storeKeepsInstancesAndRefusesHostilePushes() async throws {
        try await withSeededStudy { seed in
            let form = try Self.form()
            try await seed.publishPastTheCheck(form)
            let user = seed.interviewers[0]
            let enrolment = try await seed.enrolLaptop(for: user.id, name: "laptop-0")
            let principal = Principal(user: user.id, name: user.name, role: user.role, device: enrolment.device)
            let nis = seed.order[0]
            var seq: Int64 = 0
            func change(_ field: String, _ value: JSONValue) -> Change {
                seq += 1
                return Change(
                    id: ChangeID(device: enrolment.device, seq: seq), scope: .municipality(nis), entity: .interview, entityId: Self.interview,
                    field: field, value: value, hlc: HLC(wall: StudySeed.now.millisecondsSince1970 - 60_000 + seq, counter: 0, device: enrolment.device),
                    base: nil, author: user.id
                )
            }
            var first = [
                change(Interview.Field.municipality, .string(nis)), change(Interview.Field.questionnaire, .string(form.id)),
                change(Interview.Field.questionnaireVersion, .string(form.version)), change(Interview.Field.interviewer, .string(user.id.rawValue)),
                change(Interview.Field.state, .string("draft")),
            ]
            let ids = (0..<ChangeValidator<Lookup>.maxInstancesPerRepeat + 1).map { String(format: "h%07d", $0) }
            for id in ids {
                first.append(change("repeats.\(id)", RepeatInstance.Marker(group: "household", parent: nil, order: String(10_000 + seq)).value))
                first.append(change("repeats.\(id).head", .string("head \(id)")))
            }
            // In batches, as a laptop sends a long offline session.
            var rejected: [Rejection] = []
            for start in stride(from: 0, to: first.count, by: 60) {
                let batch = Array(first[start..<min(start + 60, first.count)])
                rejected += try await seed.store.push(batch, from: principal, now: StudySeed.now, clockOffsetMs: nil).rejected
            }
            #expect(rejected.count == 2, "the 201st instance and its answer: \(rejected.map(\.reason))")
            #expect(rejected.first?.reason.contains("200 instances") == true)

            let moved = change("repeats.\(ids[0])", RepeatInstance.Marker(group: "household", parent: nil, order: "0").value)
            let hostile = try await seed.store.push([moved], from: principal, now: StudySeed.now, clockOffsetMs: nil)
            #expect(hostile.rejected.map(\.changeId) == [moved.id])

            let fields = try await seed.store.engine.read { db in try ChangeLog.fields(of: .interview, id: Self.interview, in: db) }
            let interview = Interview(id: try #require(UUID(uuidString: Self.interview)), fields: fields)
            let households = interview.repeats?["household"] ?? []
            #expect(households.map(\.id) == Array(ids.prefix(ChangeValidator<Lookup>.maxInstancesPerRepeat)), "kept, in order; the refused one is not stored")
            #expect(households.first?.answers["head"] == .string("head \(ids[0])"))
            #expect(households.first?.order != "0", "the moved marker was not stored")
        }
    }

    @Test("the web form is not offered for a questionnaire with a repeat: inviting says why, in both languages")
    func noInvitationForRepeats() async throws {
        try await withSeededStudy { seed in
            var form = try Self.form()
            form.version = "999"  // the newest version, which invitations use
            try await seed.publishPastTheCheck(form)
            let error = await #expect(throws: DomainError.self) {
                try await seed.store.createInvitation(municipality: seed.order[0], email: nil, validDays: 7, by: seed.coordinatorPrincipal, now: StudySeed.now)
            }
            #expect(error?.code == "web_form_repeats")
            #expect(error?.message.contains("household") == true)
        }
    }
}

extension StudySeed {
    /// Publishes a form with repeats around the publishing check, as a later release that runs repeats will publish it.
    func publishPastTheCheck(_ form: Questionnaire) async throws {
        let definition = try JSONValue(encoding: form)
        try await store.engine.write { db in
            _ = try SQLServerStore.author(
                [FieldEdit(scope: .global, entity: .questionnaire, entityId: "\(form.id)@\(form.version)", field: "definition", value: definition)],
                by: coordinator.id, now: StudySeed.now, in: db
            )
        }
    }
}
