import Foundation
import Shared
import Testing
import TestSupport

@Suite("veldwerk-server questionnaire load as a coordinator types it")
struct QuestionnaireLoadCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/forms")

    @Test("a broken workbook: one sentence naming the file and its sheet, exit status 65, no usage banner")
    func brokenWorkbook() async throws {
        try await withTemporaryDirectory { folder in
            let file = Self.fixtures.appendingPathComponent("broken-bad-expression.xlsx").path
            let result = try await ProgramRunner.run("veldwerk-server", ["questionnaire", "load", file, "--data", folder.path])
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains("broken-bad-expression.xlsx, sheet \"survey\", row 7, column \"constraint\""), "\(result.stderr)")
            #expect(!result.stderr.contains("Usage:"))
        }
    }

    @Test("a broken CSV form names choices.csv by the path given")
    func brokenCSVSheets() async throws {
        try await withTemporaryDirectory { folder in
            let form = folder.appending("mijnformulier")
            try FileManager.default.createDirectory(at: form, withIntermediateDirectories: true)
            try "type,name,label\nselect_one kleur,k,Kleur?\n".write(to: form.appendingPathComponent("survey.csv"), atomically: true, encoding: .utf8)
            try "list_name,name,label\nkleur,rood,Rood\nkleur,rood,Nog eens rood\n".write(
                to: form.appendingPathComponent("choices.csv"), atomically: true, encoding: .utf8
            )
            let result = try await ProgramRunner.run("veldwerk-server", ["questionnaire", "load", form.path, "--data", folder.appending("data").path])
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains("mijnformulier/choices.csv row"), "\(result.stderr)")
            let version = try await ProgramRunner.run("veldwerk-server", ["--version"])
            #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "veldwerk-server \(Release.version)")
        }
    }

    @Test("a form without a settings sheet takes its id from the file name, as pyxform does")
    func idFromFileName() async throws {
        try await withTemporaryDirectory { folder in
            let form = folder.appending("gezinsbeleid 2025")
            try FileManager.default.createDirectory(at: form, withIntermediateDirectories: true)
            try "type,name,label\ninteger,n,Hoeveel?\n".write(to: form.appendingPathComponent("survey.csv"), atomically: true, encoding: .utf8)
            try "list_name,name,label\n".write(to: form.appendingPathComponent("choices.csv"), atomically: true, encoding: .utf8)
            let result = try await ProgramRunner.run("veldwerk-server", ["questionnaire", "load", form.path, "--data", folder.appending("data").path, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("\"gezinsbeleid_2025\""), "\(result.stdout)")
        }
    }
}

@Suite("veldwerk-server questionnaire check: compile only, for people and for the corpus script")
struct QuestionnaireCheckCommandTests {
    @Test("a good form prints as JSON; nothing is published")
    func goodForm() async throws {
        try await withTemporaryDirectory { folder in
            let form = folder.appending("huisbezoek")
            try FileManager.default.createDirectory(at: form, withIntermediateDirectories: true)
            try "type,name,label\ninteger,n,Hoeveel?\n".write(to: form.appendingPathComponent("survey.csv"), atomically: true, encoding: .utf8)
            try "list_name,name,label\n".write(to: form.appendingPathComponent("choices.csv"), atomically: true, encoding: .utf8)
            let result = try await ProgramRunner.run("veldwerk-server", ["questionnaire", "check", form.path, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let compiled = try JSONDecoder().decode(Questionnaire.self, from: Data(result.stdout.utf8))
            #expect(compiled.id == "huisbezoek")
            #expect(compiled.questions.map(\.name) == ["n"])
        }
    }

    @Test("a form with nested repeats checks and loads")
    func repeatsCheckAndLoad() async throws {
        let form = QuestionnaireLoadCommandTests.fixtures.appendingPathComponent("households").path
        let check = try await ProgramRunner.run("veldwerk-server", ["questionnaire", "check", form, "--json"])
        #expect(check.status == 0, "\(check.stderr)")
        let compiled = try JSONDecoder().decode(Questionnaire.self, from: Data(check.stdout.utf8))
        #expect(compiled.groups.filter(\.repeats).map(\.name) == ["household", "member"])
        #expect(compiled.group(named: "household")?.repeatCount?.source == "${n_households}")
        try await withTemporaryDirectory { folder in
            let load = try await ProgramRunner.run("veldwerk-server", ["questionnaire", "load", form, "--data", folder.path])
            #expect(load.status == 0, "\(load.stderr)")
        }
    }

    @Test("a refused form prints its sheet, row, column and reason as JSON, with exit status 65")
    func refusedForm() async throws {
        let file = QuestionnaireLoadCommandTests.fixtures.appendingPathComponent("broken-bad-expression.xlsx").path
        let result = try await ProgramRunner.run("veldwerk-server", ["questionnaire", "check", file, "--json"])
        #expect(result.status == 65, "\(result.stderr)")
        struct Refusal: Decodable { var error: Body; struct Body: Decodable { var sheet: String; var row: Int?; var column: String?; var reason: String } }
        let refusal = try JSONDecoder().decode(Refusal.self, from: Data(result.stdout.utf8))
        #expect(refusal.error.row == 7)
        #expect(refusal.error.column == "constraint")
        #expect(refusal.error.sheet.contains("sheet \"survey\""))
    }

    @Test("a select_one_from_file reads the CSV file beside the form")
    func choicesFileBeside() async throws {
        try await withTemporaryDirectory { folder in
            let form = folder.appending("dierenform")
            try FileManager.default.createDirectory(at: form, withIntermediateDirectories: true)
            try "type,name,label\nselect_one_from_file dieren.csv,d,Dier?\n".write(to: form.appendingPathComponent("survey.csv"), atomically: true, encoding: .utf8)
            try "name,label\nkat,Kat\nhond,Hond\n".write(to: form.appendingPathComponent("dieren.csv"), atomically: true, encoding: .utf8)
            let result = try await ProgramRunner.run("veldwerk-server", ["questionnaire", "check", form.path, "--json"])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            let compiled = try JSONDecoder().decode(Questionnaire.self, from: Data(result.stdout.utf8))
            #expect(compiled.choiceLists["dieren.csv"]?.map(\.name) == ["kat", "hond"])
        }
    }
}
