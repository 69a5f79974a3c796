import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient

/// The web form and the terminal runner ask the same questions for the same answers: both follow the
/// questionnaire's relevance rules, the web form leaving out only the mode question the invitation sets.
@Suite("Web form and runner agree")
struct WebRunnerAgreementTests {
    /// A random answer to a question: one of its choices (several for a multiple choice), or a typed value.
    static func randomAnswer(_ question: Question, form: Questionnaire, using random: inout SeededRandom) -> JSONValue? {
        let choices = form.choices(for: question).map(\.name)
        switch question.type {
        case .selectOne: return choices.randomElement(using: &random).map(JSONValue.string)
        case .selectMultiple:
            let picked = choices.filter { _ in Bool.random(using: &random) }
            return .array(picked.map(JSONValue.string))
        case .integer: return .int(Int64.random(in: 0...12, using: &random))
        case .decimal: return .double(Double(Int.random(in: 0...40, using: &random)) / 2)
        case .date: return .string("2025-01-\(Int.random(in: 10...28, using: &random))")
        case .text: return .string(["", "ja", "Een volledige zin als antwoord."].randomElement(using: &random)!)
        default: return nil
        }
    }

    @Test("for 400 random answer sets on the study's form, the web pages ask exactly the runner's questions (but the mode)", arguments: [1, 2, 3, 4] as [UInt64])
    func sameQuestions(seed: UInt64) throws {
        let form = try XLSFormCompiler.defaultStudy()
        let pages = FormPages(form: form)
        var random = SeededRandom(seed: seed)
        for _ in 0..<100 {
            var answers: [String: JSONValue] = [:]
            for question in form.questions where question.isEditable && Bool.random(using: &random) {
                answers[question.name] = Self.randomAnswer(question, form: form, using: &random)
            }
            let runner = InterviewRunner(form: form, answers: answers, interviewID: "web-runner")
            let asked = runner.askable.map(\.name).filter { !pages.hidden.contains($0) }
            #expect(pages.answerable(answers: answers).map(\.name) == asked, "\(answers)")
            // Every page the web shows asks something the runner asks; the pages cover the questions in form order.
            for index in pages.shownPages(answers: answers) {
                #expect(pages.asked(onPage: index, answers: answers).contains { asked.contains($0.name) })
            }
        }
    }
}
