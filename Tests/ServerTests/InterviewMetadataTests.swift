import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("Mode and respondent function come from the interview's own answers")
struct InterviewMetadataTests {
    @Test("the study's settings name a_modus and a_functie; an interview made on a laptop (no mode field) exports them from its answers")
    func fromAnswers() async throws {
        let form = try XLSFormCompiler.defaultStudy()
        #expect(form.modeQuestion == "a_modus")
        #expect(form.respondentFunctionQuestion == "a_functie")
        try await withTemporaryDirectory { directory in
            let fixture = try await ExportFixture(directory: directory)
            let id = "e0000000-0000-4000-8000-000000000001"
            var answers = ExportScenario.antwerpAnswers
            answers["a_modus"] = .string("telefonisch")
            answers["a_functie"] = .string("Schepen van onderwijs")
            // As a laptop records it: no `mode` or `respondentFunction` field of its own.
            let fields = ExportScenario.meta("11002", state: "complete", user: .system, started: "2024-12-02T09:30:00Z")
                .filter { $0.0 != Interview.Field.mode && $0.0 != Interview.Field.respondentFunction } + ExportScenario.answers(answers)
            let edits = fields.map { FieldEdit(scope: .municipality("11002"), entity: .interview, entityId: id, field: $0.0, value: $0.1) }
            try await fixture.store.engine.write { db in _ = try SQLServerStore.author(edits, by: .system, now: fixture.now, in: db) }
            let rows = CSVParse.records(try await fixture.exportText(ExportOptions(format: .csv)))
            let row = try #require(rows.first { $0["interview_id"] == id })
            #expect(row["mode"] == "telefonisch")
            #expect(row["respondent_function"] == "Schepen van onderwijs")
            let uuid = try #require(UUID(uuidString: id))
            let detail = try #require(try await fixture.store.interviewDetail(uuid))
            let chrome = PageChrome(title: "t", signedIn: true, userName: "c", csrf: "x")
            let page = InterviewPage(
                detail: detail, form: form, municipalityName: "Boechout", names: [:], conflicts: [], chrome: chrome, flagQuestion: nil
            )
            #expect(page.mode == "Telefonisch interview")
            #expect(page.respondentFunction == "Schepen van onderwijs")
        }
    }

    @Test("a mode question that is not in the form refuses the form, naming the settings column")
    func unknownQuestionRefused() {
        #expect(throws: XLSFormError.self) {
            try XLSFormCompiler.compile(
                survey: "type,name,label\ntext,naam,Naam?\n", choices: "list_name,name,label\n",
                settings: "form_id,mode_question\nf,modus\n"
            )
        }
    }
}
