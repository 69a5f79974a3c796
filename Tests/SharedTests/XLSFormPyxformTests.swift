import Foundation
import Shared
import Testing

/// XLSForm as field teams write it and pyxform reads it: other spellings, optional sheets, and
/// columns that either work or refuse the form naming the cell.
@Suite struct XLSFormPyxformTests {
    private func compile(_ survey: String, choices: String? = nil, settings: String? = nil) throws -> Questionnaire {
        try XLSFormCompiler.compile(survey: survey, choices: choices, settings: settings, defaultFormID: "test")
    }

    private func refusal(_ survey: String, choices: String? = nil, settings: String? = nil) -> XLSFormError? {
        do {
            _ = try compile(survey, choices: choices, settings: settings)
            return nil
        } catch {
            return error as? XLSFormError
        }
    }

    @Test("no choices sheet, or an empty one, while no question needs a list")
    func choicesOptional() throws {
        let form = try compile("type,name,label\ninteger,n,How many?\n")
        #expect(form.questions.map(\.name) == ["n"])
        _ = try compile("type,name,label\ninteger,n,How many?\n", choices: "list_name,name,label\n")
        let missing = refusal("type,name,label\nselect_one yn,q,Yes?\n")
        #expect(missing?.row == 2 && missing?.column == "type")
    }

    @Test("language columns in both spellings: label::English (en) and label:English")
    func languageSpellings() throws {
        let form = try compile("type,name,label::English (en),label:Nederlands,hint:Nederlands\ntext,t,Name?,Naam?,Voluit\n")
        let question = try #require(form.question(named: "t"))
        #expect(question.label.text("en") == "Name?")
        #expect(question.label.text("Nederlands") == "Naam?")
        #expect(question.hint?.text("Nederlands") == "Voluit")
    }

    @Test("older column spellings work as in pyxform: bind:relevant, relevance, bind:jr:constraintMsg, read_only, requiredMsg")
    func columnAliases() throws {
        let form = try compile("""
            type,name,label,bind:relevant,bind:constraint,bind:jr:constraintMsg,requiredMsg,required
            integer,a,A,,. > 0,Positive please,Needed,yes
            text,b,B,${a} > 2,,,,
            """)
        let a = try #require(form.question(named: "a"))
        #expect(a.constraint?.source == ". > 0")
        #expect(a.constraintMessage?.text() == "Positive please")
        #expect(a.requiredMessage?.text() == "Needed")
        #expect(form.question(named: "b")?.relevant?.source == "${a} > 2")
        let other = try compile("type,name,label,relevance,read_only\ninteger,a,A,,\ntext,b,B,${a} > 2,yes\n")
        #expect(other.question(named: "b")?.relevant?.source == "${a} > 2")
        #expect(other.question(named: "b")?.readOnly == true)
    }

    @Test("the older select spellings", arguments: [
        ("select one from yn", QuestionType.selectOne(list: "yn")),
        ("select_multiple  yn", .selectMultiple(list: "yn")),
        ("select all that apply from yn", .selectMultiple(list: "yn")),
        ("select multiple yn", .selectMultiple(list: "yn")),
        ("select1 yn", .selectOne(list: "yn")),
    ])
    func selectSpellings(type: String, expected: QuestionType) throws {
        let form = try compile("type,name,label\n\(type),q,Q\n", choices: "list name,name,label\nyn,y,Yes\nyn,n,No\n")
        #expect(form.question(named: "q")?.type == expected)
    }

    @Test("a value in a column without a header does not make a row")
    func headerlessValues() throws {
        let form = try compile("type,name,label,\ntext,t,T,\n,,,stray note\ninteger,n,N,\n")
        #expect(form.questions.map(\.name) == ["t", "n"])
    }

    @Test("a row with no type, name or label is a comment; after 60 empty rows the sheet has ended, as pyxform reads it")
    func commentRowsAndEndOfSheet() throws {
        let form = try compile("type,name,label,_note\n,,,a comment\ntext,t,T,\n" + String(repeating: ",,,\n", count: 61) + "stray,x,y,\n")
        #expect(form.questions.map(\.name) == ["t"])
        let near = refusal("type,name,label\ntext,t,T\n" + String(repeating: ",,\n", count: 60) + "stray,x,y\n")
        #expect(near?.row == 63 && near?.column == "type")
    }

    @Test("a choice without a label is accepted, as pyxform does; allow_choice_duplicates set to no changes nothing")
    func choiceWithoutLabel() throws {
        let form = try compile(
            "type,name,label\nselect_one yn,q,Q\n", choices: "list_name,name,label\nyn,y,\nyn,n,No\n",
            settings: "form_id,allow_choice_duplicates\nf,no\n"
        )
        #expect(form.choiceLists["yn"]?.map(\.name) == ["y", "n"])
        #expect(form.choiceLists["yn"]?.first?.label.isEmpty == true)
    }

    @Test("a choice_filter may name a choices column written with capitals")
    func choiceFilterCapitals() throws {
        let form = try compile(
            "type,name,label,choice_filter\nselect_one land,l,Land?\nselect_one stad,s,Stad?,Land = ${l}\n",
            choices: "list_name,name,label,Land\nland,be,België,\nland,nl,Nederland,\nstad,gent,Gent,be\nstad,utrecht,Utrecht,nl\n"
        )
        let question = try #require(form.question(named: "s"))
        #expect(form.availableChoices(for: question, answers: ["l": .string("nl")]).map(\.name) == ["utrecht"])
    }

    @Test("columns Veldwerk does not carry out refuse the form naming sheet, row, column and feature", arguments: [
        ("type,name,label,parameters\ninteger,a,A,\ntext,b,B,rows=3\n", 3, "parameters", "parameters (for a text question)"),
        ("type,name,label,image\ntext,b,B,photo.jpg\n", 2, "image", "media"),
        ("type,name,label,media::audio::English\ntext,b,B,a.mp3\n", 2, "media::audio::English", "media"),
        ("type,name,label,bind::saveIncomplete\ntext,b,B,true()\n", 2, "bind::saveIncomplete", "saveincomplete"),
        ("type,name,label,trigger\ninteger,a,A,\ntext,b,B,${a}\n", 3, "trigger", "trigger"),
        ("type,name,label,save_to\ntext,b,B,x\n", 2, "save_to", "entity"),
    ])
    func unsupportedColumns(survey: String, row: Int, column: String, feature: String) throws {
        let error = try #require(refusal(survey))
        #expect(error.sheet == "survey.csv")
        #expect(error.row == row)
        #expect(error.column == column)
        #expect(error.reason.lowercased().contains(feature), "\(error)")
        #expect(error.reason.contains("which Veldwerk does not support"))
    }

    @Test("an empty unsupported column, and a column outside XLSForm, change nothing and are fine")
    func emptyAndForeignColumns() throws {
        let form = try compile("type,name,label,image,tutorial notes\ntext,b,B,,ask slowly\n")
        #expect(form.questions.count == 1)
    }

    @Test("types Veldwerk does not carry out are refused naming the feature", arguments: [
        ("image", "media"), ("begin loop over yn", "loop"),
        ("select_one_external yn", "external"), ("simserial", "metadata"),
    ])
    func unsupportedTypes(type: String, feature: String) throws {
        let error = try #require(refusal("type,name,label\n\(type),q,Q\n", choices: "list_name,name,label\nyn,y,Yes\n"))
        #expect(error.row == 2 && error.column == "type")
        #expect(error.reason.contains(feature), "\(error)")
    }

    @Test("or_other and or specify other: the list gains Other, and NAME_other is asked when it is chosen, as pyxform does")
    func orOther() throws {
        let form = try compile(
            "type,name,label::en,label::nl\nselect_one kleur or_other,kleur,Colour?,Kleur?\nselect all that apply from dier or specify other,dier,Pets?,Huisdieren?\n",
            choices: "list_name,name,label::en,label::nl\nkleur,rood,Red,Rood\ndier,kat,Cat,Kat\n"
        )
        #expect(form.questions.map(\.name) == ["kleur", "kleur_other", "dier", "dier_other"])
        #expect(form.choiceLists["kleur"]?.map(\.name) == ["rood", "other"])
        #expect(form.choiceLists["kleur"]?.last?.label.texts == ["en": "Other", "nl": "Other"])
        #expect(form.question(named: "kleur")?.type == .selectOne(list: "kleur"))
        #expect(form.question(named: "dier")?.type == .selectMultiple(list: "dier"))
        #expect(!form.isRelevant("kleur_other", answers: ["kleur": .string("rood")]))
        #expect(form.isRelevant("kleur_other", answers: ["kleur": .string("other")]))
        #expect(form.isRelevant("dier_other", answers: ["dier": .array([.string("kat"), .string("other")])]))
    }

    @Test("select_one_from_file and select_multiple_from_file take their choices from a CSV file beside the form")
    func choicesFromFile() throws {
        let files = ["gemeenten.csv": "name,label,provincie\n11001,Aartselaar,antwerpen\n44021,Gent,oost-vlaanderen\n", "talen.csv": "name,label::nl\nnl,Nederlands\nfr,Frans\n"]
        let form = try XLSFormCompiler.compile(
            survey: "type,name,label,choice_filter\nselect_one prov,p,Province?,\nselect_one_from_file gemeenten.csv,g,Municipality?,provincie = ${p}\nselect_multiple_from_file talen.csv,t,Languages?,\n",
            choices: "list_name,name,label\nprov,antwerpen,Antwerpen\nprov,oost-vlaanderen,Oost-Vlaanderen\n",
            defaultFormID: "f", choiceFile: { files[$0] }
        )
        let g = try #require(form.question(named: "g"))
        #expect(g.type == .selectOne(list: "gemeenten.csv"))
        #expect(form.question(named: "t")?.type == .selectMultiple(list: "talen.csv"))
        #expect(form.availableChoices(for: g, answers: ["p": .string("antwerpen")]).map(\.name) == ["11001"])
        #expect(form.choiceLists["talen.csv"]?.first?.label.text("nl") == "Nederlands")
        let missing = refusal("type,name,label\nselect_one_from_file nergens.csv,x,X\n")
        #expect(missing?.row == 2 && missing?.column == "type" && missing?.reason.contains("nergens.csv") == true)
        do {
            _ = try XLSFormCompiler.compile(
                survey: "type,name,label\nselect_one_from_file gemeenten.csv,g,G\n", choices: nil, defaultFormID: "f",
                choiceFile: { _ in "name,label\n,Naamloos\n" }
            )
            Issue.record("a choice without a name in the file was accepted")
        } catch let error as XLSFormError {
            #expect(error.sheet == "gemeenten.csv" && error.row == 2 && error.column == "name")
        }
    }

    @Test("a header written twice is refused, as pyxform does")
    func duplicateHeader() throws {
        let error = try #require(refusal("type,name,label,bind::relevant,relevance\ntext,t,T,,\n"))
        #expect(error.row == 1 && error.column == "relevance")
    }

    @Test("default: an unanswered question starts with it; a required one is then answered; a cleared one is empty")
    func defaults() throws {
        let form = try compile(
            "type,name,label,default,required\ninteger,n,N,3,yes\nselect_multiple yn,m,M,y n,\ntext,t,T,,\n",
            choices: "list_name,name,label\nyn,y,Yes\nyn,n,No\n"
        )
        #expect(form.effectiveAnswers([:])["n"] == .int(3))
        #expect(form.effectiveAnswers([:])["m"] == .array([.string("y"), .string("n")]))
        #expect(form.missingRequired(answers: [:]).isEmpty)
        #expect(form.effectiveAnswers(["n": .int(5)])["n"] == .int(5))
        #expect(form.effectiveAnswers(["n": .null])["n"] == nil)
        #expect(form.missingRequired(answers: ["n": .null]).map(\.name) == ["n"])
        let bad = refusal("type,name,label,default\ninteger,n,N,three\n")
        #expect(bad?.row == 2 && bad?.column == "default")
        let dynamic = refusal("type,name,label,default\ndate,d,D,today()\n")
        #expect(dynamic?.column == "default" && dynamic?.reason.contains("calculation column") == true)
    }

    @Test("a calculation on a typed question is a calculated default")
    func calculatedDefault() throws {
        let form = try compile("type,name,label,calculation\ninteger,a,A,\ninteger,b,B,${a} * 2\n")
        #expect(form.effectiveAnswers(["a": .int(4)])["b"] == .int(8))
        #expect(form.effectiveAnswers(["a": .int(4), "b": .int(1)])["b"] == .int(1))
    }

    @Test("${name} in labels, hints and messages must name a question")
    func textReferences() throws {
        let form = try compile("type,name,label,hint\ntext,naam,Name?,\ninteger,kinderen,Children?,\nnote,n,Hello ${naam} (${kinderen} children; ${naam}),Hint for ${naam}\n")
        let note = try #require(form.question(named: "n"))
        #expect(Questionnaire.references(in: note.label) == ["naam", "kinderen"])
        #expect(form.render(note.label.text(), answers: ["naam": .string("An"), "kinderen": .int(2)]) == "Hello An (2 children; An)")
        #expect(form.render(note.label.text(), answers: [:]) == "Hello  ( children; )")
        let error = try #require(refusal("type,name,label\ntext,naam,Name?\nnote,n,Hello ${nam}\n"))
        #expect(error.row == 3 && error.column == "label" && error.reason.contains("${nam}"))
        let hint = try #require(refusal("type,name,label,hint\ntext,naam,Name?,See ${x}\n"))
        #expect(hint.column == "hint")
    }

    @Test("settings that change what a device does are refused naming the cell")
    func unsupportedSettings() throws {
        let error = try #require(refusal("type,name,label\ntext,t,T\n", settings: "form_id,public_key\nf,MIIBIjANBg\n"))
        #expect(error.sheet == "settings.csv" && error.row == 2 && error.column == "public_key")
    }
}
