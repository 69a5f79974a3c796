import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// Exports of a form with repeats: the main files stay one row per interview without the repeats'
/// questions; `repeat=NAME` writes a repeat's file (csv, sav) with one row per live instance; csv-long,
/// JSON Lines and the codebook carry the instances; deleted instances are left out everywhere.
@Suite("Export: repeats")
struct ExportRepeatTests {
    static let complete = "f0000000-0000-4000-8000-000000000001"
    static let draft = "f0000000-0000-4000-8000-000000000002"

    /// A household roster with a nested member roster, published past the check (the runner does not ask repeats yet).
    static func form() throws -> Questionnaire {
        let survey = """
            type,name,label::nl,label::en,calculation
            text,village,Dorp,Village,
            begin_repeat,household,Huishouden,Household,
            text,head,Gezinshoofd,Head of household,
            integer,size,Grootte,Size,
            select_one yn,owner,Eigenaar?,Owner?,
            begin_repeat,member,Lid,Member,
            text,member_name,Naam,Name,
            end_repeat,,,,
            end_repeat,,,,
            calculate,households,,,count(${household})
            calculate,first_head,,,"indexed-repeat(${head}, ${household}, 1)"
            """
        let choices = """
            list_name,name,label::nl,label::en
            yn,ja,Ja,Yes
            yn,nee,Nee,No
            """
        return try XLSFormCompiler.compile(survey: survey, choices: choices, defaultFormID: "zz_households")
    }

    /// The fixture with the form published and two interviews: a complete one with two live households (the
    /// second with two members), a deleted household with an answer and a member, and a draft with one household.
    static func fixture(_ directory: TemporaryDirectory) async throws -> ExportFixture {
        let fixture = try await ExportFixture(directory: directory)
        let form = try Self.form()
        let marker = { (group: String, parent: String?, order: String) in RepeatInstance.Marker(group: group, parent: parent, order: order).value }
        let meta = { (state: String) -> [(String, JSONValue)] in
            [
                (Interview.Field.municipality, .string("11002")), (Interview.Field.questionnaire, .string(form.id)),
                (Interview.Field.questionnaireVersion, .string(form.version)), (Interview.Field.state, .string(state)),
                (Interview.Field.startedAt, .string("2024-12-02T09:30:00Z")),
            ]
        }
        let complete: [(String, JSONValue)] = meta("complete") + [
            (Interview.Field.answer("village"), .string("Berchem")),
            ("repeats.hhhhhhh1", marker("household", nil, "1")), ("repeats.hhhhhhh1.head", .string("Anna")),
            ("repeats.hhhhhhh1.size", .int(4)), ("repeats.hhhhhhh1.owner", .string("ja")),
            ("repeats.hhhhhhh2", marker("household", nil, "2")), ("repeats.hhhhhhh2.head", .string("Bert")),
            ("repeats.hhhhhhh0", RepeatInstance.Marker(group: "household", parent: nil, order: "0", deleted: true).value),
            ("repeats.hhhhhhh0.head", .string("Weg")),
            ("repeats.mmmmmmm1", marker("member", "hhhhhhh2", "3")), ("repeats.mmmmmmm1.member_name", .string("Cas")),
            ("repeats.mmmmmmm2", marker("member", "hhhhhhh2", "4")), ("repeats.mmmmmmm2.member_name", .string("Dirk")),
            ("repeats.mmmmmmm3", marker("member", "hhhhhhh1", "5")), ("repeats.mmmmmmm3.member_name", .string("Eva")),
            ("repeats.mmmmmmm0", marker("member", "hhhhhhh0", "6")), ("repeats.mmmmmmm0.member_name", .string("Verborgen")),
        ]
        let draft: [(String, JSONValue)] = meta("draft") + [
            ("repeats.dddddddd", marker("household", nil, "1")), ("repeats.dddddddd.head", .string("Klad")),
        ]
        let definition = try JSONValue(encoding: form)
        let now = fixture.now
        try await fixture.store.engine.write { db in
            _ = try SQLServerStore.author(
                [FieldEdit(scope: .global, entity: .questionnaire, entityId: "\(form.id)@\(form.version)", field: "definition", value: definition)],
                by: .system, now: now, in: db
            )
            for (id, fields) in [(Self.complete, complete), (Self.draft, draft)] {
                _ = try SQLServerStore.author(
                    fields.map { FieldEdit(scope: .municipality("11002"), entity: .interview, entityId: id, field: $0.0, value: $0.1) },
                    by: .system, now: now, in: db
                )
            }
        }
        return fixture
    }

    static func options(_ format: ExportFormat, repeat group: String? = nil) -> ExportOptions {
        var options = ExportOptions(format: format)
        options.repeatGroup = group
        return options
    }

    @Test("the main CSV and SPSS file stay one row per interview, without the repeats' questions")
    func mainFiles() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            let rows = CSVParse.rows(try await fixture.exportText(Self.options(.csv)))
            let header = try #require(rows.first)
            #expect(header.contains("village"))
            #expect(!header.contains { ["head", "size", "owner", "member_name"].contains($0) }, "\(header)")
            #expect(rows.count == 2, "one interview: the draft is left out")
            let row = Dictionary(uniqueKeysWithValues: zip(header, rows[1]))
            #expect(row["households"] == "2" && row["first_head"] == "Anna", "calculations reach the live instances: \(row)")
            let sav = try SAVReader(try await fixture.export(Self.options(.sav)).bytes)
            #expect(sav.cases.count == 1)
            #expect(sav.variable("head") == nil && sav.variable("member_name") == nil)
            #expect(sav.value("village", interview: Self.complete) == .string("Berchem"))
        }
    }

    @Test("a repeat's CSV: one row per live instance, linked by interview and instance, numbered within its parent")
    func repeatCSV() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            let households = CSVParse.rows(try await fixture.exportText(Self.options(.csv, repeat: "household")))
            #expect(households == [
                ["interview_id", "instance_id", "position", "head", "size", "owner"],
                [Self.complete, "hhhhhhh1", "1", "Anna", "4", "ja"],
                [Self.complete, "hhhhhhh2", "2", "Bert", "", ""],
            ])
            let members = CSVParse.rows(try await fixture.exportText(Self.options(.csv, repeat: "member")))
            #expect(members == [
                ["interview_id", "instance_id", "parent_instance_id", "position", "member_name"],
                [Self.complete, "mmmmmmm1", "hhhhhhh2", "1", "Cas"],
                [Self.complete, "mmmmmmm2", "hhhhhhh2", "2", "Dirk"],
                [Self.complete, "mmmmmmm3", "hhhhhhh1", "1", "Eva"],
            ])
            // The interview filters apply: with drafts, the draft's household comes too; labels as the main file has them.
            var options = Self.options(.csv, repeat: "household")
            options.states = [.draft]
            options.labels = true
            #expect(CSVParse.rows(try await fixture.exportText(options)).dropFirst().map { $0[3] } == ["Klad"])
            options.states = [.complete]
            #expect(CSVParse.rows(try await fixture.exportText(options)).dropFirst().map { $0[5] } == ["Ja", ""])
            let export = try await fixture.export(Self.options(.csv, repeat: "member"))
            #expect(export.manifest.fileName.contains("-member-seq"))
            #expect(export.manifest.interviews == 1 && export.manifest.instances == 3)
        }
    }

    @Test("a repeat's SPSS file: linking variables, then the repeat's questions with codes and missing values")
    func repeatSAV() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            let households = try SAVReader(try await fixture.export(Self.options(.sav, repeat: "household")).bytes)
            #expect(households.variables.map(\.name) == ["interview_id", "instance_id", "position", "head", "size", "owner"])
            #expect(households.cases == [
                [.string(Self.complete), .string("hhhhhhh1"), .number(1), .string("Anna"), .number(4), .number(1)],
                [.string(Self.complete), .string("hhhhhhh2"), .number(2), .string("Bert"), .number(MissingCode.notAnswered), .number(MissingCode.notAnswered)],
            ])
            #expect(households.variable("owner")?.valueLabels[1] == "Ja")
            #expect(households.variable("head")?.width == 4, "as wide as the longest head")
            #expect(households.documents.contains { $0.contains("Repeat household") })
            let members = try SAVReader(try await fixture.export(Self.options(.sav, repeat: "member")).bytes)
            #expect(members.variables.map(\.name) == ["interview_id", "instance_id", "parent_instance_id", "position", "member_name"])
            #expect(members.cases.map { $0[2] } == [.string("hhhhhhh2"), .string("hhhhhhh2"), .string("hhhhhhh1")])
            #expect(members.cases.map { $0[3] } == [.number(1), .number(2), .number(1)])
        }
    }

    @Test("pyreadstat reads a repeat's file as SPSS would (skipped without python3 and pyreadstat)")
    func pyreadstat() async throws {
        guard let python = try await onOwnThread({ ExportSAVTests.pythonWithPyreadstat() }) else { return }
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            let sav = directory.appending("households.sav")
            try Data(try await fixture.export(Self.options(.sav, repeat: "household")).bytes).write(to: sav)
            let expectations: JSONValue = .object([
                "rows": .int(2),
                "variableLabels": .object(["instance_id": .string("Id van de herhaling"), "position": .string("Volgnummer (vanaf 1)"), "owner": .string("Eigenaar?")]),
                "valueLabels": .object(["owner": .object(["1": .string("Ja"), "2": .string("Nee"), "-99": .string("Niet beantwoord")])]),
                "userMissing": .object(["size": .array([.int(-99), .int(-98)])]),
            ])
            let expect = directory.appending("expect.json")
            try Data(expectations.canonicalJSON.utf8).write(to: expect)
            let (status, output) = try await onOwnThread { try ExportSAVTests.run(python, [ExportSAVTests.script.path, sav.path, expect.path]) }
            #expect(status == 0, "check-sav.py: \(output)")
        }
    }

    @Test("csv-long names each repeat answer's instance; JSON Lines nests the instances per repeat")
    func longCSVAndJSONLines() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            let long = CSVParse.records(try await fixture.exportText(Self.options(.csvLong)))
            #expect(long.first { $0["question"] == "village" }?["instance"] == "")
            #expect(long.filter { $0["question"] == "head" }.map { $0["instance"] ?? "" } == ["hhhhhhh1", "hhhhhhh2"])
            #expect(long.first { $0["question"] == "owner" }?["label"] == "Ja")
            #expect(!long.contains { ["Weg", "Verborgen", "Klad"].contains($0["value"]) })

            let line = try #require(try await fixture.exportText(Self.options(.jsonl)).split(separator: "\n").first)
            let object = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)).objectValue ?? [:]
            let repeats = object["repeats"]?.objectValue ?? [:]
            #expect(object["answers"]?.objectValue?.keys.sorted() == ["first_head", "households", "village"])
            #expect(repeats["household"] == .array([
                .object(["id": .string("hhhhhhh1"), "parent": .null, "position": .int(1), "answers": .object(["head": .string("Anna"), "size": .int(4), "owner": .string("ja")])]),
                .object(["id": .string("hhhhhhh2"), "parent": .null, "position": .int(2), "answers": .object(["head": .string("Bert")])]),
            ]))
            guard case .array(let members) = repeats["member"] else {
                Issue.record("no member instances: \(repeats)")
                return
            }
            #expect(members.map { $0.objectValue?["parent"] } == [.string("hhhhhhh2"), .string("hhhhhhh2"), .string("hhhhhhh1")])
            #expect(members.map { $0.objectValue?["position"] } == [.int(1), .int(2), .int(1)])
        }
    }

    @Test("the codebook describes each repeat: its label, questions and linking columns")
    func codebook() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            let markdown = try await fixture.exportText(Self.options(.codebook))
            #expect(markdown.contains("### Repeat `household`: Huishouden"))
            #expect(markdown.contains("### Repeat `member`: Lid"))
            #expect(markdown.contains("- Inside repeat `household`"))
            #expect(markdown.contains("| `parent_instance_id` |"))
            #expect(markdown.contains("#### `member_name`: Naam"))
            let rows = CSVParse.records(try await fixture.exportText(Self.options(.codebookCSV)))
            #expect(rows.filter { $0["repeat"] == "member" }.map { $0["variable"] ?? "" } == ["interview_id", "instance_id", "parent_instance_id", "position", "member_name"])
            #expect(rows.first { $0["variable"] == "owner" }?["repeat"] == "household")
            #expect(rows.first { $0["variable"] == "village" }?["repeat"] == "")
        }
    }

    @Test("an unknown repeat is refused in Dutch and English, and a repeat's file only in csv and sav")
    func refusals() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await Self.fixture(directory)
            await #expect(throws: ExportError.unknownRepeat("nope", known: ["household", "member"])) {
                _ = try await fixture.export(Self.options(.csv, repeat: "nope"))
            }
            let error = ExportError.unknownRepeat("nope", known: ["household", "member"])
            #expect(Language.$current.withValue(.nl) { error.description } == "De vragenlijst heeft geen herhaling \"nope\"; kies een van: \"household\", \"member\".")
            #expect(Language.$current.withValue(.en) { error.description } == "The questionnaire has no repeat \"nope\"; name one of: \"household\", \"member\".")
            #expect(APIError(error).status == .badRequest)
            #expect(throws: ExportError.self) { try ExportOptions(parameters: [("format", "jsonl"), ("repeat", "household")]) }
            let options = try ExportOptions(parameters: [("format", "sav"), ("repeat", "member")])
            #expect(options.repeatGroup == "member")
            #expect(try ExportOptions(parameters: options.parameters) == options)
        }
    }
}
