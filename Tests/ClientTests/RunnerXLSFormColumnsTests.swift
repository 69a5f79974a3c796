import Foundation
import Shared
import Testing

@testable import VeldwerkClient

/// The runner carries out the XLSForm columns the compiler accepts: defaults, `${name}` in texts,
/// required messages and read-only questions.
@Suite struct RunnerXLSFormColumnsTests {
    private func form(_ survey: String) throws -> Questionnaire {
        try XLSFormCompiler.compile(survey: survey, choices: nil, defaultFormID: "columns")
    }

    @Test("a default is offered and Enter takes it; a typed answer replaces it")
    func defaultIsOfferedAndTaken() throws {
        let form = try form("type,name,label,default,required\ninteger,kinderen,How many children?,2,yes\ntext,naam,Name?,,\n")
        var driver = RunnerDriver(form: form)
        #expect(driver.text.contains("Default answer: 2  (Enter takes it)"))
        driver.type("")
        #expect(driver.savedAnswers["kinderen"] == .int(2))
        #expect(driver.runner.current == "naam")

        var typed = RunnerDriver(form: form)
        typed.type("5")
        #expect(typed.savedAnswers["kinderen"] == .int(5))
    }

    @Test("${name} in a label and a hint shows the answer given")
    func referencesAreRendered() throws {
        let form = try form("type,name,label,hint\ntext,naam,Name?,\ninteger,leeftijd,How old is ${naam}?,Ask ${naam} directly\n")
        var driver = RunnerDriver(form: form)
        driver.type("An")
        #expect(driver.text.contains("How old is An?"))
        #expect(driver.text.contains("Ask An directly"))
    }

    @Test("a required question left empty shows the form's required_message")
    func requiredMessage() throws {
        let form = try form("type,name,label,required,required_message\ntext,naam,Name?,yes,We need a name to continue\n")
        var driver = RunnerDriver(form: form)
        driver.type("")
        #expect(driver.lastLines.contains("We need a name to continue"))
    }

    @Test("a read-only question is not asked")
    func readOnlyIsNotAsked() throws {
        let form = try form("type,name,label,readonly,default\ntext,code,Code,yes,X1\ntext,naam,Name?,,\n")
        var driver = RunnerDriver(form: form)
        #expect(driver.runner.current == "naam")
        driver.type("jump code")
        #expect(driver.lastLines.contains("code is filled in by the form, not typed."))
        #expect(driver.runner.current == "naam")
    }

    @Test("time and geopoint are typed on the line; a wrong one says how to write it")
    func timeAndPlace() throws {
        let form = try form("type,name,label\ntime,aankomst,Arrival?\ngeopoint,plaats,Where?\n")
        var driver = RunnerDriver(form: form)
        #expect(driver.text.contains("Type a time of day as HH:MM"))
        driver.type("25:00")
        #expect(driver.lastLines.contains { $0.contains("is not a time of day") })
        driver.type("9:05", "51.0543 3.7174")
        #expect(driver.savedAnswers["aankomst"] == .string("09:05"))
        #expect(driver.savedAnswers["plaats"] == .string("51.0543 3.7174"))
    }

    @Test("notes show before the next question and at the end, with ${name} filled in; a hidden note does not")
    func notesAreShown() throws {
        let form = try form("""
            type,name,label,relevant,readonly,default
            text,naam,Name?,,,
            note,welkom,Welcome ${naam}.,,,
            note,verborgen,Never shown,${naam} = 'nobody',,
            text,code,Code,,yes,X1
            integer,leeftijd,Age?,,,
            note,einde,Thank you ${naam}.,,,
            """)
        var driver = RunnerDriver(form: form)
        driver.type("An")
        #expect(driver.lastLines.contains("Welcome An."))
        #expect(driver.lastLines.contains("Code: X1"))
        #expect(!driver.text.contains("Never shown"))
        driver.type("40")
        #expect(driver.lastLines.contains("Thank you An."))
    }

    @Test("metadata is filled by the laptop, never asked: start, today, deviceid, username at the start; end at completion")
    func metadataIsFilled() throws {
        let form = try form("type,name,label\nstart,begin,\nend,einde,\ntoday,dag,\ndeviceid,laptop,\nusername,wie,\ntext,naam,Name?\n")
        let now = Date(timeIntervalSince1970: 1_736_000_000)
        var runner = InterviewRunner(
            form: form, answers: [:], interviewID: "00000000-test", device: .init(id: "d-1234", userName: "An Peeters")
        )
        let output = runner.start(now: now)
        #expect(runner.current == "naam")
        guard case .fields(let fields)? = output.saves.first else {
            Issue.record("nothing was saved at the start")
            return
        }
        let values = Dictionary(uniqueKeysWithValues: fields.map { ($0.field, $0.value) })
        #expect(values[Interview.Field.answer("begin")] == .string(InterviewRunner.isoTime(now)))
        #expect(values[Interview.Field.answer("dag")] == .string(ExpressionContext.localDate(now)))
        #expect(values[Interview.Field.answer("laptop")] == .string("d-1234"))
        #expect(values[Interview.Field.answer("wie")] == .string("An Peeters"))
        #expect(values[Interview.Field.answer("einde")] == nil)
        for field in fields {
            let name = String(field.field.dropFirst(Interview.Field.answerPrefix.count))
            try form.validate(field.value, for: name, answers: [:])
        }
        // Resuming keeps the first start.
        var resumed = InterviewRunner(form: form, answers: runner.answers, interviewID: "00000000-test")
        #expect(resumed.start(now: now.addingTimeInterval(3600)).saves.isEmpty)

        var driver = RunnerDriver(form: form)
        driver.type("An", "complete")
        #expect(driver.savedAnswers["einde"] != nil)
    }
}
