import Foundation
import Shared

/// Asks a questionnaire question by question, as a pure state machine: a typed line in, what to
/// print and what to save out. No terminal, no database: ``TerminalInterview`` carries it out.
///
/// Rules it keeps (documented for interviewers in `docs/CLI.md`):
/// - Questions come in form order; a question whose `relevant` (or group's) does not hold is not asked.
/// - A run resumes at the first relevant question without a stored value.
/// - Every answer given is saved at once (one ``Output/saves`` entry, one `record` call).
/// - An answer that becomes irrelevant is **kept but ignored**: it stays stored, the form's
///   ``Questionnaire/effectiveAnswers(_:)`` drops it, `list` shows it as not applicable, and it counts
///   again if the question comes back. Exports treat it as not applicable.
/// - `skip` (optional questions only) stores the empty answer (`""`, or `[]` for select_multiple)
///   so that the question counts as visited: a resumed run does not stop at it again.
/// - An empty line keeps the current answer (or skips an optional question that has none).
/// - Text answers may span lines; a line with only `.` ends them.
/// - Lines that are a command word (`back`, `skip`, `jump NAME`, `list`, `help`, `quit`, `complete`),
///   with or without a leading `:`, are commands; start an answer with `\` to type such a word as text.
///   While a text answer is being typed, only `:`-commands are commands.
struct InterviewRunner {
    enum Mode: Equatable, Sendable {
        /// The whole questionnaire, resuming at the first unanswered question.
        case full
        /// Only questions with an open review flag.
        case fix
    }

    enum Input: Equatable, Sendable {
        case line(String)
        /// The input ended (Ctrl-D, end of a pipe): stop safely.
        case endOfInput
    }

    /// How a line is shown; the terminal picks colours from it.
    enum Style: Equatable, Sendable {
        case title, heading, position, question, hint, choice, answer, info, success, warning, error
    }

    struct Line: Equatable, Sendable {
        var style: Style
        var text: String
        init(_ style: Style, _ text: String) {
            self.style = style
            self.text = text
        }
    }

    /// One interview field and its new value (`nil` clears it).
    struct FieldValue: Equatable, Sendable {
        var field: String
        var value: JSONValue?
    }

    /// One thing to save: each is one `ClientStore.record` call.
    enum Save: Equatable, Sendable {
        /// Interview fields (`answers.<q>`, `flags.<q>`).
        case fields([FieldValue])
        /// Mark the interview complete (`state` and `completedAt`).
        case complete
    }

    enum Finish: Equatable, Sendable {
        case quit
        case endOfInput
        case completed
        /// Fix mode walked through every flagged question.
        case done
    }

    /// What to do after one input: save first, then print, then show the prompt (unless finished).
    struct Output: Equatable, Sendable {
        var saves: [Save] = []
        var lines: [Line] = []
        var prompt: String = ""
        /// Text to put on the input line for editing (a terminal's line editor shows it after the prompt).
        var prefill: String?
        var finished: Finish?
    }

    let form: Questionnaire
    let mode: Mode
    let language: String
    let interviewID: String
    /// The laptop and person, for the form's `deviceid` and `username` questions.
    let device: Device
    private(set) var answers: [String: JSONValue]
    private(set) var flags: [String: JSONValue]
    /// The question being asked; `nil` at the end.
    private(set) var current: String?
    private(set) var finished: Finish?
    /// Questions asked before the current one, for `back`.
    private var history: [String] = []
    /// Where `jump NAME` came from: after the answer the runner goes back there (`.some(nil)`: the end).
    private var returnAfterJump: String??
    /// Lines of a text answer being typed.
    private var textLines: [String]?
    /// The group whose heading was shown last (`.some(nil)`: questions outside any group).
    private var shownGroup: String??
    /// Fix mode: the flagged questions to walk through, in form order.
    private(set) var fixQueue: [String] = []

    /// - Parameters:
    ///   - language: label language; `nil` is the form's default.
    ///   - interviewID: shown in messages (the resume command).
    init(
        form: Questionnaire, answers: [String: JSONValue], flags: [String: JSONValue] = [:], mode: Mode = .full, language: String? = nil,
        interviewID: String, device: Device = Device()
    ) {
        self.device = device
        self.form = form
        self.answers = answers
        self.flags = flags
        self.mode = mode
        self.language = language ?? form.defaultLanguage
        self.interviewID = interviewID
    }

    // MARK: Queries

    /// Relevant questions a person answers, in form order, given the answers so far.
    var askable: [Question] {
        form.relevantQuestions(answers: answers).filter(\.isEditable)
    }

    /// The value an unanswered question starts with (its `default`, or a calculated default), if any.
    func startingValue(for question: Question) -> JSONValue? {
        guard answers[question.name] == nil else { return nil }
        return form.effectiveAnswers(answers)[question.name]
    }

    /// A label, hint or message in the interview's language, its `${name}` references filled in.
    func text(_ text: LocalizedText?) -> String {
        form.render(text?.text(language) ?? "", answers: answers)
    }

    /// The first relevant question with no stored value: where a run resumes.
    var firstUnanswered: String? {
        askable.first { answers[$0.name] == nil }?.name
    }

    /// Names of questions with an open review flag.
    var openFlags: [String] {
        form.questions.map(\.name).filter { Self.flagStatus(flags[$0]) == "open" }
    }

    static func flagStatus(_ flag: JSONValue?) -> String? {
        flag?.objectValue?["status"]?.stringValue
    }

    /// Whether a stored value is no answer (`""`, `[]`, null).
    static func isEmpty(_ value: JSONValue?) -> Bool {
        Questionnaire.isEmpty(value)
    }

    // MARK: Start

    /// The opening screen and the first question.
    mutating func start(now: Date = Date()) -> Output {
        var output = Output()
        if mode == .full { saveFilledIn(metadataValues(now: now), &output) }
        let title = form.title.text(language)
        output.lines.append(Line(.title, "\(title.isEmpty ? form.id : title) (version \(form.version)) · interview \(interviewID.prefix(8))"))
        switch mode {
        case .full:
            output.lines.append(Line(.info, "Each answer is saved the moment you give it. Type help for commands, quit to stop."))
            current = firstUnanswered
            if current != nil, answers.contains(where: { !Self.isEmpty($0.value) }) {
                output.lines.append(Line(.info, "Resuming at the first unanswered question."))
            }
        case .fix:
            let open = openFlags
            let relevant = Set(askable.map(\.name))
            fixQueue = open.filter(relevant.contains)
            for name in open where !relevant.contains(name) {
                output.lines.append(Line(.warning, "\(name) is flagged, but it is not asked with the current answers; its flag stays open."))
            }
            if fixQueue.isEmpty {
                output.lines.append(Line(.success, "No open review flags on this interview: nothing to fix."))
                finish(.done, &output)
                return output
            }
            output.lines.append(Line(.info, "\(Self.count(fixQueue.count, "flagged question")) to look at. Give a new answer to fix one; Enter or skip leaves it open."))
            current = fixQueue.first
        }
        present(&output)
        return output
    }

    // MARK: Input

    /// Handles one typed line (or the end of input).
    mutating func handle(_ input: Input, now: Date = Date()) -> Output {
        var output = Output()
        guard finished == nil else { return output }
        guard case .line(let raw) = input else {
            if textLines != nil {
                output.lines.append(Line(.warning, "The unfinished text answer was not saved."))
                textLines = nil
            }
            stop(.endOfInput, &output)
            return output
        }
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw

        if var lines = textLines {
            let multiline = current.flatMap { form.question(named: $0) }?.isMultiline ?? true
            if multiline ? line == "." : !line.hasSuffix("\\") {
                // The end of the answer: a lone dot (multi-line questions), or a line without a closing backslash.
                textLines = nil
                if !multiline { lines.append(line) }
                answer(lines.joined(separator: "\n"), now: now, &output)
            } else if line.hasPrefix(":"), let command = Command(line) {
                textLines = nil
                output.lines.append(Line(.info, "The unfinished text answer was dropped."))
                run(command, now: now, &output)
            } else {
                lines.append(multiline ? line : String(line.dropLast()))
                textLines = lines
                output.prompt = continuationPrompt
            }
            return output
        }

        if let command = Command(line) {
            run(command, now: now, &output)
            return output
        }
        let text = line.hasPrefix("\\") ? String(line.dropFirst()) : line
        guard let name = current, let question = form.question(named: name) else {
            output.lines.append(Line(.info, endHint))
            output.prompt = prompt
            return output
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if question.type == .text {
            if trimmed.isEmpty || (question.isMultiline && trimmed == ".") {
                emptyAnswer(question, now: now, &output)
            } else if question.isMultiline {
                textLines = [text]
                output.prompt = continuationPrompt
            } else if text.hasSuffix("\\") {
                // A backslash at the end of the line: the answer goes on on the next line.
                textLines = [String(text.dropLast())]
                output.prompt = continuationPrompt
            } else {
                answer(text, now: now, &output)
            }
            return output
        }
        if trimmed.isEmpty {
            emptyAnswer(question, now: now, &output)
        } else {
            answer(text, now: now, &output)
        }
        return output
    }

    // MARK: Answers

    private mutating func answer(_ text: String, now: Date, _ output: inout Output) {
        guard let name = current, let question = form.question(named: name) else { return }
        let value: JSONValue
        do {
            value = try form.parseAnswer(text, for: name, answers: answers)
            try form.validate(value, for: name, answers: answers)
        } catch let error as AnswerError {
            output.lines.append(Line(.error, message(for: error, question: question, input: text)))
            output.prompt = prompt
            // A refused text comes back for editing instead of being typed again (one line of it);
            // a number or a choice is quicker typed anew than corrected.
            if question.type == .text, !text.contains("\n") { output.prefill = text }
            return
        } catch {
            output.lines.append(Line(.error, "\(error)"))
            output.prompt = prompt
            return
        }
        save(value, for: question, now: now, &output)
        advance(&output)
    }

    /// Enter on an empty line: keep the current answer, skip an optional question, or insist on a required one.
    private mutating func emptyAnswer(_ question: Question, now: Date, _ output: inout Output) {
        if mode == .fix {
            output.lines.append(Line(.info, "Left \(question.name) as it is; its flag stays open."))
            advance(&output)
            return
        }
        if let stored = answers[question.name], !Self.isEmpty(stored) || !question.required {
            output.lines.append(Line(.info, Self.isEmpty(stored) ? "Left unanswered." : "Kept: \(display(stored, for: question))"))
            advance(&output)
        } else if answers[question.name] == nil, let start = startingValue(for: question) {
            output.lines.append(Line(.info, "Took the default: \(display(start, for: question))"))
            save(start, for: question, now: now, &output)
            advance(&output)
        } else if question.required {
            let message = text(question.requiredMessage)
            output.lines.append(Line(.error, message.isEmpty ? "\(question.name) is required: give an answer (type help for commands)." : message))
            output.prompt = prompt
        } else {
            skip(question, now: now, &output)
        }
    }

    /// Stores values the laptop fills in (metadata questions).
    private mutating func saveFilledIn(_ edits: [FieldValue], _ output: inout Output) {
        guard !edits.isEmpty else { return }
        for edit in edits {
            answers[String(edit.field.dropFirst(Interview.Field.answerPrefix.count))] = edit.value
        }
        output.saves.append(.fields(edits))
    }

    /// Stores the answer (and, for a flagged question in fix mode, marks the flag answered).
    private mutating func save(_ value: JSONValue, for question: Question, now: Date, _ output: inout Output) {
        let name = question.name
        let before = Set(askable.map(\.name))
        var edits: [FieldValue] = []
        if answers[name] != value {
            edits.append(FieldValue(field: Interview.Field.answer(name), value: value))
        }
        answers[name] = value
        if mode == .fix, var flag = flags[name]?.objectValue, flag["status"]?.stringValue == "open" {
            flag["status"] = .string("answered")
            flag["answeredAt"] = .string(Self.isoTime(now))
            flags[name] = .object(flag)
            edits.append(FieldValue(field: Interview.Field.flag(name), value: .object(flag)))
        }
        if !edits.isEmpty {
            output.saves.append(.fields(edits))
        }
        let saved = Self.isEmpty(value) ? "Saved: left unanswered." : "Saved: \(display(value, for: question))"
        output.lines.append(Line(.success, edits.isEmpty ? "Unchanged: \(display(value, for: question))" : saved))
        if mode == .fix, edits.contains(where: { $0.field == Interview.Field.flag(name) }) {
            output.lines.append(Line(.success, "The flag on \(name) is marked answered; the coordinator sees it after the next sync."))
        }
        let after = Set(askable.map(\.name))
        let hidden = form.questions.map(\.name).filter { before.contains($0) && !after.contains($0) && !Self.isEmpty(answers[$0]) }
        if !hidden.isEmpty {
            output.lines.append(Line(.warning, "Not applicable now: \(hidden.joined(separator: ", ")). Their answers are kept but ignored, and count again if the questions come back."))
        }
    }

    private mutating func skip(_ question: Question, now: Date, _ output: inout Output) {
        let empty: JSONValue = switch question.type {
        case .selectMultiple, .rank: .array([])
        default: .string("")
        }
        if answers[question.name] != empty {
            answers[question.name] = empty
            output.saves.append(.fields([FieldValue(field: Interview.Field.answer(question.name), value: empty)]))
        }
        output.lines.append(Line(.info, "Skipped \(question.name); it stays unanswered."))
        advance(&output)
    }

    // MARK: Moving

    /// Moves to the next question (form order; fix mode: the next flagged one) and shows it.
    private mutating func advance(_ output: inout Output) {
        guard let name = current else { return }
        history.append(name)
        let position = form.questions.firstIndex { $0.name == name } ?? -1
        let relevant = Set(askable.map(\.name))
        let questions = form.questions
        let index = { (name: String) in questions.firstIndex { $0.name == name } ?? -1 }
        switch mode {
        case .full:
            if let back = returnAfterJump {
                // Answered the question `jump` went to: back to where the person was.
                returnAfterJump = nil
                current = back.flatMap { name in askable.contains { $0.name == name } ? name : nil } ?? (back == nil ? nil : firstUnanswered)
                present(&output)
                return
            }
            current = askable.first { index($0.name) > position }?.name
        case .fix:
            current = fixQueue.first { index($0) > position && relevant.contains($0) }
        }
        present(&output)
    }

    /// Shows the current question, or the end screen.
    private mutating func present(_ output: inout Output) {
        guard let name = current, let question = form.question(named: name) else {
            presentEnd(&output)
            return
        }
        let questions = askable
        var groups: [String?] = []
        for item in questions where !groups.contains(item.group) { groups.append(item.group) }
        let inGroup = questions.filter { $0.group == question.group }
        let groupIndex = (groups.firstIndex(of: question.group) ?? 0) + 1
        let questionIndex = (inGroup.firstIndex { $0.name == name } ?? 0) + 1
        let overall = (questions.firstIndex { $0.name == name } ?? 0) + 1

        output.lines.append(Line(.info, ""))
        if shownGroup != .some(question.group) {
            shownGroup = .some(question.group)
            let label = question.group.flatMap { form.group(named: $0) }.map { text($0.label) } ?? ""
            output.lines.append(Line(.heading, label.isEmpty ? (question.group ?? form.title.text(language)) : label))
        }
        output.lines.append(contentsOf: notes(before: name))
        output.lines.append(Line(.position, "Group \(groupIndex) of \(groups.count) · question \(questionIndex) of \(inGroup.count) · \(overall)/\(questions.count) overall"))
        output.lines.append(Line(.question, "\(text(question.label))\(question.required ? "" : " (optional)")  [\(name)]"))
        let hint = text(question.hint)
        if !hint.isEmpty {
            output.lines.append(Line(.hint, hint))
        }
        if let flag = flags[name]?.objectValue, Self.flagStatus(flags[name]) == "open" {
            let comment = flag["comment"]?.stringValue ?? ""
            let by = flag["by"]?.stringValue.map { " (\($0))" } ?? ""
            output.lines.append(Line(.warning, "Review flag\(by): \(comment)"))
        }
        let choices = form.availableChoices(for: question, answers: answers)
        for (offset, choice) in choices.enumerated() {
            output.lines.append(Line(.choice, "\(String(offset + 1).leftPadded(to: 3)). \(choice.label.text(language))  (\(choice.name))"))
        }
        if let stored = answers[name] {
            let shown = Self.isEmpty(stored) ? "(left unanswered)" : display(stored, for: question)
            output.lines.append(Line(.answer, "Current answer: \(shown)  (Enter keeps it)"))
        } else if let start = startingValue(for: question) {
            output.lines.append(Line(.answer, "Default answer: \(display(start, for: question))  (Enter takes it)"))
        }
        output.lines.append(Line(.hint, instructions(for: question)))
        output.prompt = prompt
        // A typed value (a one-line text, a number, a date) comes back on the line for editing; Enter keeps it.
        // A choice is picked anew by its number (Enter keeps it), and a multi-line text is shown above.
        if let stored = answers[name] ?? startingValue(for: question), !Self.isEmpty(stored), Self.isEditedOnTheLine(question) {
            let text = Self.inputText(stored)
            if !text.contains("\n") { output.prefill = text }
        }
    }

    /// Whether the answer is typed as a value worth editing in place rather than picked or written anew.
    static func isEditedOnTheLine(_ question: Question) -> Bool {
        switch question.type {
        case .text: return !question.isMultiline
        case .integer, .decimal, .date, .time, .dateTime, .geopoint, .range: return true
        default: return false
        }
    }

    /// An answer as it would be typed: a choice by its name, several separated by spaces, a number as digits.
    static func inputText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .array(let items): return items.map(inputText).joined(separator: " ")
        case .bool(let flag): return flag ? "true" : "false"
        case .null, .object: return ""
        }
    }

    private mutating func presentEnd(_ output: inout Output) {
        switch mode {
        case .fix:
            let left = openFlags.count
            output.lines.append(Line(.success, "Done with the flagged questions. \(left == 0 ? "No flags are left open." : "\(Self.count(left, "flag")) still open.")"))
            let missing = form.missingRequired(answers: answers).map(\.name)
            if !missing.isEmpty {
                output.lines.append(Line(.warning, "Now unanswered but required: \(missing.joined(separator: ", ")). Run `veldwerk interview run \(interviewID)` to answer them."))
            }
            finish(.done, &output)
        case .full:
            shownGroup = nil
            output.lines.append(contentsOf: notes(before: nil))
            let missing = form.missingRequired(answers: answers).map(\.name)
            if missing.isEmpty {
                output.lines.append(Line(.success, "End of the questionnaire: every required question is answered."))
            } else {
                output.lines.append(Line(.warning, "End of the questionnaire, but still unanswered: \(missing.joined(separator: ", ")). Type jump to go to the first one."))
            }
            output.lines.append(Line(.info, endHint))
            output.prompt = prompt
        }
    }

    private var endHint: String {
        "Type complete to mark the interview complete, back or jump NAME to change an answer, list to review, or quit to stop (it stays a draft)."
    }

    // MARK: Commands

    enum Command: Equatable {
        case back, skip, list, help, quit, complete
        /// The first open question after the last answered one.
        case end
        /// `jump NAME`; `nil`: the first unanswered question.
        case jump(String?)

        /// Reads a command line: a command word, optionally after `:`; `nil` when the line is not a command.
        init?(_ line: String) {
            var text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(":") { text.removeFirst() }
            let words = text.split(separator: " ", omittingEmptySubsequences: true).map { $0.lowercased() }
            guard let word = words.first else { return nil }
            switch (word, words.count) {
            case ("back", 1): self = .back
            case ("skip", 1): self = .skip
            case ("list", 1): self = .list
            case ("help", 1), ("?", 1): self = .help
            case ("quit", 1), ("exit", 1): self = .quit
            case ("complete", 1): self = .complete
            case ("end", 1): self = .end
            case ("jump", 1), ("goto", 1): self = .jump(nil)
            case ("jump", 2), ("goto", 2): self = .jump(String(text.split(separator: " ")[1]))
            default: return nil
            }
        }
    }

    private mutating func run(_ command: Command, now: Date, _ output: inout Output) {
        switch command {
        case .help:
            output.lines.append(contentsOf: Self.helpLines.map { Line(.info, $0) })
            output.prompt = textLines == nil ? prompt : continuationPrompt
        case .quit:
            stop(.quit, &output)
        case .list:
            output.lines.append(contentsOf: listLines())
            output.prompt = prompt
        case .back:
            returnAfterJump = nil
            while let previous = history.popLast() {
                if askable.contains(where: { $0.name == previous }) {
                    current = previous
                    present(&output)
                    return
                }
            }
            // Nothing asked in this sitting (just resumed): the question before this one in the form.
            let questions = askable
            let here = current.flatMap { name in questions.firstIndex { $0.name == name } } ?? questions.count
            guard here > 0 else {
                output.lines.append(Line(.error, "This is the first question; there is none before it."))
                output.prompt = prompt
                return
            }
            current = questions[here - 1].name
            present(&output)
        case .end:
            returnAfterJump = nil
            if let here = current { history.append(here) }
            current = firstOpenAfterLastAnswer
            present(&output)
        case .skip:
            guard let name = current, let question = form.question(named: name) else {
                output.lines.append(Line(.error, "There is no question to skip here."))
                output.prompt = prompt
                return
            }
            if mode == .fix {
                output.lines.append(Line(.info, "Left \(name) as it is; its flag stays open."))
                advance(&output)
            } else if question.required {
                output.lines.append(Line(.error, "\(name) is required and cannot be skipped: give an answer (or type jump NAME, list, quit)."))
                output.prompt = prompt
            } else {
                skip(question, now: now, &output)
            }
        case .jump(let target):
            jump(to: target, &output)
        case .complete:
            let missing = form.missingRequired(answers: answers)
            guard missing.isEmpty else {
                output.lines.append(Line(.error, "Not complete yet; these required questions have no answer:"))
                output.lines.append(contentsOf: missing.map { Line(.error, "  \($0.name)  \($0.label.text(language))") })
                output.lines.append(Line(.info, "Type jump to go to the first one."))
                output.prompt = prompt
                return
            }
            saveFilledIn(Self.endValues(form: form, now: now), &output)
            output.saves.append(.complete)
            output.lines.append(Line(.success, "Interview \(interviewID.prefix(8)) is complete."))
            finish(.completed, &output)
        }
    }

    private mutating func jump(to target: String?, _ output: inout Output) {
        let questions = askable
        let name: String
        if let target, let number = Int(target) {
            // A number from `list`: the question's place among those asked now.
            guard number >= 1, number <= questions.count else {
                output.lines.append(Line(.error, "There is no question number \(number); list numbers them 1 to \(questions.count)."))
                output.prompt = prompt
                return
            }
            name = questions[number - 1].name
        } else if let target {
            let exact = form.question(named: target)
            let prefixed = form.questions.filter { $0.name.hasPrefix(target) && $0.isEditable }
            guard let found = exact ?? (prefixed.count == 1 ? prefixed.first : nil) else {
                let hint = prefixed.isEmpty ? "" : " Did you mean \(prefixed.prefix(5).map(\.name).joined(separator: ", "))?"
                output.lines.append(Line(.error, "There is no question \"\(target)\".\(hint) Type list to see the names."))
                output.prompt = prompt
                return
            }
            guard found.isEditable else {
                output.lines.append(Line(.error, found.type.isAnswerable ? "\(found.name) is filled in by the form, not typed." : "\(found.name) takes no answer."))
                output.prompt = prompt
                return
            }
            guard questions.contains(where: { $0.name == found.name }) else {
                let condition = found.relevant.map { " (asked only when \($0.source))" } ?? ""
                output.lines.append(Line(.error, "\(found.name) is not asked with the current answers\(condition)."))
                output.prompt = prompt
                return
            }
            name = found.name
        } else {
            let missing = form.missingRequired(answers: answers).first?.name
            guard let first = firstUnanswered ?? missing else {
                output.lines.append(Line(.info, "Every question has an answer; type complete, or jump NAME."))
                output.prompt = prompt
                return
            }
            name = first
        }
        if let here = current { history.append(here) }
        // Jumping to a question (not to the first open one) returns to here after its answer.
        if target != nil, returnAfterJump == nil, current != name { returnAfterJump = .some(current) }
        current = name
        present(&output)
    }

    /// Where `end` goes: the first relevant question without a value after the last one with a value.
    var firstOpenAfterLastAnswer: String? {
        let questions = askable
        let last = questions.lastIndex { answers[$0.name] != nil } ?? -1
        return questions[(last + 1)...].first { answers[$0.name] == nil }?.name
    }

    private mutating func stop(_ finish: Finish, _ output: inout Output) {
        let resume = mode == .fix ? "`veldwerk interview run \(interviewID) --fix` continues with the open flags" : "`veldwerk interview run \(interviewID)` resumes at the first unanswered question"
        output.lines.append(Line(.info, "Stopped\(current.map { " at \($0)" } ?? ""). Every answer given so far is saved on this laptop; \(resume)."))
        self.finish(finish, &output)
    }

    private mutating func finish(_ reason: Finish, _ output: inout Output) {
        finished = reason
        current = nil
        output.finished = reason
        output.prompt = ""
    }

    static let helpLines = [
        "Answer with a choice's number or name; several for a multiple choice (\"1 3 5\" or \"1,3\").",
        "A text answer ends with Enter; end a line with a backslash (\\) to add another. Long answers (the prompt says so) end with a line containing only a dot (.).",
        "Enter on an empty line keeps the current answer (or leaves an optional question unanswered).",
        "Commands (also with a leading colon, e.g. :back):",
        "  back          go to the previous question",
        "  skip          leave an optional question unanswered (in --fix: leave the flag open)",
        "  jump NAME     go to a question by name (a unique start of it) or by its number in list; after",
        "                the answer you come back to where you were; jump alone: the first unanswered",
        "  end           the first open question after the last one answered",
        "  list          every question with its number and answer",
        "  complete      mark the interview complete (when every required question is answered)",
        "  help          this text",
        "  quit          stop; everything given so far is saved (Ctrl-D does the same)",
        "To answer with one of these words as text, start the line with a backslash: \\back",
    ]

    private func listLines() -> [Line] {
        let relevant = Set(askable.map(\.name))
        var lines: [Line] = []
        var answered = 0
        let numbers = Dictionary(askable.enumerated().map { ($1.name, $0 + 1) }) { first, _ in first }
        for question in form.questions where question.isEditable {
            let marker = (question.name == current ? "→" : " ") + (numbers[question.name].map { String($0).leftPadded(to: 3) } ?? "   ")
            let stored = answers[question.name]
            let padded = question.name.rightPadded(to: 24)
            if relevant.contains(question.name) {
                let text: String
                if let stored, !Self.isEmpty(stored) {
                    answered += 1
                    text = display(stored, for: question)
                } else if stored != nil {
                    text = "(skipped)"
                } else {
                    text = question.required ? "— (required)" : "—"
                }
                lines.append(Line(.answer, "\(marker) \(padded) \(text)"))
            } else if let stored, !Self.isEmpty(stored) {
                lines.append(Line(.hint, "\(marker) \(padded) n/a: not asked now (kept: \(display(stored, for: question)))"))
            }
        }
        lines.insert(Line(.info, "\(answered) of \(relevant.count) questions answered:"), at: 0)
        return lines
    }

    // MARK: Text

    var prompt: String {
        guard let current else { return "done> " }
        return "\(current)> "
    }

    private var continuationPrompt: String { "... " }

    private func instructions(for question: Question) -> String {
        let commands = question.required ? "back, jump, list, help, quit" : "skip, back, jump, list, help, quit"
        switch question.type {
        case .selectOne: return "Type a number or a choice name. Commands: \(commands)."
        case .selectMultiple: return "Type one or more numbers or names, e.g. 1 3 4. Commands: \(commands)."
        case .integer: return "Type a whole number. Commands: \(commands)."
        case .decimal: return "Type a number, e.g. 2.5. Commands: \(commands)."
        case .date: return "Type a date as YYYY-MM-DD. Commands: \(commands)."
        case .text:
            return question.isMultiline
                ? "Type the answer; it may take several lines. End it with a line containing only a dot (.). Commands: \(commands)."
                : "Type the answer and press Enter (to add a line, end this one with a backslash \\). Commands: \(commands)."
        case .time: return "Type a time of day as HH:MM, e.g. 14:30. Commands: \(commands)."
        case .dateTime: return "Type a date and time as YYYY-MM-DD HH:MM, e.g. 2025-01-31 14:30. Commands: \(commands)."
        case .acknowledge: return "Type OK to confirm. Commands: \(commands)."
        case .range: return "Type \(Questionnaire.rangeDescription(question)). Commands: \(commands)."
        case .rank: return "Type every number or name once, most important first, e.g. 3 1 2. Commands: \(commands)."
        case .geopoint: return "Type the latitude and longitude in degrees, e.g. 51.0543 3.7174 (altitude and accuracy in metres may follow). Commands: \(commands)."
        case .note, .calculate, .metadata: return ""
        }
    }

    /// A message an interviewer can act on.
    func message(for error: AnswerError, question: Question, input: String) -> String {
        let typed = input.trimmingCharacters(in: .whitespaces)
        switch error {
        case .wrongType:
            switch question.type {
            case .integer: return "\"\(typed)\" is not a whole number. Type digits only, e.g. 3."
            case .decimal: return "\"\(typed)\" is not a number. Type e.g. 2.5 (a decimal comma works too)."
            case .date: return "\"\(typed)\" is not a date. Write it as YYYY-MM-DD, e.g. 2025-01-31."
            case .time: return "\"\(typed)\" is not a time of day. Write it as HH:MM, e.g. 14:30."
            case .dateTime: return "\"\(typed)\" is not a date and time. Write it as YYYY-MM-DD HH:MM, e.g. 2025-01-31 14:30."
            case .acknowledge: return "Type OK to confirm, or skip if you may."
            case .range: return "\"\(typed)\" is not allowed here. Type \(Questionnaire.rangeDescription(question))."
            case .geopoint: return "\"\(typed)\" is not a place. Type latitude (-90 to 90) and longitude (-180 to 180) in degrees, e.g. 51.0543 3.7174."
            default: return "That answer does not fit: \(error)."
            }
        case .unknownChoice(_, let choice, let allowed):
            return "There is no choice \"\(choice)\". Type a number from 1 to \(allowed.count) or a choice name."
        case .constraint:
            let message = text(question.constraintMessage)
            return message.isEmpty ? "The answer is not accepted: it must meet \(question.constraint?.source ?? "the form's condition")." : message
        case .required:
            let message = text(question.requiredMessage)
            return message.isEmpty ? "\(question.name) is required: give an answer." : message
        case .controlCharacter(_, let character):
            return AnswerError.controlCharacterSentence(character) + "."
        case .unknownQuestion, .notAnswerable:
            return "\(error)"
        }
    }

    /// An answer as people read it: choice labels, numbers, text (first line, shortened).
    func display(_ value: JSONValue, for question: Question) -> String {
        let choices = form.choices(for: question)
        func label(_ name: String) -> String {
            choices.first { $0.name == name }.map { "\($0.label.text(language)) (\(name))" } ?? name
        }
        switch value {
        case .string(let text):
            if question.type.choiceList != nil { return label(text) }
            let first = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? text
            let short = first.count > 70 ? String(first.prefix(67)) + "..." : first
            return text.contains("\n") ? short + " [+\(text.split(separator: "\n", omittingEmptySubsequences: false).count - 1) lines]" : short
        case .array(let items):
            return items.compactMap(\.stringValue).map(label).joined(separator: "; ")
        case .int(let number): return String(number)
        case .double(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default: return value.canonicalJSON
        }
    }

    static func count(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun)" : "\(number) \(noun)s"
    }

    static func isoTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
