import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// Questionnaires from XLSForm workbooks: the same form as from CSV, broken forms named to the cell, versions checked.
@Suite("Questionnaire loading")
struct QuestionnaireLoadTests {
    static let forms = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/forms")

    private func workbook(_ name: String) throws -> QuestionnaireSource {
        .workbook(try Data(contentsOf: Self.forms.appendingPathComponent(name)))
    }

    @Test("the study as .xlsx compiles to exactly the form compiled from its CSV sheets")
    func workbookEqualsCSV() throws {
        let fromWorkbook = try workbook("study-v1.xlsx").compile()
        let fromCSV = try XLSFormCompiler.defaultStudy()
        #expect(fromWorkbook == fromCSV)
        #expect(fromWorkbook.questions.count == fromCSV.questions.count)
        #expect(fromWorkbook.version == "1")
    }

    @Test(
        "broken workbooks are rejected with sheet, row, column and reason",
        arguments: [
            ("broken-unknown-type.xlsx", 4, "type", "txt"),
            ("broken-duplicate-name.xlsx", 5, "name", "a_functie"),
            ("broken-unknown-reference.xlsx", 6, "relevant", "a_dienstt"),
            ("broken-missing-list.xlsx", 3, "type", "modi"),
            ("broken-bad-expression.xlsx", 7, "constraint", "syntax error"),
        ]
    )
    func brokenWorkbooks(file: String, row: Int, column: String, mention: String) throws {
        do {
            _ = try workbook(file).compile()
            Issue.record("\(file) compiled")
        } catch let error as XLSFormError {
            #expect(error.sheet == "survey sheet", "\(error)")
            #expect(error.row == row, "\(error)")
            #expect(error.column == column, "\(error)")
            #expect(error.description.contains(mention), "\(error)")
        }
    }

    @Test("a file that is not a workbook, or a workbook without the sheets, gets a plain message")
    func notAWorkbook() throws {
        #expect(throws: QuestionnaireLoadError.self) { try QuestionnaireSource.workbook(Data("name,label\n".utf8)).compile() }
        #expect(throws: QuestionnaireLoadError.self) { try QuestionnaireSource.file(URL(fileURLWithPath: "/nonexistent/form.xlsx")) }
    }

    @Test("publishing: a new version is added, the same version twice is a no-op, other content under the same version and a type change are refused")
    func publishingRules() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await testStore(path: directory.appending("server.sqlite").path)
            _ = try await store.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: Date())
            let v1 = try workbook("study-v1.xlsx").compile()
            #expect(try await store.publishQuestionnaire(v1, by: hostOperator, now: Date()).published == false)
            let v2 = try workbook("study-v2.xlsx").compile()
            let published = try await store.publishQuestionnaire(v2, by: hostOperator, now: Date())
            #expect(published.published)
            #expect(published.questionnaire.questions == v1.questions.filter(\.type.isAnswerable).count + 1)
            var changed = v2
            changed.questions[0].label = LocalizedText("Iets anders", language: "nl")
            await #expect(throws: DomainError.self) { _ = try await store.publishQuestionnaire(changed, by: hostOperator, now: Date()) }
            let typeChange = try workbook("type-change-v3.xlsx").compile()
            do {
                _ = try await store.publishQuestionnaire(typeChange, by: hostOperator, now: Date())
                Issue.record("a type change was published")
            } catch let error as XLSFormError {
                #expect(error.column == "type")
                #expect(error.row == 7)
                #expect(error.description.contains("a_aantal_respondenten"))
            }
            #expect(try await store.questionnaireSummaries().map(\.version) == ["1", "2"])
        }
    }

    @Test("roster: loading the shipped list again changes nothing; a broken list names the row")
    func rosterLoads() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await testStore(path: directory.appending("server.sqlite").path)
            _ = try await store.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: Date())
            let again = try await store.loadRoster(try Roster.defaultStudy(), by: hostOperator, now: Date())
            #expect(again.changed == 0)
            #expect(again.validOn2024 == 300)
            #expect(again.validOn2025 == 285)
            let roster = try await store.roster()
            #expect(roster.municipalities.filter { $0.nis == "11002" }.count == 2, "Antwerpen has a row per period")
            #expect(roster.successor2025(of: "11007") == "11002", "Borsbeek merged into Antwerpen")
        }
    }
}
