import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient

@Suite("Runner navigation: back after resuming, jump and return, numbers, end, answers back on the line")
struct RunnerNavigationTests {
    let form: Questionnaire

    init() throws {
        form = try XLSFormCompiler.defaultStudy()
    }

    /// The first four questions of the study answered as a resumed interview holds them.
    var firstFour: [String: JSONValue] {
        ["a_modus": .string("telefonisch"), "a_functie": .string("Schepen"), "a_dienst": .string("onderwijs"), "a_aantal_respondenten": .int(2)]
    }

    @Test("back right after resuming goes to the question before, with its answer on the line")
    func backAfterResume() {
        var driver = RunnerDriver(form: form, answers: firstFour)
        #expect(driver.runner.current == "b_visie_uitgeschreven")
        let output = driver.type("back")
        #expect(driver.runner.current == "a_aantal_respondenten")
        #expect(output.prefill == "2")
        #expect(!driver.text.contains("There is no earlier question"))
        driver.type("back")
        #expect(driver.runner.current == "a_dienst")
        #expect(driver.outputs.last?.prefill == nil, "a choice is picked anew by its number; Enter keeps it")
        driver.type("back")
        #expect(driver.runner.current == "a_functie")
        #expect(driver.outputs.last?.prefill == "Schepen", "a one-line text comes back for editing")
    }

    @Test("after jump NAME and an answer the runner returns to where it was, not through every later question")
    func jumpAndReturn() {
        var driver = RunnerDriver(form: form, answers: firstFour)
        driver.type("1", "ja")  // b_visie_uitgeschreven, b_meerjarenplan
        let here = driver.runner.current
        #expect(here != nil && here != "b_meerjarenplan")
        driver.type("jump a_modus")
        #expect(driver.runner.current == "a_modus")
        driver.type("1")
        #expect(driver.runner.current == here, "back where the jump started")
        #expect(driver.savedAnswers["a_modus"] != nil)
    }

    @Test("list numbers the questions; jump takes a number; end goes to the first open question after the last answer")
    func numbersAndEnd() {
        var answers = firstFour
        answers["a_functie"] = nil  // a gap before the last answer
        var driver = RunnerDriver(form: form, answers: answers)
        #expect(driver.runner.current == "a_functie", "resumes at the first open question")
        driver.type("list")
        #expect(driver.lastLines.contains { $0.contains("  1 a_modus") })
        #expect(driver.lastLines.contains { $0.contains("  4 a_aantal_respondenten") })
        driver.type("jump 3")
        #expect(driver.runner.current == "a_dienst")
        driver.type("end")
        #expect(driver.runner.current == "b_visie_uitgeschreven", "after the last answered question, not the gap")
        driver.type("jump 99")
        #expect(driver.lastLines.contains { $0.contains("There is no question number 99") })
    }

    @Test("a text the form refuses comes back on the line for editing; a refused number is typed anew")
    func refusedTextIsPrefilled() {
        var driver = RunnerDriver(form: form, answers: firstFour.merging(
            ["b_visie_uitgeschreven": .string("ja"), "b_meerjarenplan": .string("ja"), "b_doelstellingen": .array([.string("inclusie")]), "b_aanpak": .string("beide")]
        ) { _, new in new })
        #expect(driver.runner.current == "b_visie_omschrijving")
        driver.type("Te kort")
        let refused = driver.type(".")
        #expect(refused.lines.contains { $0.text.contains("Noteer minstens één volledige zin.") })
        #expect(refused.prefill == "Te kort")
        driver.type("jump a_aantal_respondenten")
        #expect(driver.outputs.last?.prefill == "2", "a stored number comes back for editing")
        let number = driver.type("12")
        #expect(number.prefill == nil)
        #expect(InterviewRunner.inputText(.array([.string("a"), .string("b")])) == "a b")
    }
}
