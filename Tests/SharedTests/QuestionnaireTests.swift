import Foundation
import Testing
@testable import Shared

@Suite struct QuestionnaireTests {
    // MARK: The default study

    @Test func studyShape() throws {
        let form = try XLSFormCompiler.defaultStudy()
        #expect(form.id == "flankerend_onderwijsbeleid")
        #expect(form.version == "1")
        #expect(form.defaultLanguage == "nl")
        #expect(form.languages == ["nl", "en"])
        #expect(form.questions.count == 44)
        #expect(form.groups.map(\.name) == ["a", "b", "c", "d", "e", "f"])
        #expect(form.groups.map(\.questionNames.count) == [5, 6, 7, 9, 12, 5])
        #expect(form.groups.allSatisfy { $0.parent == nil })
        #expect(form.questions.allSatisfy { $0.group != nil })
        #expect(form.choiceLists.count == 24)
        #expect(form.groups[1].label.text("en") == "B. Vision on flanking education policy")
    }

    @Test func studyTypesAndCounts() throws {
        let form = try XLSFormCompiler.defaultStudy()
        func count(_ match: (QuestionType) -> Bool) -> Int { form.questions.filter { match($0.type) }.count }
        #expect(count { if case .selectOne = $0 { true } else { false } } == 13)
        #expect(count { if case .selectMultiple = $0 { true } else { false } } == 15)
        #expect(count { $0 == .text } == 10)
        #expect(count { $0 == .integer } == 4)
        #expect(count { $0 == .decimal } == 2)
        #expect(form.questions.filter(\.required).count == 29)
        #expect(form.questions.filter { $0.relevant != nil }.count == 7)
        #expect(form.questions.filter { $0.constraint != nil }.count == 11)
    }

    @Test func studyQuestionDetails() throws {
        let form = try XLSFormCompiler.defaultStudy()
        let modus = try #require(form.question(named: "a_modus"))
        #expect(modus.type == .selectOne(list: "modus"))
        #expect(modus.row == 3)
        #expect(modus.group == "a")
        #expect(modus.required)
        #expect(modus.label.text("nl") == "Hoe verloopt deze bevraging?")
        #expect(modus.label.text("en") == "How is this interview conducted?")
        #expect(modus.label.text("fr") == "Hoe verloopt deze bevraging?")
        #expect(modus.label.text(nil) == "Hoe verloopt deze bevraging?")
        #expect(form.choices(for: modus).map(\.name) == ["face_to_face", "telefonisch", "video", "zelf"])
        #expect(form.choices(for: modus).last?.label.text("en") == "Self-completed by the government")

        let functie = try #require(form.question(named: "a_functie"))
        #expect(functie.hint?.text("nl") == "Bv. deskundige Opgroeien, onderwijsregisseur, diensthoofd welzijn")
        #expect(functie.hint?.text("en") == "Bv. deskundige Opgroeien, onderwijsregisseur, diensthoofd welzijn")  // falls back to nl

        let aantal = try #require(form.question(named: "a_aantal_respondenten"))
        #expect(aantal.constraint?.source == ". >= 1 and . <= 10")
        #expect(aantal.constraintMessage?.text("nl") == "Geef een aantal tussen 1 en 10.")

        let subsidie = try #require(form.question(named: "e_subsidie_per_kind"))
        #expect(subsidie.relevant?.referencedNames() == ["e_financieel"])
        #expect(form.question(named: "nope") == nil)
        #expect(form.questions.last?.name == "f_opmerkingen")
        #expect(form.questions.last?.row == 56)
    }

    @Test func everyStudyExpressionParsesAndReferencesEarlierQuestions() throws {
        let form = try XLSFormCompiler.defaultStudy()
        let survey = try #require(StudyFiles.text(named: "survey.csv"))
        let records = try CSVReader.table(survey).records
        var seen: Set<String> = []
        var parsed = 0
        for record in records {
            for column in ["relevant", "constraint"] {
                let text = record[column] ?? ""
                guard !text.isEmpty else { continue }
                let expression = try Expression(text)
                #expect(expression.referencedNames().isSubset(of: seen), "\(record["name"] ?? "") \(column)")
                parsed += 1
            }
            if let name = record["name"] { seen.insert(name) }
        }
        #expect(parsed == 18)
        #expect(form.questions.compactMap(\.relevant).count + form.questions.compactMap(\.constraint).count == parsed)
    }

    @Test func codableRoundTrip() throws {
        let form = try XLSFormCompiler.defaultStudy()
        let data = try JSONEncoder().encode(form)
        let decoded = try JSONDecoder().decode(Questionnaire.self, from: data)
        #expect(decoded == form)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#""type":"select_one modus""#))
    }

    // MARK: Compiling small forms

    private static let choices = """
        list_name,name,label
        jn,ja,Ja
        jn,nee,Nee
        """

    private func compile(_ survey: String, choices: String = QuestionnaireTests.choices, settings: String? = nil) throws -> Questionnaire {
        try XLSFormCompiler.compile(survey: survey, choices: choices, settings: settings, defaultFormID: "test")
    }

    @Test func plainLabelsSettingsAndNestedGroups() throws {
        let survey = """
            type,name,label,hint,relevant,calculation,required
            begin group,outer,Outer,,,,
            select_one jn,q1,Vraag 1,,,,yes
            begin_group,inner,,,${q1} = 'ja',,
            integer,q2,Vraag 2,Hint,,,no
            calculate,dubbel,,,,${q2} * 2,
            end_group,,,,,,
            end_group,outer,,,,,
            note,n,Einde,,,,
            """
        let settings = "form_id,version,form_title,default_language\nmy_form,2025010101,Mijn formulier,Dutch (nl)\n"
        let form = try compile(survey, settings: settings)
        #expect(form.id == "my_form")
        #expect(form.version == "2025010101")
        #expect(form.title.text() == "Mijn formulier")
        #expect(form.defaultLanguage == "nl")
        #expect(form.groups.map(\.name) == ["outer", "inner"])
        #expect(form.groups[1].parent == "outer")
        #expect(form.groups[0].questionNames == ["q1"])
        #expect(form.groups[1].questionNames == ["q2", "dubbel"])
        #expect(form.question(named: "q2")?.group == "inner")
        #expect(form.question(named: "n")?.group == nil)
        #expect(form.question(named: "q2")?.label.text("nl") == "Vraag 2")
        #expect(form.question(named: "dubbel")?.type == .calculate)
        #expect(form.question(named: "q1")?.required == true)
    }

    @Test func withoutSettingsTheFormIDParameterIsRequired() throws {
        let survey = "type,name,label\ntext,t,T\n"
        #expect(throws: XLSFormError.self) {
            try XLSFormCompiler.compile(survey: survey, choices: Self.choices)
        }
        let form = try XLSFormCompiler.compile(survey: survey, choices: Self.choices, defaultFormID: "fallback")
        #expect(form.id == "fallback")
        #expect(form.version == "1")
        #expect(form.defaultLanguage == "default")
    }

    @Test func choiceFilterUsesChoiceColumns() throws {
        let choices = """
            list_name,name,label,provincie
            prov,ant,Antwerpen,
            prov,wvl,West-Vlaanderen,
            gem,11002,Antwerpen,ant
            gem,31005,Brugge,wvl
            gem,11001,Aartselaar,ant
            """
        let survey = """
            type,name,label,choice_filter
            select_one prov,p,Provincie,
            select_one gem,g,Gemeente,provincie = ${p}
            """
        let form = try compile(survey, choices: choices)
        let gemeente = try #require(form.question(named: "g"))
        #expect(form.choices(for: gemeente).count == 3)
        #expect(form.availableChoices(for: gemeente, answers: ["p": .string("ant")]).map(\.name) == ["11002", "11001"])
        #expect(try form.parseAnswer("2", for: "g", answers: ["p": .string("ant")]) == .string("11001"))
        #expect(throws: AnswerError.self) {
            try form.validate(.string("31005"), for: "g", answers: ["p": .string("ant")])
        }
    }

    // MARK: Broken forms

    @Test(arguments: [
        // (survey, row, column, reason fragment)
        ("type,name,label\ngeotrace,g,G\n", 2, "type", "the form uses lines, shapes and maps (type \"geotrace\"), which Veldwerk does not support"),
        ("type,name,label\ntext,,Zonder naam\n", 2, "name", "no name"),
        ("type,name,label\ntext,1abc,Slechte naam\n", 2, "name", "not a valid name"),
        ("type,name,label\ntext,a,A\ninteger,a,B\n", 3, "name", "duplicate name \"a\" (also on row 2)"),
        ("type,name,label\nbegin_group,a,A\ntext,a,B\nend_group,,\n", 3, "name", "duplicate name"),
        ("type,name,label\nselect_one bestaat_niet,q,Q\n", 2, "type", "choice list \"bestaat_niet\" is not in choices.csv"),
        ("type,name,label\nbegin_group,g,G\ntext,t,T\n", 2, "type", "never closed"),
        ("type,name,label\ntext,t,T\nend_group,,\n", 3, "type", "without a matching begin_group"),
        ("type,name,label\nbegin_group,g,G\nend_group,h,\n", 3, "name", "closes group \"g\""),
        ("type,name,label,relevant\ntext,t,T,${t} = \n", 2, "relevant", "syntax error"),
        ("type,name,label,constraint\ninteger,t,T,. >> 3\n", 2, "constraint", "syntax error"),
        ("type,name,label,relevant\ntext,t,T,${b_foo} = 'x'\n", 2, "relevant", "unknown question ${b_foo}"),
        ("type,name,label,constraint\ntext,t,T,. != ${zz}\n", 2, "constraint", "unknown question ${zz}"),
        ("type,name,label,calculation\ncalculate,c,,${x} + 1\n", 2, "calculation", "unknown question ${x}"),
        ("type,name,label,calculation\ncalculate,c,,\n", 2, "calculation", "no calculation"),
        ("type,name,label,choice_filter\nselect_one jn,q,Q,name != ${y}\n", 2, "choice_filter", "unknown question ${y}"),
        ("type,name,label,choice_filter\nselect_one jn,q,Q,kolom = 'x'\n", 2, "choice_filter", "\"kolom\" is not a column"),
        ("type,name,label,relevant\ntext,t,T,ja = 'ja'\n", 2, "relevant", "bare name \"ja\""),
        ("type,name,label,relevant\nbegin_group,g,G,${t} = 'x'\nend_group,,,\n", 2, "relevant", "unknown question ${t}"),
        ("type,name,label,required\ntext,t,T,${x} = 1\n", 2, "required", "not yes or no"),
        ("type,name,label\ntext,t,\n", 2, "label", "no label"),
        ("type,name,label\nbegin_repeat,r,R\n", 2, "type", "begin_repeat \"r\" is never closed with end_repeat"),
        ("type,name,label\nbegin_repeat,r,R\ntext,t,T\nend_group,,\n", 4, "type", "end_group closes begin_repeat \"r\""),
        ("type,name,label,repeat_count\ntext,t,T,3\n", 2, "repeat_count", "only a begin_repeat row takes a repeat_count"),
        // Expressions that reach into a repeat where ODK would read a set of answers.
        ("type,name,label,relevant\nbegin_repeat,r,R,\ninteger,n,N,\nend_repeat,,,\ntext,t,T,${n} > 1\n", 5, "relevant", "is in repeat \"r\""),
        ("type,name,label,calculation\nbegin_repeat,r,R,\ninteger,n,N,\nend_repeat,,,\ncalculate,c,,${r}\n", 5, "calculation", "${r} is a repeat"),
        ("type,name,label,calculation\ninteger,n,N,\ncalculate,c,,position(..)\n", 3, "calculation", "only means something inside a repeat"),
        ("type,name,label,calculation\nbegin_repeat,r,R,\ninteger,n,N,\nend_repeat,,,\ncalculate,c,,sum(${r})\n", 5, "calculation", "count() and sum() take"),
        ("type,name,label,calculation\nbegin_repeat,r,R,\ninteger,n,N,\nend_repeat,,,\ninteger,m,M,\ncalculate,c,,\"indexed-repeat(${m}, ${r}, 1)\"\n", 6, "calculation", "indexed-repeat() takes"),
        ("type,name,label,calculation\nbegin_repeat,a,A,\ninteger,x,X,\nend_repeat,,,\nbegin_repeat,b,B,\ncalculate,y,,${x}\nend_repeat,,,\n", 6, "calculation", "is in repeat \"a\""),
        ("type,name,label,calculation\nbegin_group,g,G,\ncalculate,c,,position(..)\nend_repeat,,,\n", 4, "type", "end_repeat closes begin_group \"g\""),
        ("type,name,label\n,t,T\n", 2, "type", "no type"),
        ("type,label\ntext,T\n", 1, "name", "lacks this column"),
    ])
    func brokenSurveyIsRejected(survey: String, row: Int, column: String, reason: String) {
        do {
            _ = try compile(survey)
            Issue.record("expected \(survey) to be rejected")
        } catch let error as XLSFormError {
            #expect(error.sheet == "survey.csv")
            #expect(error.row == row)
            #expect(error.column == column)
            #expect(error.reason.contains(reason), "\(error.reason)")
            #expect(error.description.hasPrefix("survey.csv row \(row), column \"\(column)\": "))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func errorDescriptionReadsLikeASentence() {
        let survey = "type,name,label,relevant\ntext,a,A,\ntext,b,B,${b_foo} = 'ja'\n"
        do {
            _ = try compile(survey)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == #"survey.csv row 3, column "relevant": unknown question ${b_foo}"#)
        }
    }

    @Test(arguments: [
        ("list_name,name,label\njn,ja,Ja\njn,ja,Ja toch\n", 3, "name", "duplicate choice \"ja\" in list \"jn\" (also on row 2)"),
        ("list_name,name,label\njn,,Ja\n", 2, "name", "no name"),
        ("list_name,name,label\n,ja,Ja\n", 2, "list_name", "no list_name"),
        ("list_name,label\njn,Ja\n", 1, "name", "lacks this column"),
        ("list_name,name,label\njn,\"ja,Ja\n", 2, nil, "never closed"),
    ])
    func brokenChoicesAreRejected(choices: String, row: Int, column: String?, reason: String) {
        do {
            _ = try compile("type,name,label\nselect_one jn,q,Q\n", choices: choices)
            Issue.record("expected \(choices) to be rejected")
        } catch let error as XLSFormError {
            #expect(error.sheet == "choices.csv")
            #expect(error.row == row)
            #expect(error.column == column)
            #expect(error.reason.contains(reason), "\(error.reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func duplicateChoiceNamesInDifferentListsAreFine() throws {
        let form = try compile("type,name,label\nselect_one jn,q,Q\n", choices: "list_name,name,label\njn,ja,Ja\nx,ja,Ja\n")
        #expect(form.choiceLists["x"]?.count == 1)
    }

    @Test func selectMultipleChoiceWithSpaceIsRejected() {
        #expect(throws: XLSFormError.self) {
            try compile("type,name,label\nselect_multiple jn,q,Q\n", choices: "list_name,name,label\njn,twee woorden,X\n")
        }
    }
}
