import Foundation
import GRDB
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// A server store and interviewers' laptop stores in one folder, synced in process (push of each
/// outbox): enough to compare what a laptop and the server derive from the same changes.
private struct FieldSimulation {
    struct SimulatedLaptop {
        let principal: Principal
        let store: ClientStore
    }

    let directory: TemporaryDirectory
    let server: SQLServerStore
    let coordinator = Principal(user: .system, name: "coordinator", role: .coordinator, device: nil)

    init() async throws {
        directory = try TemporaryDirectory(prefix: "veldwerk-fieldsim")
        server = try await testStore(path: directory.appending("server.sqlite").path)
        _ = try await server.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: Date())
    }

    /// The sampled municipalities (the 2024 list of 300 the study approached), as NIS codes.
    func municipalities() async throws -> [String] {
        ProgressCalculator(snapshot: try await server.fieldworkSnapshot(), list: .list2024).municipalities.map(\.nis)
    }

    /// An interviewer with an enrolled laptop, assigned `municipalities`.
    func laptop(_ name: String, municipalities: [String]) async throws -> SimulatedLaptop {
        let user = try await server.createUser(name: name, role: .interviewer, email: nil, now: Date())
        _ = try await server.assign(municipalities, to: user.id, by: coordinator, now: Date())
        let code = try await server.issueEnrolmentCode(for: user.id, lifetime: 3600, now: Date())
        let enrolled = try await server.enrol(code: code.code, deviceName: "laptop of \(name)", now: Date())
        let store = try ClientStore(home: directory.appending(name))
        try store.saveEnrolment(server: "http://127.0.0.1:9", response: enrolled)
        return SimulatedLaptop(principal: Principal(user: user.id, name: name, role: .interviewer, device: enrolled.device), store: store)
    }

    /// Pushes everything in a laptop's outbox; every change must be accepted.
    func sync(_ laptop: SimulatedLaptop) async throws {
        let changes = try laptop.store.outbox(limit: 1_000_000)
        let result = try await server.push(changes, from: laptop.principal, now: Date())
        #expect(result.rejected.isEmpty, "rejected: \(result.rejected.map(\.reason))")
        #expect(result.accepted.count == changes.count)
    }

    /// The server's case of every municipality of the 2024 list.
    func serverCases() async throws -> [String: MunicipalityCase] {
        let cases = ProgressCalculator(snapshot: try await server.fieldworkSnapshot(), list: .list2024).cases().cases
        return Dictionary(uniqueKeysWithValues: cases.map { ($0.nis, $0) })
    }

    func remove() { directory.remove() }
}

/// What an interviewer logged for one case, in the order they logged it.
private struct LoggedAttempt {
    var milliseconds: Int64
    var outcome: ContactAttempt.Outcome
}

/// The case status that follows from attempts as logged: latest by time, the later-logged one
/// for equal times; unreachable after five fruitless attempts in a row. Written from the rule, not the code.
private func expectedStatus(_ logged: [LoggedAttempt]) -> CaseStatus {
    let ordered = logged.enumerated().sorted { ($0.element.milliseconds, $0.offset) < ($1.element.milliseconds, $1.offset) }.map(\.element)
    guard let last = ordered.last else { return .notContacted }
    let recent = ordered.suffix(5)
    if recent.count == 5, recent.allSatisfy({ $0.outcome == .noAnswer || $0.outcome == .wrongContact }) { return .unreachable }
    switch last.outcome {
    case .refused: return .refused
    case .appointment: return .appointment
    case .interviewed: return .inProgress
    case .noAnswer, .callback, .wrongContact: return .contacted
    }
}

@Suite("Case status from contact attempts: laptop and server agree with what was logged")
struct CaseStatusAgreementTests {
    private static let base: Int64 = 1_736_503_200_000  // 2025-01-10T10:00:00Z

    private static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    @Test("Two attempts in the same second (and at the same time) whose ids disagree with the logging order: the later-logged one decides, on laptop and server")
    func sameSecondFollowsLoggingOrder() async throws {
        let simulation = try await FieldSimulation()
        defer { simulation.remove() }
        let codes = Array(try await simulation.municipalities().prefix(2))
        let laptop = try await simulation.laptop("Ines", municipalities: codes)
        let user = laptop.principal.user
        // The first case: both at the very same time. The second: 200 ms apart, in the same second.
        let high = UUID(uuidString: "ffffffff-ffff-4fff-bfff-ffffffffffff")!
        let low = UUID(uuidString: "00000000-0000-4000-8000-000000000000")!
        try laptop.store.logContact(
            municipality: codes[0], at: Self.date(Self.base), mode: .phone, outcome: .appointment, note: nil, appointment: nil, interviewer: user, id: high
        )
        try laptop.store.logContact(
            municipality: codes[0], at: Self.date(Self.base), mode: .phone, outcome: .refused, note: nil, appointment: nil, interviewer: user, id: low
        )
        let otherHigh = UUID(uuidString: "ffffffff-ffff-4fff-bfff-fffffffffffe")!
        let otherLow = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
        try laptop.store.logContact(
            municipality: codes[1], at: Self.date(Self.base + 300), mode: .phone, outcome: .refused, note: nil, appointment: nil, interviewer: user,
            id: otherHigh
        )
        try laptop.store.logContact(
            municipality: codes[1], at: Self.date(Self.base + 500), mode: .phone, outcome: .appointment, note: nil, appointment: nil, interviewer: user,
            id: otherLow
        )
        #expect(try laptop.store.caseSummary(municipality: codes[0]).status == .refused)
        #expect(try laptop.store.caseSummary(municipality: codes[0]).lastAttempt?.id == low.uuidString.lowercased())
        #expect(try laptop.store.caseSummary(municipality: codes[1]).status == .appointment)
        #expect(try laptop.store.contactAttempts(municipality: codes[1]).map(\.at) == ["2025-01-10T10:00:00.300Z", "2025-01-10T10:00:00.500Z"])

        try await simulation.sync(laptop)
        let cases = try await simulation.serverCases()
        #expect(cases[codes[0]]?.status == .refused)
        #expect(cases[codes[0]]?.attempts.map(\.id) == [high, low])
        #expect(cases[codes[1]]?.status == .appointment)
    }

    @Test("Random attempt sequences: the laptop and the server derive the same status, the one the logging order gives", arguments: [1, 2, 3] as [UInt64])
    func laptopAndServerAgree(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let simulation = try await FieldSimulation()
        defer { simulation.remove() }
        let codes = Array(try await simulation.municipalities().shuffled(using: &random).prefix(40))
        let laptop = try await simulation.laptop("Lotte", municipalities: codes)
        var logged: [String: [LoggedAttempt]] = [:]
        for code in codes {
            for _ in 0..<Int.random(in: 1...7, using: &random) {
                // Times cluster on a few values in one or two seconds, so ties and near ties are common.
                let milliseconds = Self.base + [0, 0, 0, 1, 999, 1000, 1000][Int.random(in: 0..<7, using: &random)]
                let outcome = Bool.random(using: &random) ? ContactAttempt.Outcome.noAnswer : ContactAttempt.Outcome.allCases.randomElement(using: &random)!
                try laptop.store.logContact(
                    municipality: code, at: Self.date(milliseconds), mode: .phone, outcome: outcome, note: nil, appointment: nil,
                    interviewer: laptop.principal.user, id: UUID()
                )
                logged[code, default: []].append(LoggedAttempt(milliseconds: milliseconds, outcome: outcome))
            }
        }
        try await simulation.sync(laptop)
        let cases = try await simulation.serverCases()
        for code in codes {
            let expected = expectedStatus(logged[code] ?? [])
            let onLaptop = try laptop.store.caseSummary(municipality: code).status
            #expect(onLaptop == expected, "laptop, case \(code): \(logged[code] ?? [])")
            #expect(cases[code]?.status == expected, "server, case \(code)")
        }
    }

    @Test("Field simulation at full scale: every municipality, contacts logged in quick succession; case statuses and progress equal what was logged")
    func fullScaleFieldSimulation() async throws {
        var random = SeededRandom(seed: 11)
        let simulation = try await FieldSimulation()
        defer { simulation.remove() }
        let codes = try await simulation.municipalities()
        #expect(codes.count == 300)
        // Twenty interviewers share the sample; each logs several attempts per case within a second or two.
        let groups = stride(from: 0, to: codes.count, by: 15).map { Array(codes[$0..<min($0 + 15, codes.count)]) }
        var laptops: [FieldSimulation.SimulatedLaptop] = []
        var logged: [String: [LoggedAttempt]] = [:]
        for (index, group) in groups.enumerated() {
            let laptop = try await simulation.laptop("Interviewer \(index + 1)", municipalities: group)
            laptops.append(laptop)
            for code in group {
                let count = Int.random(in: 0...6, using: &random)
                let fruitless = Int.random(in: 0..<5, using: &random) == 0
                var milliseconds = Self.base + Int64.random(in: 0..<86_400_000, using: &random)
                for _ in 0..<count {
                    milliseconds += [0, 0, 1, 40, 400][Int.random(in: 0..<5, using: &random)]
                    let outcome: ContactAttempt.Outcome =
                        fruitless ? (Bool.random(using: &random) ? .noAnswer : .wrongContact) : ContactAttempt.Outcome.allCases.randomElement(using: &random)!
                    try laptop.store.logContact(
                        municipality: code, at: Self.date(milliseconds), mode: .visit, outcome: outcome, note: nil, appointment: nil,
                        interviewer: laptop.principal.user, id: UUID()
                    )
                    logged[code, default: []].append(LoggedAttempt(milliseconds: milliseconds, outcome: outcome))
                }
            }
            try await simulation.sync(laptop)
        }

        let cases = try await simulation.serverCases()
        var expected: [String: CaseStatus] = [:]
        for (group, laptop) in zip(groups, laptops) {
            for code in group {
                let status = expectedStatus(logged[code] ?? [])
                expected[code] = status
                #expect(try laptop.store.caseSummary(municipality: code).status == status, "laptop, case \(code)")
                #expect(try laptop.store.caseSummary(municipality: code).attempts == (logged[code]?.count ?? 0))
                #expect(cases[code]?.status == status, "server, case \(code)")
                #expect(cases[code]?.attempts.count == (logged[code]?.count ?? 0))
            }
        }
        let statuses = Array(expected.values)
        func count(_ wanted: CaseStatus...) -> Int { statuses.filter { wanted.contains($0) }.count }
        let report = ProgressCalculator(snapshot: try await simulation.server.fieldworkSnapshot(), list: .list2024).report(now: Date(), staleAfterDays: 3)
        let overall = report.overall
        #expect(overall.inSample == codes.count)
        #expect(overall.assigned == codes.count)
        #expect(overall.contacted == codes.count - count(.notContacted))
        #expect(overall.appointment == count(.appointment))
        #expect(overall.interviewed == count(.inProgress, .completed))
        #expect(overall.completed == 0)
        #expect(overall.refused == count(.refused))
        #expect(overall.unreachable == count(.unreachable))
        #expect(overall.open == codes.count - count(.refused, .unreachable, .completed))
        #expect(report.byProvince.map(\.figures.inSample).reduce(0, +) == codes.count)
        #expect(report.byProvince.map(\.figures.refused).reduce(0, +) == count(.refused))
        #expect(report.byInterviewer.map(\.figures.contacted).reduce(0, +) == codes.count - count(.notContacted))
        // Every status occurs, so the check covers them all.
        #expect(Set(statuses).isSuperset(of: [.notContacted, .contacted, .appointment, .inProgress, .refused, .unreachable]))
    }
}
