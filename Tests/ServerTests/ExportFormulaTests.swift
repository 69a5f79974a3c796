import Foundation
import LogStore
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// CSV injection: cells a spreadsheet would run as a formula get a leading apostrophe unless `raw`.
@Suite("Export: formulas in CSV cells")
struct ExportFormulaTests {
    static let first = "f0000000-0000-4000-8000-000000000001"
    static let second = "f0000000-0000-4000-8000-000000000002"

    /// Two complete interviews whose text answers start like formulas, with negative and fractional numbers.
    static func fixture(_ directory: TemporaryDirectory) async throws -> ExportFixture {
        let fixture = try await ExportFixture(directory: directory)
        var answers = ExportScenario.antwerpAnswers
        answers["a_functie"] = .string("=HYPERLINK(\"http://x\",\"y\")")
        answers["a_dienst_andere"] = .string("+cmd")
        answers["b_visie_omschrijving"] = .string("@SUM(1)")
        answers["f_opmerkingen"] = .string("-2+3")
        answers["c_schepenen"] = .int(-3)
        answers["e_subsidie_per_kind"] = .double(0.5)
        var other = ExportScenario.antwerpAnswers
        other["a_functie"] = .string("\tverborgen")
        other["a_dienst_andere"] = .string("-5 km")
        other["b_visie_omschrijving"] = .string("Gewoon een visie; 3 + 4 = 7")
        other["c_vte"] = .double(-0.5)
        var edits: [FieldEdit] = []
        for (id, values) in [(first, answers), (second, other)] {
            let fields = ExportScenario.meta("11002", state: "complete", user: .system, started: "2024-12-02T09:30:00Z") + ExportScenario.answers(values)
            edits += fields.map { FieldEdit(scope: .municipality("11002"), entity: .interview, entityId: id, field: $0.0, value: $0.1) }
        }
        let all = edits
        try await fixture.store.engine.write { db in _ = try SQLServerStore.author(all, by: .system, now: fixture.now, in: db) }
        return fixture
    }

    @Test("the neutralising rule: formulas get an apostrophe, numbers and plain text do not")
    func rule() {
        for formula in ["=1+1", "+cmd", "@SUM(1)", "-2+3", "\tx", "\rx", "-5 km", "-", "+", "-e5", "--3", "-3-"] {
            #expect(CSVWriter.neutralised(formula) == "'" + formula, "\(formula)")
        }
        for plain in ["-3", "+32", "-0.5", "-.5", "-1e-05", "+2E10", "0.5", "12", "", "ja", " =x", "'=x", "3 + 4 = 7"] {
            #expect(CSVWriter.neutralised(plain) == plain, "\(plain)")
        }
    }

    @Test("csv, csv-long, quotes and codebook-csv neutralise by default; numbers stay numbers")
    func neutralisedByDefault() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            let wide = CSVParse.records(try await fixture.exportText(ExportOptions(format: .csv)))
            let one = try #require(wide.first { $0["interview_id"] == Self.first })
            #expect(one["a_functie"] == "'=HYPERLINK(\"http://x\",\"y\")")
            #expect(one["a_dienst_andere"] == "'+cmd")
            #expect(one["b_visie_omschrijving"] == "'@SUM(1)")
            #expect(one["f_opmerkingen"] == "'-2+3")
            #expect(one["c_schepenen"] == "-3")
            #expect(one["e_subsidie_per_kind"] == "0.5")
            let two = try #require(wide.first { $0["interview_id"] == Self.second })
            #expect(two["a_functie"] == "'\tverborgen")
            #expect(two["a_dienst_andere"] == "'-5 km")
            #expect(two["b_visie_omschrijving"] == "Gewoon een visie; 3 + 4 = 7")
            #expect(two["c_vte"] == "-0.5")

            let long = CSVParse.records(try await fixture.exportText(ExportOptions(format: .csvLong)))
            func value(_ id: String, _ question: String) -> String? {
                long.first { $0["interview_id"] == id && $0["question"] == question }?["value"]
            }
            #expect(value(Self.first, "a_functie") == "'=HYPERLINK(\"http://x\",\"y\")")
            #expect(value(Self.first, "c_schepenen") == "-3")
            #expect(value(Self.second, "a_functie") == "'\tverborgen")

            var quotesOptions = ExportOptions(format: .quotes)
            quotesOptions.includePersonalData = false
            quotesOptions.withContext = true
            let quotes = CSVParse.records(try await fixture.exportText(quotesOptions))
            #expect(quotes.contains { $0["question"] == "a_dienst_andere" && $0["answer"] == "'+cmd" })
            #expect(quotes.contains { $0["question"] == "b_visie_omschrijving" && $0["answer"] == "'@SUM(1)" })
            #expect(!quotes.contains { $0["answer"]?.first == "=" || $0["answer"]?.first == "@" || $0["answer"]?.first == "+" })

            let codebook = try await fixture.exportText(ExportOptions(format: .codebookCSV))
            #expect(!CSVParse.rows(codebook).joined().contains { ["=", "+", "@"].contains($0.first) })
        }
    }

    @Test("raw=true leaves every cell as typed; JSON Lines and SPSS are never altered")
    func rawAndTypedFormats() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            let options = try ExportOptions(parameters: [("format", "csv"), ("raw", "true")])
            #expect(options.raw)
            let wide = CSVParse.records(try await fixture.exportText(options))
            let one = try #require(wide.first { $0["interview_id"] == Self.first })
            #expect(one["a_functie"] == "=HYPERLINK(\"http://x\",\"y\")")
            #expect(one["a_dienst_andere"] == "+cmd")
            #expect(one["b_visie_omschrijving"] == "@SUM(1)")
            #expect(one["f_opmerkingen"] == "-2+3")
            #expect(one["c_schepenen"] == "-3")
            let two = try #require(wide.first { $0["interview_id"] == Self.second })
            #expect(two["a_functie"] == "\tverborgen")
            #expect(two["a_dienst_andere"] == "-5 km")

            // JSON Lines and SPSS are typed: their values are never touched, raw or not.
            let jsonl = try await fixture.exportText(ExportOptions(format: .jsonl))
            let objects = try jsonl.split(separator: "\n").map { try JSONValue(json: String($0)).objectValue ?? [:] }
            let firstAnswers = try #require(objects.first { $0["id"]?.stringValue == Self.first }?["answers"]?.objectValue)
            #expect(firstAnswers["a_functie"] == .string("=HYPERLINK(\"http://x\",\"y\")"))
            #expect(firstAnswers["a_dienst_andere"] == .string("+cmd"))
            #expect(firstAnswers["f_opmerkingen"] == .string("-2+3"))
            #expect(firstAnswers["c_schepenen"] == .int(-3))
            let file = try SAVReader(try await fixture.export(ExportOptions(format: .sav)).bytes)
            let functie = try #require(file.index(of: "a_functie"))
            let andere = try #require(file.index(of: "a_dienst_andere"))
            let values = file.cases.map { $0[functie] } + file.cases.map { $0[andere] }
            #expect(values.contains(.string("=HYPERLINK(\"http://x\",\"y\")")))
            #expect(values.contains(.string("+cmd")))
            #expect(values.contains(.string("\tverborgen")))
            #expect(values.contains(.string("-5 km")))
        }
    }
}
