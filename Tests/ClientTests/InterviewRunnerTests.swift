import Foundation
import Shared
import Testing

@testable import VeldwerkClient

/// Drives a runner with typed lines and keeps what it saved, as the terminal loop and the store would.
struct RunnerDriver {
    var runner: InterviewRunner
    var saves: [InterviewRunner.Save] = []
    var transcript: [String] = []
    var outputs: [InterviewRunner.Output] = []

    init(
        form: Questionnaire, answers: [String: JSONValue] = [:], instances: [String: [RepeatInstance]] = [:], flags: [String: JSONValue] = [:],
        mode: InterviewRunner.Mode = .full, language: String? = nil
    ) {
        runner = InterviewRunner(form: form, answers: answers, instances: instances, flags: flags, mode: mode, language: language, interviewID: "00000000-test")
        take(runner.start())
    }

    mutating func take(_ output: InterviewRunner.Output) {
        outputs.append(output)
        saves += output.saves
        transcript += output.lines.map(\.text)
        if !output.prompt.isEmpty { transcript.append(output.prompt) }
    }

    @discardableResult
    mutating func type(_ lines: String...) -> InterviewRunner.Output {
        for line in lines { take(runner.handle(.line(line), now: Date(timeIntervalSince1970: 1_736_000_000))) }
        return outputs.last ?? .init()
    }

    mutating func type(_ lines: [String]) {
        for line in lines { type(line) }
    }

    var lastLines: [String] { outputs.last?.lines.map(\.text) ?? [] }
    var text: String { transcript.joined(separator: "\n") }

    /// Answers as saved (what a store would hold), applying every save in order.
    var savedAnswers: [String: JSONValue] {
        var answers: [String: JSONValue] = [:]
        for case .fields(let fields) in saves {
            for field in fields where field.field.hasPrefix(Interview.Field.answerPrefix) {
                answers[String(field.field.dropFirst(Interview.Field.answerPrefix.count))] = field.value
            }
        }
        return answers
    }
}

@Suite struct InterviewRunnerTests {
    let form: Questionnaire

    init() throws {
        form = try XLSFormCompiler.defaultStudy()
    }

    @Test func opensWithTheFirstGroupAndNumberedChoices() {
        let driver = RunnerDriver(form: form)
        #expect(driver.runner.current == "a_modus")
        #expect(driver.text.contains("A. Respondent en lokaal bestuur"))
        #expect(driver.text.contains("Group 1 of 6 · question 1 of 4"))
        #expect(driver.text.contains("  1. Face-to-face interview  (face_to_face)"))
        #expect(driver.text.contains("  2. Telefonisch interview  (telefonisch)"))
        #expect(driver.outputs[0].prompt == "a_modus> ")
    }

    @Test func showsLabelsInTheChosenLanguage() {
        let driver = RunnerDriver(form: form, language: "en")
        #expect(driver.text.contains("A. Respondent and local government"))
        #expect(driver.text.contains("How is this interview conducted?"))
        #expect(driver.text.contains("Telephone interview"))
    }

    @Test func savesEachAnswerAtOnceByNumberOrName() {
        var driver = RunnerDriver(form: form)
        let output = driver.type("2")
        #expect(output.saves == [.fields([.init(field: "answers.a_modus", value: .string("telefonisch"))])])
        driver.type("Onderwijsregisseur\\")
        #expect(driver.saves.count == 1)  // a closing backslash: the answer goes on on the next line
        driver.type("en schepen")
        #expect(driver.saves.count == 2)  // a one-line text answer ends with Enter
        #expect(driver.savedAnswers["a_functie"] == .string("Onderwijsregisseur\nen schepen"))
        driver.type("welzijn")
        #expect(driver.savedAnswers["a_dienst"] == .string("welzijn"))
        #expect(driver.runner.current == "a_aantal_respondenten")  // a_dienst_andere is not relevant
    }

    @Test func arrowKeysInAnAnswerAreRefusedAndAskedAgain() {
        var driver = RunnerDriver(form: form, answers: ["a_modus": .string("zelf")])
        #expect(driver.runner.current == "a_functie")
        driver.type("Onderwijs\u{1B}[Dregisseur")
        #expect(driver.lastLines.contains("The answer holds U+001B (escape, as an arrow key sends): type it again without arrow keys."))
        #expect(driver.saves.isEmpty)
        #expect(driver.runner.current == "a_functie")
        driver.type("Onderwijs\tregisseur\\", "tweede regel")
        #expect(driver.savedAnswers["a_functie"] == .string("Onderwijs\tregisseur\ntweede regel"))
        driver.type("welzijn\u{1B}[A")
        #expect(driver.lastLines.contains("The answer holds U+001B (escape, as an arrow key sends): type it again without arrow keys."))
        #expect(driver.runner.current == "a_dienst")
        driver.type("welzijn")
        #expect(driver.savedAnswers["a_dienst"] == .string("welzijn"))
    }

    @Test func wrongInputsAreRefusedWithoutSaving() {
        var driver = RunnerDriver(form: form, answers: ["a_modus": .string("zelf"), "a_functie": .string("x"), "a_dienst": .string("onderwijs")])
        #expect(driver.runner.current == "a_aantal_respondenten")
        driver.type("abc")
        #expect(driver.lastLines.contains("\"abc\" is not a whole number. Type digits only, e.g. 3."))
        driver.type("11")
        #expect(driver.lastLines.contains("Geef een aantal tussen 1 en 10."))  // the form's constraint message
        driver.type("2.5")
        #expect(driver.saves.isEmpty)
        #expect(driver.runner.current == "a_aantal_respondenten")
        driver.type("3")
        #expect(driver.savedAnswers["a_aantal_respondenten"] == .int(3))
        driver.type("zzz")
        #expect(driver.lastLines.contains("There is no choice \"zzz\". Type a number from 1 to 3 or a choice name."))
        driver.type("9")
        #expect(driver.lastLines.first?.hasPrefix("There is no choice \"9\"") == true)
        #expect(driver.runner.current == "b_visie_uitgeschreven")
    }

    @Test func selectMultipleTakesSeveralAndItsConstraint() {
        var driver = RunnerDriver(form: form)
        driver.type(["1", "x", "1", "1"])
        driver.type(["1", "1"])
        #expect(driver.runner.current == "b_doelstellingen")
        driver.type("")
        #expect(driver.lastLines.contains("b_doelstellingen is required: give an answer (type help for commands)."))
        driver.type("6, 1 schooluitval")
        #expect(driver.savedAnswers["b_doelstellingen"] == .array([.string("gelijke_kansen"), .string("schooluitval")]))
    }

    @Test func textAnswersSpanLinesUntilADot() {
        var driver = RunnerDriver(form: form, answers: ["a_modus": .string("zelf"), "a_functie": .string("x"), "a_dienst": .string("onderwijs"), "a_aantal_respondenten": .int(1), "b_visie_uitgeschreven": .string("ja"), "b_meerjarenplan": .string("ja"), "b_doelstellingen": .array([.string("inclusie")]), "b_aanpak": .string("beide")])
        #expect(driver.runner.current == "b_visie_omschrijving")
        driver.type("Te kort", ".")
        #expect(driver.lastLines.contains("Noteer minstens één volledige zin."))
        let first = driver.type("Eerste regel van de visie,")
        #expect(first.prompt == "... ")
        driver.type("", "back")  // an empty line and a bare word inside a text are text
        driver.type(".")
        #expect(driver.savedAnswers["b_visie_omschrijving"] == .string("Eerste regel van de visie,\n\nback"))
        #expect(driver.runner.current == "b_knelpunten")
    }

    @Test func skipOnlyWhereNotRequiredAndStoredAsEmpty() {
        var driver = RunnerDriver(form: form)
        driver.type("skip")
        #expect(driver.lastLines.first == "a_modus is required and cannot be skipped: give an answer (or type jump NAME, list, quit).")
        #expect(driver.saves.isEmpty)
        driver.type("jump b_knelpunten")
        #expect(driver.runner.current == "b_knelpunten")
        driver.type("skip")
        #expect(driver.savedAnswers["b_knelpunten"] == .string(""))
        driver.type("jump d_partners_extern", ":skip")
        #expect(driver.savedAnswers["d_partners_extern"] == .array([]))
    }

    @Test func aHiddenAnswerIsKeptButNotApplicable() {
        var driver = RunnerDriver(form: form)
        driver.type(["1", "x", "andere", "Jeugd"])
        #expect(driver.savedAnswers["a_dienst_andere"] == .string("Jeugd"))
        driver.type("back", "back")
        #expect(driver.runner.current == "a_dienst")
        driver.type("onderwijs")
        #expect(driver.lastLines.contains { $0.hasPrefix("Not applicable now: a_dienst_andere.") })
        #expect(driver.runner.answers["a_dienst_andere"] == .string("Jeugd"))  // kept, no change recorded for it
        #expect(driver.saves.count == 5)  // a_modus, a_functie, a_dienst twice, a_dienst_andere once
        #expect(form.effectiveAnswers(driver.runner.answers)["a_dienst_andere"] == nil)
        #expect(driver.runner.current == "a_aantal_respondenten")
        driver.type("list")
        #expect(driver.lastLines.contains { $0.contains("a_dienst_andere") && $0.contains("n/a: not asked now (kept: Jeugd)") })
    }

    @Test func backJumpListHelpAndPosition() {
        var driver = RunnerDriver(form: form)
        driver.type("back")
        #expect(driver.lastLines == ["This is the first question; there is none before it."])
        driver.type("jump c_vte")
        #expect(driver.text.contains("C. Personeelsinzet en lokale inbedding"))
        #expect(driver.text.contains("Group 3 of 6 · question 1 of 6"))
        driver.type("jump nothing_here")
        #expect(driver.lastLines.first?.hasPrefix("There is no question \"nothing_here\"") == true)
        driver.type("jump c_coordinatorrol")
        #expect(driver.lastLines.first == "c_coordinatorrol is not asked with the current answers (asked only when ${c_coordinator} = 'ja').")
        driver.type("1.5")
        driver.type("back")
        #expect(driver.runner.current == "c_vte")
        #expect(driver.lastLines.contains("Current answer: 1.5  (Enter keeps it)"))
        driver.type("")
        #expect(driver.lastLines.first == "Kept: 1.5")
        driver.type("back", "back")
        #expect(driver.runner.current == "a_modus")
        driver.type("jump")
        #expect(driver.runner.current == "a_modus")  // the first unanswered
        driver.type(":list")
        #expect(driver.lastLines.first == "1 of \(driver.runner.askable.count) questions answered:")
        driver.type("help")
        #expect(driver.lastLines.contains { $0.contains("jump NAME") })
    }

    @Test func quitAndEndOfInputStopSafely() {
        var driver = RunnerDriver(form: form)
        driver.type("2")
        let quit = driver.type("quit")
        #expect(quit.finished == .quit)
        #expect(quit.lines.last?.text.contains("resumes at the first unanswered question") == true)
        var piped = RunnerDriver(form: form, answers: ["a_modus": .string("zelf")])
        piped.type("Half a text, to be continued\\")
        let end = piped.runner.handle(.endOfInput)
        #expect(end.finished == .endOfInput)
        #expect(end.saves.isEmpty)
        #expect(end.lines.first?.text == "The unfinished text answer was not saved.")
    }

    @Test func resumesAtTheFirstRelevantUnansweredQuestion() {
        var driver = RunnerDriver(form: form)
        driver.type(["1", "x", "onderwijs", "2", "ja", "skip"])
        let saved = driver.savedAnswers
        let resumed = RunnerDriver(form: form, answers: saved)
        #expect(resumed.runner.current == "b_meerjarenplan")
        #expect(resumed.text.contains("Resuming at the first unanswered question."))
        #expect(resumed.text.contains("B. Visie op flankerend onderwijsbeleid"))
    }

    @Test(arguments: [InterviewScripts.everyBranch, InterviewScripts.shortest])
    func aWholeInterviewAlongOnePath(script: [String]) {
        var driver = RunnerDriver(form: form)
        driver.type(script)
        #expect(driver.runner.finished == .completed)
        #expect(driver.saves.last == .complete)
        #expect(form.missingRequired(answers: driver.savedAnswers).isEmpty)
        // One save per accepted answer: every relevant question visited once.
        let asked = form.relevantQuestions(answers: driver.savedAnswers).filter(\.type.isAnswerable)
        #expect(driver.saves.count == asked.count + 1)
        for question in asked { #expect(driver.savedAnswers[question.name] != nil, "\(question.name)") }
    }

    @Test func theTwoPathsAskDifferentQuestions() {
        var long = RunnerDriver(form: form)
        long.type(InterviewScripts.everyBranch)
        var short = RunnerDriver(form: form)
        short.type(InterviewScripts.shortest)
        let followUps = ["a_dienst_andere", "c_coordinatorrol", "d_overleg_frequentie", "d_overleg_sinds", "e_brugfiguren_scholen", "e_subsidie_per_kind", "f_knelpunt_andere"]
        for name in followUps {
            #expect(long.savedAnswers[name] != nil, "\(name)")
            #expect(short.savedAnswers[name] == nil, "\(name)")
        }
        #expect(long.savedAnswers["c_vte"] == .double(1.5))
        #expect(long.savedAnswers["b_visie_omschrijving"] == .string("Gelijke kansen voor elk kind,\nin elke school van de gemeente."))
    }

    @Test func completeRefusesWhileARequiredQuestionIsOpen() {
        var driver = RunnerDriver(form: form)
        driver.type("jump f_opmerkingen", "complete")
        #expect(driver.runner.finished == nil)
        #expect(driver.lastLines.first == "Not complete yet; these required questions have no answer:")
        #expect(driver.lastLines.contains { $0.contains("a_modus") })
        #expect(!driver.saves.contains(.complete))
        driver.type("skip")
        #expect(driver.runner.current == "a_modus", "skipping the question jumped to returns to where the jump started")
        driver.type("jump f_opmerkingen", "back", "end")
        #expect(driver.text.contains("End of the questionnaire, but still unanswered: a_modus"))
        driver.type("jump")
        #expect(driver.runner.current == "a_modus")
    }

    @Test func fixModeWalksOnlyOpenFlagsAndMarksThemAnswered() throws {
        var script = RunnerDriver(form: form)
        script.type(Array(InterviewScripts.shortest.dropLast()))
        let answers = script.savedAnswers
        let flag: JSONValue = .object(["comment": .string("Klopt dit? Er is wel een aanpak."), "status": .string("open"), "by": .string("u-coord"), "at": .string("2025-01-10T10:00:00Z")])
        let done: JSONValue = .object(["comment": .string("ok"), "status": .string("resolved")])
        var driver = RunnerDriver(form: form, answers: answers, flags: ["b_aanpak": flag, "c_vte": flag, "a_modus": done], mode: .fix)
        #expect(driver.runner.fixQueue == ["b_aanpak", "c_vte"])
        #expect(driver.runner.current == "b_aanpak")
        #expect(driver.text.contains("Review flag (u-coord): Klopt dit? Er is wel een aanpak."))
        let fixed = driver.type("geen")
        guard case .fields(let fields)? = fixed.saves.first else {
            Issue.record("no save")
            return
        }
        #expect(fixed.saves.count == 1)  // the answer and the flag in one record call
        #expect(fields.first == .init(field: "answers.b_aanpak", value: .string("geen")))
        let newFlag = try #require(fields.last?.value?.objectValue)
        #expect(fields.last?.field == "flags.b_aanpak")
        #expect(newFlag["status"] == .string("answered"))
        #expect(newFlag["comment"] == .string("Klopt dit? Er is wel een aanpak."))
        #expect(newFlag["by"] == .string("u-coord"))
        #expect(newFlag["answeredAt"] == .string("2025-01-04T14:13:20Z"))
        #expect(driver.runner.current == "c_vte")
        let confirmed = driver.type("0")  // the same answer again confirms it: only the flag changes
        #expect(confirmed.saves.count == 1)
        #expect(confirmed.finished == .done)
        #expect(confirmed.lines.contains { $0.text.contains("No flags are left open.") })
    }

    @Test func fixModeSkipLeavesTheFlagOpen() {
        let flag: JSONValue = .object(["comment": .string("?"), "status": .string("open")])
        var driver = RunnerDriver(form: form, answers: ["a_modus": .string("zelf")], flags: ["a_modus": flag], mode: .fix)
        let left = driver.type("skip")
        #expect(left.saves.isEmpty)
        #expect(left.finished == .done)
        #expect(left.lines.contains { $0.text.contains("1 flag still open") })
    }

    @Test func fixModeWithoutFlagsEndsAtOnce() {
        let driver = RunnerDriver(form: form, mode: .fix)
        #expect(driver.runner.finished == .done)
        #expect(driver.text.contains("No open review flags"))
    }

    @Test func commandWordsAreRecognisedAndEscapable() {
        #expect(InterviewRunner.Command("back") == .back)
        #expect(InterviewRunner.Command(" :skip ") == .skip)
        #expect(InterviewRunner.Command("jump c_vte") == .jump("c_vte"))
        #expect(InterviewRunner.Command("JUMP") == .jump(nil))
        #expect(InterviewRunner.Command("1 3") == nil)
        #expect(InterviewRunner.Command("back to school") == nil)
        var driver = RunnerDriver(form: form, answers: ["a_modus": .string("zelf")])
        driver.type("\\quit")
        #expect(driver.savedAnswers["a_functie"] == .string("quit"))
    }
}
