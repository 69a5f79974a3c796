import Foundation
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("Export: CSV, long CSV and JSON Lines")
struct ExportTextFormatTests {
    @Test("CSV fields are quoted exactly when RFC 4180 requires it")
    func csvQuoting() {
        var out: [UInt8] = []
        CSVWriter(separator: UInt8(ascii: ",")).appendLine(["plain", "a,b", "say \"hi\"", "two\nlines", "x;y", ""], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",x;y,\r\n")
        out = []
        CSVWriter(separator: UInt8(ascii: ";")).appendLine(["a,b", "x;y", "één"], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a,b;\"x;y\";één\r\n")
    }

    @Test("the wide CSV holds what was entered, across offline edits, sync and a resolved conflict")
    func wideCSVValues() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            let text = try await scenario.fixture.exportText(ExportOptions(format: .csv))
            #expect(text.hasSuffix("\r\n"))
            let records = CSVParse.records(text)
            // Complete interviews only, in id order.
            #expect(records.map { $0["interview_id"] } == [ExportScenario.antwerp, ExportScenario.borsbeek, ExportScenario.pajottegem])
            let antwerp = try #require(records.first)
            #expect(antwerp["state"] == "complete")
            #expect(antwerp["b_aanpak"] == "planmatig")  // the offline edit after the first sync
            #expect(antwerp["c_vte"] == "1.75")  // the coordinator's resolution of the conflict
            #expect(antwerp["b_visie_omschrijving"] == ExportScenario.longVision)
            #expect(antwerp["a_functie"] == "Onderwijsregisseur, team \"Samen\"")
            #expect(antwerp["a_aantal_respondenten"] == "2")
            #expect(antwerp["b_doelstellingen"] == "gelijke_kansen inclusie")
            #expect(antwerp["b_doelstellingen__inclusie"] == "1")
            #expect(antwerp["b_doelstellingen__ouderbetrokkenheid"] == "0")
            #expect(antwerp["c_coordinatorrol"] == "")  // not applicable: c_coordinator = nee
            #expect(antwerp["d_overleg_sinds"] == "")  // asked, not answered
            #expect(antwerp["municipality_nis_2024"] == "11002")
            #expect(antwerp["municipality_nis_2025"] == "11002")
            #expect(antwerp["province"] == "Antwerpen")
            #expect(antwerp["review_status"] == "")
            #expect(antwerp["questionnaire_version"] == "1")
            #expect(antwerp["started_at"] == "2024-12-02T09:30:00Z")
            #expect(antwerp["completed_at"] == "2024-12-02T10:45:00Z")
            let borsbeek = try #require(records.dropFirst().first)
            #expect(borsbeek["municipality_nis_2024"] == "11007")
            #expect(borsbeek["municipality_nis_2025"] == "11002")  // merged into Antwerpen in 2025
            #expect(borsbeek["c_coordinatorrol"] == "onderwijsregisseur")
            let pajottegem = try #require(records.last)
            #expect(pajottegem["municipality_nis_2024"] == "")  // a municipality that exists from 2025 only
            #expect(pajottegem["municipality_nis_2025"] == "23106")
            #expect(pajottegem["province"] == "Vlaams-Brabant")

            // Every interview's columns equal the merged log state, read independently.
            let merged = try await scenario.fixture.mergedInterviews()
            let form = scenario.fixture.form
            for record in records {
                let fields = try #require(merged[record["interview_id"] ?? ""])
                let answers = form.effectiveAnswers(Interview(id: UUID(), fields: fields).answers)
                for question in form.questions where question.type == .integer || question.type == .text || question.type.xlsform.hasPrefix("select_one") {
                    #expect(record[question.name] == answers[question.name].map(AnswerText.text) ?? "", "\(question.name)")
                }
            }
        }
    }

    @Test("labels, language, semicolon separator and byte order mark")
    func wideCSVLabels() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            var options = ExportOptions(format: .csv)
            options.labels = true
            options.separator = UInt8(ascii: ";")
            options.byteOrderMark = true
            let bytes = try await scenario.fixture.export(options).bytes
            #expect(Array(bytes.prefix(3)) == CSVWriter.byteOrderMark)
            let records = CSVParse.records(String(decoding: bytes, as: UTF8.self), separator: ";")
            let antwerp = try #require(records.first)
            #expect(antwerp["a_modus"] == "Face-to-face interview")
            #expect(antwerp["b_meerjarenplan"] == "Ja")
            #expect(antwerp["b_doelstellingen"] == "Gelijke onderwijskansen voor elk kind; Inclusie en participatie")
            #expect(antwerp["b_doelstellingen__inclusie"] == "1")
            options.language = "en"
            let english = CSVParse.records(try await scenario.fixture.exportText(options), separator: ";")
            #expect(english.first?["b_meerjarenplan"] == "Yes")
        }
    }

    @Test("the long CSV has one row per answer and per chosen option, with labels")
    func longCSV() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            let records = CSVParse.records(try await scenario.fixture.exportText(ExportOptions(format: .csvLong)))
            let antwerp = records.filter { $0["interview_id"] == ExportScenario.antwerp }
            let goals = antwerp.filter { $0["question"] == "b_doelstellingen" }
            #expect(goals.map { $0["value"] } == ["gelijke_kansen", "inclusie"])
            #expect(goals.map { $0["label"] } == ["Gelijke onderwijskansen voor elk kind", "Inclusie en participatie"])
            #expect(antwerp.first { $0["question"] == "c_vte" }?["value"] == "1.75")
            #expect(antwerp.first { $0["question"] == "b_visie_omschrijving" }?["value"] == ExportScenario.longVision)
            #expect(antwerp.contains { $0["question"] == "c_coordinatorrol" } == false)
            #expect(antwerp.contains { $0["question"] == "d_overleg_sinds" } == false)
            #expect(Set(records.compactMap { $0["interview_id"] }) == [ExportScenario.antwerp, ExportScenario.borsbeek, ExportScenario.pajottegem])
        }
    }

    @Test("JSON Lines: one interview per line with typed values")
    func jsonLines() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            var options = ExportOptions(format: .jsonl)
            options.states = Set(Interview.State.allCases)
            let text = try await scenario.fixture.exportText(options)
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.count == 5)
            let objects = try lines.map { try JSONValue(json: $0).objectValue ?? [:] }
            let antwerp = try #require(objects.first { $0["id"] == .string(ExportScenario.antwerp) })
            let answers = try #require(antwerp["answers"]?.objectValue)
            #expect(answers["a_aantal_respondenten"] == .int(2))
            #expect(answers["c_vte"] == ExportScenario.resolvedVTE)
            #expect(answers["e_subsidie_per_kind"] == .double(12.5))
            #expect(answers["b_doelstellingen"] == .array([.string("gelijke_kansen"), .string("inclusie")]))
            #expect(answers["b_visie_omschrijving"] == .string(ExportScenario.longVision))
            #expect(answers["c_coordinatorrol"] == nil)
            #expect(antwerp["notApplicable"]?.stringArrayValue?.contains("c_coordinatorrol") == true)
            #expect(antwerp["notAnswered"]?.stringArrayValue?.contains("d_overleg_sinds") == true)
            #expect(antwerp["municipality"]?.objectValue?["nis2025"] == .string("11002"))
            #expect(antwerp["personal"] == nil)
            #expect(lines.first?.contains("\"a_aantal_respondenten\":2,") == true)  // an integer, not 2.0

            // Every exported interview's answers equal the form's view of the merged log.
            let merged = try await scenario.fixture.mergedInterviews()
            for object in objects {
                guard case .string(let id) = object["id"], let fields = merged[id] else {
                    Issue.record("unknown interview in the export")
                    continue
                }
                let expected = scenario.fixture.form.effectiveAnswers(Interview(id: UUID(), fields: fields).answers)
                #expect(object["answers"]?.objectValue == expected, "\(id)")
            }
        }
    }

    @Test("filters: province, dates, state, and an incremental export since a log position")
    func filters() async throws {
        try await withTemporaryDirectory { directory in
            var scenario = try await ExportScenario.make(directory)
            var options = ExportOptions(format: .csvLong)
            func ids(_ options: ExportOptions) async throws -> Set<String> {
                Set(CSVParse.records(try await scenario.fixture.exportText(options)).compactMap { $0["interview_id"] })
            }
            options.provinces = ["antwerpen"]
            #expect(try await ids(options) == [ExportScenario.antwerp, ExportScenario.borsbeek])
            options.provinces = []
            options.from = "2024-12-01"
            options.to = "2024-12-31"
            #expect(try await ids(options) == [ExportScenario.antwerp])
            options = try ExportOptions(parameters: [("format", "jsonl"), ("state", "draft"), ("state", "withdrawn")])
            let states = try await scenario.fixture.exportText(options).split(separator: "\n").count
            #expect(states == 2)

            // Incremental: only what changed after the last export's position, in any state.
            let before = try await scenario.fixture.export(ExportOptions(format: .jsonl)).manifest.logPosition
            let edit = scenario.bertLaptop.edit(
                interview: ExportScenario.borsbeek, nis: "11007", [(Interview.Field.answer("c_schepenen"), .int(4))], at: 1_733_100_000_000
            )
            try await scenario.fixture.sync(edit, from: scenario.bertLaptop)
            options = ExportOptions(format: .jsonl)
            options.since = before
            let changed = try await scenario.fixture.export(options)
            let lines = String(decoding: changed.bytes, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.contains(ExportScenario.borsbeek) == true)
            #expect(lines.first?.contains("\"c_schepenen\":4") == true)
            #expect(changed.manifest.logPosition > before)
        }
    }

    @Test("an export reads one snapshot: changes after it starts are not in it")
    func snapshot() async throws {
        try await withTemporaryDirectory { directory in
            var scenario = try await ExportScenario.make(directory)
            let exporter = try await Exporter.prepare(store: scenario.fixture.store, options: ExportOptions(format: .csvLong))
            let position = exporter.manifest.logPosition
            let edit = scenario.annLaptop.edit(
                interview: ExportScenario.antwerp, nis: "11002", [(Interview.Field.answer("c_schepenen"), .int(9))], at: 1_733_200_000_000
            )
            try await scenario.fixture.sync(edit, from: scenario.annLaptop)
            var bytes: [UInt8] = []
            let manifest = try await exporter.write { bytes += $0 }
            #expect(manifest.logPosition == position)
            let row = CSVParse.records(String(decoding: bytes, as: UTF8.self)).first {
                $0["interview_id"] == ExportScenario.antwerp && $0["question"] == "c_schepenen"
            }
            #expect(row?["value"] == "3")
            let later = try await scenario.fixture.export(ExportOptions(format: .csvLong)).manifest.logPosition
            #expect(later > position)
        }
    }

    @Test("thousands of interviews stream in pages and come out complete, in id order")
    func streaming() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ExportFixture(directory: directory)
            let ids = try await fixture.generate(1200, seed: 7)
            var exporter = try await Exporter.prepare(store: fixture.store, options: try ExportOptions(parameters: [("format", "csv"), ("state", "all")]))
            exporter.pageSize = 100
            var chunks = 0
            var bytes: [UInt8] = []
            let manifest = try await exporter.write { chunk in
                chunks += 1
                #expect(chunk.count < Exporter.chunkSize + 64 * 1024)
                bytes += chunk
            }
            #expect(manifest.interviews == 1200)
            #expect(chunks > 3)
            let records = CSVParse.records(String(decoding: bytes, as: UTF8.self))
            #expect(records.map { $0["interview_id"] ?? "" } == ids.sorted())
        }
    }
}
