import Foundation
import Shared
import Testing

@testable import VeldwerkServer

@Suite struct AnswerFormatterReferenceTests {
    @Test("the dashboard shows a label's ${name} filled with the interview's answer")
    func labelReferences() throws {
        let form = try XLSFormCompiler.compile(
            survey: "type,name,label\ntext,naam,Name?\ninteger,leeftijd,How old is ${naam}?\n", choices: nil, defaultFormID: "f"
        )
        let words = AnswerFormatter(form: form, answers: ["naam": .string("An")])
        #expect(words.label(forField: Interview.Field.answer("leeftijd")) == "How old is An?")
        #expect(AnswerFormatter(form: form).label(forField: Interview.Field.answer("leeftijd")) == "How old is ?")
    }
}
