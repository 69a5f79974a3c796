import Foundation
import Testing
import TestSupport

@testable import Shared

/// Control characters in answers: a text answer keeps newline and tab; nothing else keeps any.
@Suite struct ControlCharacterAnswerTests {
    private let form: Questionnaire

    init() throws {
        form = try XLSFormCompiler.defaultStudy()
    }

    @Test("an escape sequence in a text answer is refused when typed, when validated and when synced")
    func escapeInTextAnswer() {
        let typed = "Onderwijs\u{1B}[A regisseur"
        let expected = AnswerError.controlCharacter(question: "a_functie", character: "\u{1B}")
        #expect(throws: expected) { try form.parseAnswer(typed, for: "a_functie") }
        #expect(throws: expected) { try form.validate(.string(typed), for: "a_functie", answers: [:]) }
        #expect(throws: expected) { try form.validateStructure(.string(typed), for: "a_functie", answers: [:]) }
        #expect(!expected.isContextual)
        #expect(expected.description == "a_functie: The answer holds U+001B (escape, as an arrow key sends): type it again without arrow keys")
    }

    @Test("NUL, carriage return and C1 controls are refused in text answers")
    func otherControlsInText() {
        for (text, scalar) in [("lap\0top", Unicode.Scalar(0)), ("a\rb", "\r"), ("x\u{85}y", "\u{85}"), ("\u{7F}", "\u{7F}")] as [(String, Unicode.Scalar)] {
            #expect(throws: AnswerError.controlCharacter(question: "f_opmerkingen", character: scalar)) {
                try form.validateStructure(.string(text), for: "f_opmerkingen", answers: [:])
            }
        }
    }

    @Test("newline and tab in a text answer are kept as typed")
    func newlineAndTabKept() throws {
        let text = "Eerste regel\n\tingesprongen tweede regel"
        #expect(try form.parseAnswer(text, for: "f_opmerkingen") == .string(text))
        try form.validate(.string(text), for: "f_opmerkingen", answers: [:])
        try form.validateStructure(.string(text), for: "f_opmerkingen", answers: [:])
    }

    @Test("choice values, dates and other single-line answers take no control character, not even a tab")
    func singleLineAnswers() {
        #expect(throws: AnswerError.controlCharacter(question: "a_modus", character: "\t")) {
            try form.validateStructure(.string("video\t"), for: "a_modus", answers: [:])
        }
        #expect(throws: AnswerError.controlCharacter(question: "a_modus", character: "\u{1B}")) {
            try form.parseAnswer("\u{1B}[B", for: "a_modus")
        }
        #expect(throws: AnswerError.controlCharacter(question: "b_doelstellingen", character: Unicode.Scalar(0))) {
            try form.validateStructure(.array([.string("inclusie\0")]), for: "b_doelstellingen", answers: [:])
        }
        #expect(throws: AnswerError.controlCharacter(question: "c_vte", character: "\u{1B}")) {
            try form.parseAnswer("1\u{1B}[D5", for: "c_vte")
        }
    }
}
