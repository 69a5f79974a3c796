import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("Export: CSV for a Dutch-language spreadsheet (excel=nl)")
struct ExportExcelTests {
    @Test("semicolons, a byte order mark, decimal commas and plain date-times; integers and text unchanged")
    func dutchSpreadsheet() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            let options = try ExportOptions(parameters: [("format", "csv"), ("excel", "nl")])
            let bytes = try await scenario.fixture.export(options).bytes
            #expect(Array(bytes.prefix(3)) == CSVWriter.byteOrderMark)
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let records = CSVParse.records(text, separator: ";")
            let row = try #require(records.first { $0["interview_id"] == ExportScenario.antwerp })
            let vte = try #require(row["c_vte"])
            #expect(vte.contains(",") && !vte.contains("."), "a decimal comma: \(vte)")
            #expect(row["c_schepenen"] == "3")
            let started = try #require(row["started_at"])
            #expect(started.count == 19 && started.dropFirst(10).first == " ", "a date-time a spreadsheet reads: \(started)")
            #expect(row["a_functie"] == "Onderwijsregisseur, team \"Samen\"")
            let long = CSVParse.records(String(decoding: try await scenario.fixture.export(try ExportOptions(parameters: [("format", "csv-long"), ("excel", "nl")])).bytes.dropFirst(3), as: UTF8.self), separator: ";")
            #expect(long.first { $0["interview_id"] == ExportScenario.antwerp && $0["question"] == "c_vte" }?["value"] == vte)
            #expect(throws: ExportError.self) { try ExportOptions(parameters: [("format", "csv"), ("excel", "fr")]) }
        }
    }
}
