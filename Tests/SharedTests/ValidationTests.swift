import Foundation
import Testing
import TestSupport

@testable import Shared

@Suite struct ValidationTests {
    private let form: Questionnaire

    init() throws {
        form = try XLSFormCompiler.defaultStudy()
    }

    // MARK: Skip logic on the study

    @Test func otherDepartmentOnlyWhenDienstIsAndere() {
        #expect(!form.isRelevant("a_dienst_andere", answers: [:]))
        #expect(!form.isRelevant("a_dienst_andere", answers: ["a_dienst": .string("welzijn")]))
        #expect(form.isRelevant("a_dienst_andere", answers: ["a_dienst": .string("andere")]))
        #expect(form.isRelevant("a_dienst", answers: [:]))
        #expect(!form.isRelevant("no_such_question", answers: [:]))
    }

    @Test func bridgeFigureSchoolsWithOr() {
        #expect(form.isRelevant("e_brugfiguren_scholen", answers: ["e_brugfiguren": .string("alle")]))
        #expect(form.isRelevant("e_brugfiguren_scholen", answers: ["e_brugfiguren": .string("sommige")]))
        #expect(!form.isRelevant("e_brugfiguren_scholen", answers: ["e_brugfiguren": .string("nee")]))
    }

    @Test func selectedDrivesRelevance() {
        let chosen: JSONValue = .array([.string("schoolbudget"), .string("subsidie_per_kind")])
        #expect(form.isRelevant("e_subsidie_per_kind", answers: ["e_financieel": chosen]))
        #expect(!form.isRelevant("e_subsidie_per_kind", answers: ["e_financieel": .array([.string("uitpas")])]))
        #expect(form.isRelevant("f_knelpunt_andere", answers: ["f_knelpunten": .array([.string("andere")])]))
    }

    @Test func relevantQuestionsAndMissingRequired() {
        #expect(form.relevantQuestions(answers: [:]).count == 44 - 7)
        #expect(form.missingRequired(answers: [:]).count == 29 - 6)  // 6 required questions have a relevant
        var answers: [String: JSONValue] = ["a_dienst": .string("andere"), "d_overleg": .string("ja")]
        #expect(form.relevantQuestions(answers: answers).count == 44 - 7 + 3)
        let missing = form.missingRequired(answers: answers).map(\.name)
        #expect(missing.contains("a_dienst_andere"))
        #expect(missing.contains("d_overleg_frequentie"))
        #expect(!missing.contains("d_overleg_sinds"))  // relevant but not required
        #expect(!missing.contains("a_dienst"))
        answers["a_dienst_andere"] = .string("")  // an empty text is no answer
        #expect(form.missingRequired(answers: answers).map(\.name).contains("a_dienst_andere"))
        answers["a_dienst_andere"] = .string("Cultuur")
        #expect(!form.missingRequired(answers: answers).map(\.name).contains("a_dienst_andere"))
    }

    @Test func hiddenAnswersAreIgnored() {
        let answers: [String: JSONValue] = ["a_dienst": .string("welzijn"), "a_dienst_andere": .string("Cultuur")]
        let effective = form.effectiveAnswers(answers)
        #expect(effective["a_dienst"] == .string("welzijn"))
        #expect(effective["a_dienst_andere"] == nil)
    }

    @Test func groupRelevanceAndCascades() throws {
        let survey = """
            type,name,label,relevant,calculation
            select_one jn,start,Start,,
            begin_group,g,G,${start} = 'ja',
            select_one jn,q1,Q1,,
            text,q2,Q2,${q1} = 'ja',
            end_group,,,,
            calculate,echo,,,"concat('q2=', ${q2})"
            """
        let form = try XLSFormCompiler.compile(
            survey: survey, choices: "list_name,name,label\njn,ja,Ja\njn,nee,Nee\n", defaultFormID: "t"
        )
        var answers: [String: JSONValue] = ["start": .string("ja"), "q1": .string("ja"), "q2": .string("x")]
        #expect(form.isRelevant("q1", answers: answers))
        #expect(form.isRelevant("q2", answers: answers))
        #expect(form.effectiveAnswers(answers)["echo"] == .string("q2=x"))
        answers["start"] = .string("nee")  // hides the group, so q1 counts as unanswered, so q2 is hidden too
        #expect(!form.isRelevant("q1", answers: answers))
        #expect(!form.isRelevant("q2", answers: answers))
        #expect(form.effectiveAnswers(answers)["echo"] == .string("q2="))
    }

    // MARK: validate

    @Test func validAnswersPass() throws {
        try form.validate(.int(3), for: "a_aantal_respondenten", answers: [:])
        try form.validate(.double(2.5), for: "c_vte", answers: [:])
        try form.validate(.int(2), for: "c_vte", answers: [:])
        try form.validate(.string("zelf"), for: "a_modus", answers: [:])
        try form.validate(.array([.string("inclusie"), .string("gelijke_kansen")]), for: "b_doelstellingen", answers: [:])
        try form.validate(.string("Een visie die meer dan twintig tekens telt."), for: "b_visie_omschrijving", answers: [:])
        try form.validate(nil, for: "b_knelpunten", answers: [:])  // optional
        try form.validate(nil, for: "a_dienst_andere", answers: [:])  // required but not relevant
    }

    @Test(arguments: [
        ("a_aantal_respondenten", JSONValue.string("abc"), AnswerError.wrongType(question: "a_aantal_respondenten", expected: "a whole number", got: "\"abc\"")),
        ("a_aantal_respondenten", .double(3.5), .wrongType(question: "a_aantal_respondenten", expected: "a whole number", got: "3.5")),
        ("c_vte", .string("2"), .wrongType(question: "c_vte", expected: "a number", got: "\"2\"")),
        ("a_functie", .int(3), .wrongType(question: "a_functie", expected: "text", got: "3")),
        ("a_modus", .string("fax"), .unknownChoice(question: "a_modus", choice: "fax", allowed: ["face_to_face", "telefonisch", "video", "zelf"])),
        ("a_modus", .array([.string("zelf")]), .wrongType(question: "a_modus", expected: "one choice name", got: "[\"zelf\"]")),
        ("c_inbedding", .array([.string("sport"), .string("fout")]), .unknownChoice(question: "c_inbedding", choice: "fout", allowed: ["armoedebeleid", "gezin_onderwijs", "onderwijs", "opgroeien", "samenleving", "welzijn", "mobiliteit", "sport", "huis_van_het_kind"])),
        ("c_inbedding", .string("sport"), .wrongType(question: "c_inbedding", expected: "a list of choice names", got: "\"sport\"")),
        ("a_functie", nil, .required(question: "a_functie")),
        ("a_functie", .string(""), .required(question: "a_functie")),
        ("b_doelstellingen", .array([]), .required(question: "b_doelstellingen")),
        ("a_aantal_respondenten", .int(0), .constraint(question: "a_aantal_respondenten", message: "Geef een aantal tussen 1 en 10.")),
        ("a_aantal_respondenten", .int(11), .constraint(question: "a_aantal_respondenten", message: "Geef een aantal tussen 1 en 10.")),
        ("c_vte", .double(50.5), .constraint(question: "c_vte", message: "Geef een getal tussen 0 en 50.")),
        ("b_visie_omschrijving", .string("te kort"), .constraint(question: "b_visie_omschrijving", message: "Noteer minstens één volledige zin.")),
        ("nope", .int(1), .unknownQuestion("nope")),
    ] as [(String, JSONValue?, AnswerError)])
    func invalidAnswers(name: String, value: JSONValue?, expected: AnswerError) {
        #expect(throws: expected) { try form.validate(value, for: name, answers: [:]) }
    }

    @Test func constraintUsesOtherAnswersRelevance() throws {
        let answers: [String: JSONValue] = ["d_overleg": .string("ja")]
        #expect(throws: AnswerError.constraint(question: "d_overleg_sinds", message: "Geef een jaartal tussen 1990 en 2026.")) {
            try form.validate(.int(1980), for: "d_overleg_sinds", answers: answers)
        }
        try form.validate(.int(2010), for: "d_overleg_sinds", answers: answers)
        // Hidden: the constraint is not checked, only the type.
        try form.validate(.int(1980), for: "d_overleg_sinds", answers: [:])
        #expect(throws: AnswerError.self) { try form.validate(.string("x"), for: "d_overleg_sinds", answers: [:]) }
    }

    @Test func requiredWhenRelevant() {
        #expect(throws: AnswerError.required(question: "c_coordinatorrol")) {
            try form.validate(nil, for: "c_coordinatorrol", answers: ["c_coordinator": .string("ja")])
        }
    }

    @Test func constraintWithoutMessageIsGeneric() throws {
        let form = try XLSFormCompiler.compile(
            survey: "type,name,label,constraint\ninteger,n,N,. > 2\n", choices: "list_name,name,label\n", defaultFormID: "t"
        )
        #expect(throws: AnswerError.constraint(question: "n", message: "the answer does not meet the condition . > 2")) {
            try form.validate(.int(1), for: "n", answers: [:])
        }
    }

    @Test func errorDescriptions() {
        #expect(AnswerError.wrongType(question: "a_aantal_respondenten", expected: "a whole number", got: "\"abc\"").description
                == #"a_aantal_respondenten expects a whole number; got "abc""#)
        #expect(AnswerError.unknownChoice(question: "a_modus", choice: "fax", allowed: ["video", "zelf"]).description
                == #"a_modus has no choice "fax"; choose one of: 1 video, 2 zelf"#)
        #expect(AnswerError.required(question: "a_functie").description.contains("a_functie is required"))
        #expect(AnswerError.constraint(question: "c_vte", message: "Geef een getal tussen 0 en 50.").description
                == "c_vte: Geef een getal tussen 0 en 50.")
    }

    // MARK: parseAnswer

    @Test(arguments: [
        ("a_aantal_respondenten", "3", JSONValue.int(3)),
        ("a_aantal_respondenten", " 10 ", .int(10)),
        ("a_aantal_respondenten", "-2", .int(-2)),
        ("c_vte", "2.5", .double(2.5)),
        ("c_vte", "2,5", .double(2.5)),
        ("c_vte", "3", .double(3)),
        ("c_vte", ",5", .double(0.5)),
        ("a_functie", "  onderwijsregisseur ", .string("  onderwijsregisseur ")),
        ("a_modus", "video", .string("video")),
        ("a_modus", "3", .string("video")),
        ("a_modus", "1", .string("face_to_face")),
        ("a_modus", "VIDEO", .string("video")),
        ("b_doelstellingen", "inclusie gelijke_kansen", .array([.string("gelijke_kansen"), .string("inclusie")])),
        ("b_doelstellingen", "5 1 5", .array([.string("gelijke_kansen"), .string("inclusie")])),
        ("b_doelstellingen", "2,samenwerking", .array([.string("ouderbetrokkenheid"), .string("samenwerking")])),
    ])
    func parsesTypedValues(name: String, text: String, expected: JSONValue) throws {
        #expect(try form.parseAnswer(text, for: name) == expected)
    }

    @Test(arguments: [
        ("a_aantal_respondenten", "3.5"),
        ("a_aantal_respondenten", "abc"),
        ("a_aantal_respondenten", ""),
        ("a_aantal_respondenten", "99999999999999999999"),
        ("c_vte", "abc"),
        ("c_vte", "1,234.5"),
        ("c_vte", "1e3"),
        ("c_vte", "nan"),
        ("a_modus", "0"),
        ("a_modus", "5"),
        ("a_modus", "fax"),
        ("a_modus", ""),
        ("b_doelstellingen", "inclusie fout"),
        ("b_doelstellingen", "99"),
        ("b_doelstellingen", " "),
    ])
    func rejectsWrongInput(name: String, text: String) {
        #expect(throws: AnswerError.self) { try form.parseAnswer(text, for: name) }
    }

    @Test func parseErrorsAreSpecific() {
        #expect(throws: AnswerError.wrongType(question: "a_aantal_respondenten", expected: "a whole number", got: "\"3.5\"")) {
            try form.parseAnswer("3.5", for: "a_aantal_respondenten")
        }
        #expect(throws: AnswerError.unknownChoice(question: "a_modus", choice: "fax", allowed: ["face_to_face", "telefonisch", "video", "zelf"])) {
            try form.parseAnswer("fax", for: "a_modus")
        }
        #expect(throws: AnswerError.unknownQuestion("zz")) { try form.parseAnswer("1", for: "zz") }
    }

    @Test func parsesDates() throws {
        let dated = try XLSFormCompiler.compile(
            survey: "type,name,label\ndate,d,Datum\nnote,n,Let op\n", choices: "list_name,name,label\n", defaultFormID: "t"
        )
        #expect(try dated.parseAnswer("2024-02-29", for: "d") == .string("2024-02-29"))
        for bad in ["2023-02-29", "2025-13-01", "2025-1-5", "31/01/2025", "2025-01-32", ""] {
            #expect(throws: AnswerError.self, "\(bad)") { try dated.parseAnswer(bad, for: "d") }
        }
        try dated.validate(.string("2025-01-31"), for: "d", answers: [:])
        #expect(throws: AnswerError.self) { try dated.validate(.string("2025-02-30"), for: "d", answers: [:]) }
        #expect(throws: AnswerError.notAnswerable("n")) { try dated.parseAnswer("x", for: "n") }
        #expect(throws: AnswerError.notAnswerable("n")) { try dated.validate(.string("x"), for: "n", answers: [:]) }
    }

    @Test func parsedAnswersValidate() throws {
        let value = try form.parseAnswer("3 1", for: "c_inbedding")
        try form.validate(value, for: "c_inbedding", answers: [:])
        #expect(value == .array([.string("armoedebeleid"), .string("onderwijs")]))
    }
}

@Suite struct StructuralValidationTests {
    /// A random value for a question: valid or not, of its type or another.
    static func randomValue(for question: Question, in form: Questionnaire, _ random: inout SeededRandom) -> JSONValue? {
        let names = form.choices(for: question).map(\.name)
        switch Int.random(in: 0..<9, using: &random) {
        case 0: return nil
        case 1: return .string(names.randomElement(using: &random) ?? "x")
        case 2: return .array(names.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random)).map(JSONValue.string))
        case 3: return .int(Int64.random(in: -5...500, using: &random))
        case 4: return .double(Double.random(in: -5...500, using: &random))
        case 5: return .string(["2025-02-30", "2025-01-31", "", "andere", "ja"].randomElement(using: &random) ?? "")
        case 6: return .bool(Bool.random(using: &random))
        case 7: return .string("geen-keuze")
        default: return .object(["a": .int(1)])
        }
    }

    @Test("the server's structural check fails exactly when the full check fails for a reason other than required or constraint")
    func structuralEqualsFullMinusContext() throws {
        let form = try XLSFormCompiler.defaultStudy()
        var random = SeededRandom(seed: 2026)
        for _ in 0..<300 {
            var answers: [String: JSONValue] = [:]
            for question in form.questions where question.type.isAnswerable && Bool.random(using: &random) {
                answers[question.name] = Self.randomValue(for: question, in: form, &random)
            }
            for question in form.questions + [form.questions[0]] {
                let name = Int.random(in: 0..<40, using: &random) == 0 ? "geen_vraag" : question.name
                let value = Self.randomValue(for: question, in: form, &random)
                var full: AnswerError?
                do { try form.validate(value, for: name, answers: answers) } catch let error as AnswerError { full = error }
                var structural: AnswerError?
                do { try form.validateStructure(value, for: name, answers: answers) } catch let error as AnswerError { structural = error }
                let expected = full.flatMap { $0.isContextual ? nil : $0 }
                #expect(structural.map(String.init(describing:)) == expected.map(String.init(describing:)), "\(name) = \(String(describing: value))")
            }
        }
    }
}
