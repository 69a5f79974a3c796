import Foundation
import Shared
import Testing

/// time, datetime, acknowledge and geopoint: typed in a terminal, stored as ODK stores them.
@Suite struct FieldTypeTests {
    let form: Questionnaire

    init() throws {
        form = try XLSFormCompiler.compile(
            survey: """
                type,name,label
                time,aankomst,Arrival time?
                dateTime,afspraak,Appointment?
                acknowledge,akkoord,The respondent agrees to take part.
                geopoint,plaats,Where?
                gps,oud,Older spelling
                """,
            choices: nil, defaultFormID: "types"
        )
    }

    @Test("the types compile, datetime and gps in pyxform's other spellings")
    func types() {
        #expect(form.questions.map(\.type) == [.time, .dateTime, .acknowledge, .geopoint, .geopoint])
        #expect(form.questions.map(\.type.xlsform) == ["time", "datetime", "acknowledge", "geopoint", "geopoint"])
    }

    @Test("typed answers are read and written as ODK stores them", arguments: [
        ("aankomst", "9:05", JSONValue.string("09:05")),
        ("aankomst", "14:30:15", .string("14:30:15")),
        ("afspraak", "2025-01-31 14:30", .string("2025-01-31T14:30")),
        ("afspraak", "2025-01-31T08:00", .string("2025-01-31T08:00")),
        ("akkoord", "ok", .string("OK")),
        ("plaats", "51.0543 3.7174", .string("51.0543 3.7174")),
        ("plaats", "-33.9,18.4, 12 5", .string("-33.9 18.4 12 5")),
    ])
    func parses(name: String, text: String, expected: JSONValue) throws {
        let value = try form.parseAnswer(text, for: name)
        #expect(value == expected)
        try form.validate(value, for: name, answers: [:])
    }

    @Test("wrong answers are refused", arguments: [
        ("aankomst", "24:00"), ("aankomst", "12h30"), ("aankomst", "7:5"),
        ("afspraak", "2025-02-30 10:00"), ("afspraak", "2025-01-31"),
        ("akkoord", "maybe"),
        ("plaats", "91 3"), ("plaats", "51"), ("plaats", "51 181"), ("plaats", "north west"),
    ])
    func refuses(name: String, text: String) {
        #expect(throws: AnswerError.self) { try form.parseAnswer(text, for: name) }
    }

    @Test("a stored value of the wrong shape is refused when synced")
    func storedShape() {
        #expect(throws: AnswerError.self) { try form.validate(.string("9:05"), for: "aankomst", answers: [:]) }
        #expect(throws: AnswerError.self) { try form.validate(.string("yes"), for: "akkoord", answers: [:]) }
        #expect(throws: AnswerError.self) { try form.validate(.int(51), for: "plaats", answers: [:]) }
    }

    @Test("a JSON round trip keeps the types")
    func codable() throws {
        let data = try JSONEncoder().encode(form)
        #expect(try JSONDecoder().decode(Questionnaire.self, from: data) == form)
    }

    @Test("range: a number between start and end on a step, ODK's defaults 1 to 10 by 1, as pyxform fills them")
    func range() throws {
        let form = try XLSFormCompiler.compile(
            survey: "type,name,label,parameters\nrange,score,Score?,start=0 end=5 step=0.5\nrange,tevreden,Satisfied?,\n",
            choices: nil, defaultFormID: "range"
        )
        #expect(form.question(named: "score")?.parameters == ["start": "0", "end": "5", "step": "0.5"])
        #expect(form.question(named: "tevreden")?.parameters == ["start": "1", "end": "10", "step": "1"])
        #expect(try form.parseAnswer("2,5", for: "score") == .double(2.5))
        #expect(try form.parseAnswer("7", for: "tevreden") == .int(7))
        for bad in ["5.5", "0.25", "-1"] {
            #expect(throws: AnswerError.self) { try form.parseAnswer(bad, for: "score") }
        }
        #expect(throws: AnswerError.self) { try form.parseAnswer("11", for: "tevreden") }
        #expect(throws: AnswerError.self) { try form.validate(.int(0), for: "tevreden", answers: [:]) }
        try form.validate(.double(4.5), for: "score", answers: [:])
        for parameters in ["start=a", "tick_interval=2", "step=0"] {
            #expect(throws: XLSFormError.self) {
                try XLSFormCompiler.compile(survey: "type,name,label,parameters\nrange,r,R,\(parameters)\n", choices: nil, defaultFormID: "f")
            }
        }
    }

    @Test("rank: every choice once, in the respondent's order, by number or name")
    func rank() throws {
        let form = try XLSFormCompiler.compile(
            survey: "type,name,label\nrank prio,volgorde,Most important first?\n",
            choices: "list_name,name,label\nprio,geld,Money\nprio,tijd,Time\nprio,rust,Rest\n", defaultFormID: "rank"
        )
        #expect(form.question(named: "volgorde")?.type == .rank(list: "prio"))
        #expect(form.question(named: "volgorde")?.type.xlsform == "rank prio")
        #expect(try form.parseAnswer("3 geld 2", for: "volgorde") == .array([.string("rust"), .string("geld"), .string("tijd")]))
        for bad in ["1 2", "1 1 2 3", "1 2 4"] {
            #expect(throws: AnswerError.self) { try form.parseAnswer(bad, for: "volgorde") }
        }
        try form.validate(.array([.string("tijd"), .string("rust"), .string("geld")]), for: "volgorde", answers: [:])
        #expect(throws: AnswerError.self) { try form.validate(.array([.string("tijd"), .string("rust")]), for: "volgorde", answers: [:]) }
        #expect(try JSONDecoder().decode(Questionnaire.self, from: JSONEncoder().encode(form)) == form)
    }
}
