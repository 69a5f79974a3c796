import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("Export: quotes, personal data, pseudonyms, roles, codebook")
struct ExportPrivacyTests {
    @Test("the quotes hold open answers only of respondents who agreed to be quoted")
    func quotesConsent() async throws {
        try await withTemporaryDirectory { directory in
            var scenario = try await ExportScenario.make(directory)
            let text = try await scenario.fixture.exportText(ExportOptions(format: .quotes))
            let records = CSVParse.records(text)
            #expect(CSVParse.rows(text).first == ["interview", "municipality", "province", "question", "question_label", "answer"])
            #expect(records.contains { $0["answer"] == ExportScenario.longVision })
            #expect(records.contains { $0["answer"] == "Kort: samenwerking met alle scholen." })
            #expect(!text.contains("Geheim"))  // Bert's respondent said no
            #expect(!text.contains("Concept"))  // a draft is not exported by default
            let vision = try #require(records.first { $0["answer"] == ExportScenario.longVision })
            #expect(vision["question"] == "b_visie_omschrijving")
            #expect(vision["question_label"] == "Hoe zou u de visie van uw bestuur op flankerend onderwijsbeleid omschrijven?")
            #expect(vision["province"] == "Antwerpen")
            #expect(vision["municipality"]?.hasPrefix("M-") == true)
            #expect(vision["interview"]?.hasPrefix("R-") == true)
            #expect(!text.contains(ExportScenario.antwerp))
            #expect(!text.contains("11002"))
            // Only text questions, and none that helps identify the respondent (function, free-text department).
            #expect(Set(records.compactMap { $0["question"] }).isSubset(of: Set(scenario.fixture.form.questions.filter { $0.type == .text }.map(\.name))))
            #expect(!records.contains { ["a_functie", "a_dienst_andere"].contains($0["question"] ?? "") })
            #expect(!text.contains("Onderwijsregisseur, team"))
            var withContext = ExportOptions(format: .quotes)
            withContext.withContext = true
            let context = CSVParse.records(try await scenario.fixture.exportText(withContext))
            #expect(context.contains { $0["question"] == "a_functie" && $0["answer"] == "Onderwijsregisseur, team \"Samen\"" })
            #expect(context.contains { $0["question"] == "a_dienst_andere" })

            // When consent is withdrawn, the quotes go too.
            let withdraw = scenario.annLaptop.edit(
                interview: ExportScenario.antwerp, nis: "11002", [(Interview.Field.answer("f_citaat_toestemming"), .string("nee"))],
                at: 1_733_300_000_000
            )
            try await scenario.fixture.sync(withdraw, from: scenario.annLaptop)
            let after = try await scenario.fixture.exportText(ExportOptions(format: .quotes))
            #expect(!after.contains("Wij zetten in op gelijke onderwijskansen"))
            #expect(after.contains("Kort: samenwerking met alle scholen."))
        }
    }

    @Test("personal data stays out of every format unless asked for", arguments: ExportFormat.allCases)
    func personalDataExcluded(format: ExportFormat) async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            var options = ExportOptions(format: format)
            options.states = Set(Interview.State.allCases)
            let bytes = try await scenario.fixture.export(options).bytes
            let text = String(decoding: bytes, as: UTF8.self)
            let secrets = [
                "Anaïs", "Dubois", "anaïs@gemeente.example", "Jan Janssens", "jan@gemeente.example", "ann@example.org", "Ann", "Bert",
                scenario.annLaptop.principal.user.rawValue, scenario.bertLaptop.principal.user.rawValue,
            ]
            for secret in secrets {
                #expect(!text.contains(secret), "\(format.rawValue) leaks \(secret)")
            }
        }
    }

    @Test("with personal data an admin gets names, e-mail and interviewer identity")
    func personalDataIncluded() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            var options = ExportOptions(format: .csv)
            options.includePersonalData = true
            let antwerp = try #require(CSVParse.records(try await scenario.fixture.exportText(options)).first)
            #expect(antwerp["respondent_name"] == "Anaïs Dubois")
            #expect(antwerp["respondent_email"] == "anaïs@gemeente.example")
            #expect(antwerp["interviewer_id"] == scenario.annLaptop.principal.user.rawValue)
            #expect(antwerp["interviewer_name"] == "Ann")
            options.format = .jsonl
            let line = try await scenario.fixture.exportText(options)
            #expect(line.contains("\"respondentName\":\"Anaïs Dubois\""))
        }
    }

    @Test("who may export: interviewers never, researchers and coordinators without personal data, admins all")
    func roles() throws {
        var personal = ExportOptions(format: .csv)
        personal.includePersonalData = true
        let plain = ExportOptions(format: .csv)
        #expect(throws: ExportError.self) { try ExportRoutes.authorise(.interviewer, options: plain) }
        #expect(throws: ExportError.self) { try ExportRoutes.authorise(.researcher, options: personal) }
        #expect(throws: ExportError.self) { try ExportRoutes.authorise(.coordinator, options: personal) }
        try ExportRoutes.authorise(.researcher, options: plain)
        try ExportRoutes.authorise(.coordinator, options: plain)
        try ExportRoutes.authorise(.admin, options: personal)
        #expect(APIError(ExportError.forbidden("no")).status == .forbidden)
        #expect(APIError(ExportError.invalidOption("no")).status == .badRequest)
    }

    @Test("options read from a query, and bad ones named")
    func options() throws {
        let options = try ExportOptions(parameters: [
            ("format", "csv-long"), ("labels", "true"), ("separator", "semicolon"), ("state", "draft"), ("province", "Limburg"),
            ("from", "2024-11-01"), ("since", "12"),
        ])
        #expect(options.format == .csvLong)
        #expect(options.labels && options.separator == UInt8(ascii: ";"))
        #expect(options.effectiveStates == [.draft])
        #expect(try ExportOptions(parameters: options.parameters) == options)
        #expect(try ExportOptions(parameters: [("format", "csv"), ("since", "3")]).effectiveStates == Set(Interview.State.allCases))
        #expect(try ExportOptions(parameters: [("format", "csv")]).effectiveStates == [.complete])
        #expect(throws: ExportError.self) { try ExportOptions(parameters: [("format", "xlsx")]) }
        #expect(throws: ExportError.self) { try ExportOptions(parameters: [("format", "csv"), ("from", "2024-13-01")]) }
        #expect(throws: ExportError.self) { try ExportOptions(parameters: [("format", "csv"), ("colour", "red")]) }
        #expect(throws: ExportError.self) { try ExportOptions(parameters: []) }
    }

    @Test("pseudonyms are stable across exports of one server and differ between servers")
    func pseudonymStability() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            func interviewers(_ fixture: ExportFixture) async throws -> [String: String] {
                let records = CSVParse.records(try await fixture.exportText(ExportOptions(format: .csv)))
                return Dictionary(uniqueKeysWithValues: records.map { ($0["interview_id"] ?? "", $0["interviewer"] ?? "") })
            }
            let first = try await interviewers(scenario.fixture)
            let second = try await interviewers(scenario.fixture)
            #expect(first == second)
            #expect(first[ExportScenario.antwerp] == first[ExportScenario.pajottegem])  // both Ann's
            #expect(first[ExportScenario.antwerp] != first[ExportScenario.borsbeek])
            #expect(first.values.allSatisfy { $0.hasPrefix("I-") && $0.count == 14 })
            // Reopening the database keeps the key.
            let reopened = try await testStore(path: directory.appending("server.sqlite").path)
            let exporter = try await Exporter.prepare(store: reopened, options: ExportOptions(format: .csv))
            var bytes: [UInt8] = []
            _ = try await exporter.write { bytes += $0 }
            let again = CSVParse.records(String(decoding: bytes, as: UTF8.self)).map { $0["interviewer"] ?? "" }
            #expect(Set(again) == Set(first.values))
        }
        // Another server, another key.
        let one = Pseudonymizer(key: Array(repeating: 1, count: 32)).pseudonym(.interviewer, "u-1")
        let two = Pseudonymizer(key: Array(repeating: 2, count: 32)).pseudonym(.interviewer, "u-1")
        #expect(one != two)
        #expect(one == Pseudonymizer(key: Array(repeating: 1, count: 32)).pseudonym(.interviewer, "u-1"))
        #expect(one != Pseudonymizer(key: Array(repeating: 1, count: 32)).pseudonym(.municipality, "u-1"))
    }

    @Test("the codebook lists every variable with labels, values, relevance, constraint and versions")
    func codebook() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            let export = try await scenario.fixture.export(ExportOptions(format: .codebook))
            let markdown = String(decoding: export.bytes, as: UTF8.self)
            #expect(export.manifest.interviews == nil)
            #expect(markdown.contains("change-log position \(export.manifest.logPosition)"))
            #expect(markdown.contains("### `a_dienst_andere`: Welke andere dienst?"))
            #expect(markdown.contains("- Label (en): Which other department?"))
            #expect(markdown.contains("- Asked when: `${a_dienst} = 'andere'`"))
            #expect(markdown.contains("- Constraint: `. >= 1 and . <= 10`"))
            #expect(markdown.contains("| 1 | `face_to_face` | Face-to-face interview | Face-to-face interview |"))
            #expect(markdown.contains("| `b_doelstellingen__inclusie` |"))
            #expect(markdown.contains("## D. Geïntegreerd werken"))
            #expect(markdown.contains("`-99` = not answered"))

            let csv = try await scenario.fixture.exportText(ExportOptions(format: .codebookCSV))
            let rows = CSVParse.records(csv)
            let form = scenario.fixture.form
            let optionCount = form.questions.reduce(0) { count, question in
                if case .selectMultiple = question.type { return count + form.choices(for: question).count }
                return count
            }
            let questionCount = form.questions.filter { $0.type != .note }.count
            #expect(rows.count == MetadataColumn.columns(includePersonalData: false).count + questionCount + optionCount)
            let jnw = try #require(rows.first { $0["variable"] == "b_meerjarenplan" })
            #expect(jnw["label_nl"] == "Is flankerend onderwijsbeleid expliciet opgenomen in het meerjarenplan?")
            #expect(jnw["label_en"] == "Is flanking education policy explicitly part of the multi-year plan?")
            #expect(jnw["type"] == "select_one jnw")
            #expect(jnw["values"] == "1 = ja = Ja / Yes; 2 = nee = Nee / No; 3 = weet_niet = Weet niet / Don't know")
            #expect(jnw["versions"] == "1")
            #expect(jnw["required"] == "yes")
            let subsidy = try #require(rows.first { $0["variable"] == "e_subsidie_per_kind" })
            #expect(subsidy["relevance"] == "selected(${e_financieel}, 'subsidie_per_kind')")
            #expect(subsidy["constraint"] == ". > 0 and . <= 1000")
        }
    }

    @Test("versions share columns by question name; a question only one version has is not applicable in the other")
    func versionsMerge() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ExportFixture(directory: directory)
            var second = fixture.form
            second.version = "2"
            second.questions.removeAll { $0.name == "c_knelpunten" }
            var extra = try #require(second.question(named: "f_opmerkingen"))
            extra.name = "f_nieuw"
            second.questions.append(extra)
            second.choiceLists["jnw"]?.append(Choice(name: "misschien", label: LocalizedText(["nl": "Misschien", "en": "Maybe"], defaultLanguage: "nl")))
            let definition = try JSONValue(encoding: second)
            let now = fixture.now
            try await fixture.store.engine.write { db in
                _ = try SQLServerStore.author(
                    [FieldEdit(scope: .global, entity: .questionnaire, entityId: "flankerend_onderwijsbeleid@2", field: "definition", value: definition)],
                    by: .system, now: now, in: db
                )
            }
            let schema = try ExportSchema(questionnaires: [fixture.form, second], reservedNames: [])
            #expect(schema.versions == ["1", "2"])
            #expect(schema.questions.first { $0.name == "f_nieuw" }?.versions == ["2"])
            #expect(schema.questions.first { $0.name == "c_knelpunten" }?.versions == ["1"])
            #expect(schema.questions.first { $0.name == "a_modus" }?.versions == ["1", "2"])
            #expect(schema.questions.first { $0.name == "b_meerjarenplan" }?.choices.map(\.name) == ["ja", "nee", "weet_niet", "misschien"])
            let csv = try await fixture.exportText(ExportOptions(format: .codebookCSV))
            #expect(CSVParse.records(csv).first { $0["variable"] == "a_modus" }?["versions"] == "1 2")
        }
    }
}
