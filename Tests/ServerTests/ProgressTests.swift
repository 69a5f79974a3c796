import Foundation
import GRDB
import LogStore
import Shared
import Testing
@testable import VeldwerkServer

@Suite("Progress figures on a seeded study")
struct ProgressTests {
    @Test("2024 list: 97 of 300 local governments took part, with every status count known")
    func overall2024() async throws {
        try await withSeededStudy { seed in
            let report = ProgressCalculator(snapshot: try await seed.store.fieldworkSnapshot(), list: .list2024).report(now: StudySeed.now, staleAfterDays: 3)
            let all = report.overall
            #expect(all.inSample == 300)
            #expect(all.assigned == 300)
            #expect(all.completed == 97)
            #expect(all.completedInterviews == 125)
            #expect(all.refused == 40)
            #expect(all.appointment == 12)
            #expect(all.interviewed == 107)
            #expect(all.unreachable == 5)
            #expect(all.contacted == 214)
            #expect(all.open == 158)
            #expect(abs(all.responseRate - 97.0 / 300.0) < 1e-9)
            #expect(all.tookPartSentence == "97 of 300 local governments took part (32.3%)")
            #expect(report.unmatchedCases.isEmpty)
        }
    }

    @Test("2025 list by default: merged cases count under their successor")
    func overall2025() async throws {
        try await withSeededStudy { seed in
            let snapshot = try await seed.store.fieldworkSnapshot()
            let report = ProgressCalculator(snapshot: snapshot).report(now: StudySeed.now, staleAfterDays: 3)
            #expect(report.list == .list2025)
            let all = report.overall
            #expect(all.inSample == 285)
            #expect(all.completed == 97)
            #expect(all.completedInterviews == 125)
            #expect(all.refused == 40)
            #expect(all.appointment == 12)
            #expect(all.interviewed == 107)
            #expect(all.unreachable == 5)
            #expect(all.contacted == 214)
            #expect(all.open == 143)

            let cases2025 = ProgressCalculator(snapshot: snapshot, list: .list2025).cases().cases
            let antwerpen = try #require(cases2025.first { $0.nis == "11002" })
            #expect(antwerpen.status == .completed)  // Borsbeek's interview counts for Antwerpen
            #expect(antwerpen.mergedCodes == ["11007"])
            let pajottegem = try #require(cases2025.first { $0.nis == "23106" })
            #expect(pajottegem.status == .refused)  // Galmaarden refused
            #expect(pajottegem.interviewer != nil)  // takes the merged municipalities' interviewer
            #expect(!cases2025.contains { $0.nis == "11007" })

            let cases2024 = ProgressCalculator(snapshot: snapshot, list: .list2024).cases().cases
            #expect(cases2024.first { $0.nis == "11007" }?.status == .completed)
            #expect(cases2024.first { $0.nis == "11002" }?.status == .notContacted)
            #expect(cases2024.first { $0.nis == "23023" }?.status == .refused)
        }
    }

    @Test("By province and by interviewer the figures add up to the total", arguments: MunicipalityList.allCases)
    func breakdownsAddUp(list: MunicipalityList) async throws {
        try await withSeededStudy { seed in
            let report = ProgressCalculator(snapshot: try await seed.store.fieldworkSnapshot(), list: list).report(now: StudySeed.now, staleAfterDays: 3)
            #expect(report.byProvince.map(\.province) == ["Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen"])
            for keyPath in [\ResponseFigures.inSample, \.contacted, \.completed, \.refused, \.open, \.completedInterviews, \.appointment, \.unreachable] {
                #expect(report.byProvince.map { $0.figures[keyPath: keyPath] }.reduce(0, +) == report.overall[keyPath: keyPath])
                #expect(report.byInterviewer.map { $0.figures[keyPath: keyPath] }.reduce(0, +) == report.overall[keyPath: keyPath])
            }
            let roster = try Roster.defaultStudy().municipalities(validOn: list.referenceDate)
            for province in report.byProvince {
                #expect(province.figures.inSample == roster.filter { $0.province == province.province }.count)
            }
            #expect(report.byInterviewer.count == 20)
        }
    }

    @Test("Per interviewer, 2024 list: assigned, completed, refused, open")
    func perInterviewer() async throws {
        try await withSeededStudy { seed in
            let report = ProgressCalculator(snapshot: try await seed.store.fieldworkSnapshot(), list: .list2024).report(now: StudySeed.now, staleAfterDays: 3)
            func figures(_ index: Int) throws -> ResponseFigures {
                try #require(report.byInterviewer.first { $0.user == seed.interviewers[index].id }).figures
            }
            #expect(try figures(0).inSample == 15)
            #expect(try figures(0).completed == 5)
            #expect(try figures(13).completed == 6)  // also Borsbeek (position 273)
            #expect(try figures(19).completed == 4)
            #expect(try figures(15).refused == 2)  // position 115, and Galmaarden (position 275)
            // Interviewer 0 holds positions 0, 20, …, 280: 5 completed, 2 refused (100, 120), 1 unreachable (160), 7 open.
            #expect(try figures(0).refused == 2)
            #expect(try figures(0).unreachable == 1)
            #expect(try figures(0).open == 7)
        }
    }
}

@Suite("Progress over time, laptops, conflicts and flags")
struct ProgressActivityTests {
    @Test("Interviews completed per day over the fieldwork period, without gaps")
    func perDay() async throws {
        try await withSeededStudy { seed in
            let report = ProgressCalculator(snapshot: try await seed.store.fieldworkSnapshot(), list: .list2024).report(now: StudySeed.now, staleAfterDays: 3)
            let days = report.byDay
            #expect(days.first?.day == "2024-11-01")
            #expect(days.last?.day == "2024-12-03")
            #expect(days.count == 33)
            #expect(days.map(\.completedInterviews).reduce(0, +) == 125)
            #expect(days.last?.cumulativeInterviews == 125)
            #expect(days.last?.cumulativeMunicipalities == 97)
            #expect(days.first?.contactAttempts == 96 + 39 + 12 + 10 + 5 + 50 + 2)
            // Day 0 (4 November): positions 0 and 30 and 60 and 90 (0 with a second respondent) and Borsbeek.
            let fourth = try #require(days.first { $0.day == "2024-11-04" })
            #expect(fourth.completedInterviews == 6)
            #expect(fourth.cumulativeMunicipalities == 5)
        }
    }

    @Test("Laptops silent for more than N days are listed; revoked ones are not")
    func staleLaptops() async throws {
        try await withSeededStudy { seed in
            let day: TimeInterval = 86_400
            let a = try await seed.enrolLaptop(for: seed.interviewers[0].id, name: "laptop-a", at: StudySeed.now - 20 * day)
            let b = try await seed.enrolLaptop(for: seed.interviewers[1].id, name: "laptop-b", at: StudySeed.now - 20 * day)
            _ = try await seed.enrolLaptop(for: seed.interviewers[2].id, name: "laptop-c", at: StudySeed.now - 5 * day)
            let d = try await seed.enrolLaptop(for: seed.interviewers[3].id, name: "laptop-d", at: StudySeed.now - 20 * day)
            try await seed.store.recordSync(device: a.device, at: StudySeed.now - 1 * day, clockOffsetMs: 0)
            try await seed.store.recordSync(device: b.device, at: StudySeed.now - 10 * day, clockOffsetMs: 0)
            try await seed.store.engine.write { db in
                try db.run("UPDATE device SET revoked_at = 1 WHERE id = ?", [d.device.rawValue])
            }
            let snapshot = try await seed.store.fieldworkSnapshot()
            let three = ProgressCalculator(snapshot: snapshot).report(now: StudySeed.now, staleAfterDays: 3)
            #expect(three.staleLaptops.map(\.deviceName) == ["laptop-b", "laptop-c"])
            let b3 = try #require(three.staleLaptops.first)
            #expect(b3.daysSilent == 10)
            #expect(b3.lastSyncAt != nil)
            #expect(b3.userName == "Interviewer 01")
            #expect(b3.openMunicipalities > 0)
            #expect(three.staleLaptops.last?.lastSyncAt == nil)  // never synced: counted from enrolment
            let seven = ProgressCalculator(snapshot: snapshot).report(now: StudySeed.now, staleAfterDays: 7)
            #expect(seven.staleLaptops.map(\.deviceName) == ["laptop-b"])
        }
    }

    @Test("Conflicts waiting and review flags open are counted")
    func waitingWork() async throws {
        try await withSeededStudy { seed in
            var report = ProgressCalculator(snapshot: try await seed.store.fieldworkSnapshot()).report(now: StudySeed.now, staleAfterDays: 3)
            #expect(report.openConflicts == 0)
            #expect(report.openFlags == 0)
            #expect(report.awaitingReview == 125)

            let first = try #require(seed.interviews[seed.order[0]]?.first)
            let second = try #require(seed.interviews[seed.order[1]]?.first)
            _ = try await seed.store.flagAnswer(first, question: "a_functie", comment: "Which department exactly?", by: seed.coordinatorPrincipal, now: StudySeed.now)
            _ = try await seed.store.approveInterview(second, comment: nil, by: seed.coordinatorPrincipal, now: StudySeed.now)
            try await ConflictFixture.make(in: seed, interview: second)

            report = ProgressCalculator(snapshot: try await seed.store.fieldworkSnapshot()).report(now: StudySeed.now, staleAfterDays: 3)
            #expect(report.openConflicts == 1)
            #expect(report.openFlags == 1)
            #expect(report.answeredFlags == 0)
            // The conflicting edits reached the server after the approval: that interview awaits review again.
            #expect(report.awaitingReview == 124)
        }
    }
}

@Suite("Which municipality of a list a case counts for")
struct ListMappingTests {
    @Test("2025 list: a merged 2024 code maps to its successor; 2024 list: a 2025 code maps to every predecessor")
    func mapping() throws {
        let snapshot = FieldworkSnapshot(roster: try Roster.defaultStudy())
        let in2025 = ProgressCalculator(snapshot: snapshot, list: .list2025)
        #expect(in2025.targets(of: "11007") == ["11002"])
        #expect(in2025.targets(of: "23024") == ["23106"])
        #expect(in2025.targets(of: "73040") == ["71072"])  // Kortessem went to Hasselt
        #expect(in2025.targets(of: "11001") == ["11001"])
        #expect(in2025.targets(of: "99999") == [])
        let in2024 = ProgressCalculator(snapshot: snapshot, list: .list2024)
        #expect(in2024.targets(of: "11007") == ["11007"])
        #expect(in2024.targets(of: "11002") == ["11002"])
        #expect(in2024.targets(of: "23106") == [], "Pajottegem is none of the 2024 municipalities")
    }

    @Test("The 2024 view counts an interview in a 2025 municipality for no 2024 municipality, not for each it was formed from")
    func mergedCodeIn2024CountsOnce() throws {
        var snapshot = FieldworkSnapshot(roster: try Roster.defaultStudy())
        let interview = Interview(id: UUID(), fields: [
            "municipality": .string("23106"), "state": .string("complete"), "completedAt": .string("2025-01-10T10:00:00Z"),
            "startedAt": .string("2025-01-10T09:00:00Z"),
        ])
        snapshot.interviews["23106"] = [interview]
        let in2024 = ProgressCalculator(snapshot: snapshot, list: .list2024).report(now: StudySeed.now, staleAfterDays: 3)
        #expect(in2024.overall.completed == 0, "Galmaarden, Gooik and Herne did not take part as 2024 municipalities")
        #expect(in2024.unmatchedCases == ["23106"])
        let in2025 = ProgressCalculator(snapshot: snapshot, list: .list2025).report(now: StudySeed.now, staleAfterDays: 3)
        #expect(in2025.overall.completed == 1)
        #expect(in2025.overall.completedInterviews == 1)
    }

    @Test("An unknown case code counts nowhere and is reported")
    func unmatched() throws {
        var snapshot = FieldworkSnapshot(roster: try Roster.defaultStudy())
        snapshot.attempts["99999"] = [ContactAttempt(id: UUID(), fields: ["outcome": .string("refused")])]
        let report = ProgressCalculator(snapshot: snapshot).report(now: StudySeed.now, staleAfterDays: 3)
        #expect(report.unmatchedCases == ["99999"])
        #expect(report.overall.refused == 0)
        #expect(report.overall.inSample == 285)
    }

    @Test("The latest coordinator override among merged cases decides")
    func latestOverride() throws {
        var snapshot = FieldworkSnapshot(roster: try Roster.defaultStudy())
        let device = DeviceID.server
        snapshot.overrides["23023"] = .init(value: .refused, hlc: HLC(wall: 1, counter: 0, device: device))
        snapshot.overrides["23024"] = .init(value: .unreachable, hlc: HLC(wall: 2, counter: 0, device: device))
        let cases = ProgressCalculator(snapshot: snapshot).cases().cases
        #expect(cases.first { $0.nis == "23106" }?.status == .unreachable)
        #expect(cases.first { $0.nis == "23106" }?.statusIsOverride == true)
    }
}
