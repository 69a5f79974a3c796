import Foundation
import Crypto
import GRDB
import LogStore
import Shared
import TestSupport
@testable import VeldwerkServer

/// A seeded study with known answers: the default roster (300 municipalities in 2024, 285 in 2025),
/// 20 interviewers, and a known mix of outcomes.
///
/// The 272 municipalities untouched by the 2025 mergers come first (by NIS code), then the 28 that
/// merged. Of the first 272, by position: 96 completed (the first 28 with a second respondent),
/// 39 refused, 12 with an appointment, 10 in progress, 5 unreachable (set by a coordinator),
/// 50 contacted without result, 60 not contacted. Of the merged ones, Borsbeek (11007, into
/// Antwerpen) completed and Galmaarden (23023, into Pajottegem) refused; the rest were not contacted.
/// Municipality `i` in that order is assigned to interviewer `i % 20`.
///
/// So with the 2024 list: 97 of 300 took part, 125 interviews; with the 2025 list 97 of 285.
struct StudySeed {
    static let now = Date(timeIntervalSince1970: 1_733_400_000)  // 2024-12-05T12:00:00Z
    static let firstDay = "2024-11-01"

    let store: SQLServerStore
    let form: Questionnaire
    let coordinator: User
    let coordinatorToken: String
    let interviewers: [User]
    /// NIS codes in seeding order.
    let order: [String]
    /// Interview ids by NIS code.
    let interviews: [String: [UUID]]

    static func make(_ store: SQLServerStore) async throws -> StudySeed {
        let form = try XLSFormCompiler.defaultStudy()
        let roster = try Roster.defaultStudy()
        _ = try await store.loadStudyIfEmpty(roster: roster, questionnaire: form, now: now)
        let coordinator = try await store.createUser(name: "Coco Ordinator", role: .coordinator, email: nil, now: now)
        let token = try await store.issueAPIToken(for: coordinator.id, now: now)
        var interviewers: [User] = []
        for index in 0..<20 {
            interviewers.append(try await store.createUser(name: String(format: "Interviewer %02d", index), role: .interviewer, email: nil, now: now))
        }
        let list2024 = roster.municipalities(validOn: "2024-12-31")
        let merging = list2024.filter { $0.validTo == "2024-12-31" }.map(\.nis).sorted()
        let staying = list2024.filter { $0.validTo != "2024-12-31" }.map(\.nis).sorted()
        let order = staying + merging

        var edits: [FieldEdit] = []
        var interviews: [String: [UUID]] = [:]
        var uuidCounter = 0
        func nextUUID() -> UUID {
            uuidCounter += 1
            return UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", uuidCounter)) ?? UUID()
        }
        func attempt(_ nis: String, outcome: ContactAttempt.Outcome, interviewer: UserID, at: String = "2024-11-01T09:00:00Z") {
            let id = nextUUID().uuidString.lowercased()
            let scope = Scope.municipality(nis)
            let fields: [(String, JSONValue)] = [
                ("municipality", .string(nis)), ("at", .string(at)), ("mode", .string("phone")), ("outcome", .string(outcome.rawValue)),
                ("interviewer", .string(interviewer.rawValue)),
            ]
            for (field, value) in fields { edits.append(FieldEdit(scope: scope, entity: .contactAttempt, entityId: id, field: field, value: value)) }
        }
        func interview(_ nis: String, state: Interview.State, interviewer: UserID, day: Int) {
            let uuid = nextUUID()
            interviews[nis, default: []].append(uuid)
            let id = uuid.uuidString.lowercased()
            let date = Calendar(identifier: .gregorian).date(byAdding: .day, value: day, to: Date(timeIntervalSince1970: 1_730_678_400)) ?? now  // 2024-11-04
            let stamp = ProgressCalculator.isoTime(date)
            var fields: [(String, JSONValue)] = [
                ("municipality", .string(nis)), ("questionnaire", .string(form.id)), ("questionnaireVersion", .string(form.version)),
                ("state", .string(state.rawValue)), ("startedAt", .string(stamp)), ("interviewer", .string(interviewer.rawValue)),
                ("mode", .string("face_to_face")), ("respondentFunction", .string("diensthoofd welzijn")),
                ("answers.a_functie", .string("diensthoofd welzijn")), ("answers.a_dienst", .string("welzijn")),
                ("answers.a_aantal_respondenten", .int(2)), ("answers.b_meerjarenplan", .string("ja")),
            ]
            if state == .complete { fields.append(("completedAt", .string(stamp))) }
            for (field, value) in fields {
                edits.append(FieldEdit(scope: .municipality(nis), entity: .interview, entityId: id, field: field, value: value))
            }
        }

        for (index, nis) in order.enumerated() {
            let interviewer = interviewers[index % 20].id
            edits.append(FieldEdit(scope: .municipality(nis), entity: .assignment, entityId: nis, field: "interviewer", value: .string(interviewer.rawValue)))
            switch index {
            case 0..<96:
                attempt(nis, outcome: .appointment, interviewer: interviewer)
                interview(nis, state: .complete, interviewer: interviewer, day: index % 30)
                if index < 28 { interview(nis, state: .complete, interviewer: interviewer, day: index % 30) }
            case 96..<135: attempt(nis, outcome: .refused, interviewer: interviewer)
            case 135..<147: attempt(nis, outcome: .appointment, interviewer: interviewer)
            case 147..<157:
                attempt(nis, outcome: .appointment, interviewer: interviewer)
                interview(nis, state: .draft, interviewer: interviewer, day: 3)
            case 157..<162:
                attempt(nis, outcome: .noAnswer, interviewer: interviewer)
                edits.append(FieldEdit(scope: .municipality(nis), entity: .caseFile, entityId: nis, field: "status", value: .string("unreachable")))
            case 162..<212: attempt(nis, outcome: .noAnswer, interviewer: interviewer)
            case 212..<272: break
            default:
                if nis == "11007" {
                    attempt(nis, outcome: .appointment, interviewer: interviewer)
                    interview(nis, state: .complete, interviewer: interviewer, day: 0)
                } else if nis == "23023" {
                    attempt(nis, outcome: .refused, interviewer: interviewer)
                }
            }
        }
        let all = edits
        try await store.engine.write { db in _ = try SQLServerStore.author(all, by: coordinator.id, now: now, in: db) }
        return StudySeed(
            store: store, form: form, coordinator: coordinator, coordinatorToken: token, interviewers: interviewers, order: order, interviews: interviews
        )
    }

    /// The coordinator as the store's methods take them.
    var coordinatorPrincipal: Principal { Principal(user: coordinator.id, name: coordinator.name, role: .coordinator, device: nil) }

    /// Enrols a laptop for a user; returns the device and its token.
    func enrolLaptop(for user: UserID, name: String = "laptop", at date: Date = StudySeed.now) async throws -> EnrolResponse {
        let code = try await store.issueEnrolmentCode(for: user, lifetime: 3600, now: date)
        return try await store.enrol(code: code.code, deviceName: name, now: date)
    }
}

/// A fresh store in a temporary folder, seeded, removed afterwards.
func withSeededStudy<T>(_ body: (StudySeed) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let store = try await testStore(path: directory.appending("veldwerk.sqlite").path)
        return try await body(try await StudySeed.make(store))
    }
}

/// The server's store for a test: on the SQLite file at `path`, or on that file's own PostgreSQL database
/// when the suite runs against PostgreSQL (``TestEngine``).
func testStore(path: String, pushBudget: TimeInterval? = nil, personalDataKey: SymmetricKey? = nil) async throws -> SQLServerStore {
    try await SQLServerStore.open(
        sqlitePath: path, postgres: try TestEngine.postgresDatabase(for: path).flatMap { PostgresURL($0) },
        pushBudget: pushBudget ?? TestEngine.pushBudget(ServerConfig.defaultPushBudget),
        personalDataKey: personalDataKey
    )
}
