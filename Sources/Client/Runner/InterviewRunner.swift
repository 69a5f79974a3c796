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
        /// Delete a repeat instance: its stored marker written again with `"deleted": true`.
        case deleteInstance(String)
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
    /// Answers to the questions outside repeats.
    var mainAnswers: [String: JSONValue]
    /// The live instances of each repeat, in order (new ones last).
    var instances: [String: [RepeatInstance]]
    /// The instances being asked, outermost first (ids); empty outside repeats.
    var path: [String] = []
    /// The repeat whose "add another?" is being asked (at ``path``, its parent instance's).
    var adding: String?
    /// An instance to delete once the person confirms.
    var pendingDelete: String?
    /// The repeat instance whose heading was shown last.
    var shownPath: [String]?
    /// The answers the current question sees: the main ones and those of the instances being asked.
    var answers: [String: JSONValue] { view(path) }
    private(set) var flags: [String: JSONValue]
    /// The question being asked; `nil` at the end (or at an "add another?").
    var current: String?
    private(set) var finished: Finish?
    /// Questions asked before the current one, for `back`.
    var history: [Position] = []
    /// Where `jump NAME` came from: after the answer the runner goes back there (`.some(nil)`: the end).
    private var returnAfterJump: String??
    /// Lines of a text answer being typed.
    private var textLines: [String]?
    /// The group whose heading was shown last (`.some(nil)`: questions outside any group).
    var shownGroup: String??
    /// Fix mode: the flagged questions to walk through, in form order.
    private(set) var fixQueue: [String] = []

    /// - Parameters:
    ///   - language: label language; `nil` is the form's default.
    ///   - interviewID: shown in messages (the resume command).
    ///   - instances: the interview's live repeat instances (``Interview/repeats``).
    init(
        form: Questionnaire, answers: [String: JSONValue], instances: [String: [RepeatInstance]] = [:], flags: [String: JSONValue] = [:], mode: Mode = .full,
        language: String? = nil, interviewID: String, device: Device = Device()
    ) {
        self.device = device
        self.form = form
        self.mainAnswers = answers
        self.instances = instances
        self.flags = flags
        self.mode = mode
        self.language = language ?? form.defaultLanguage
        self.interviewID = interviewID
    }

    // MARK: Queries

    /// Relevant questions a person answers, in form order, given the answers so far.
    var askable: [Question] {
        form.hasRepeats ? askable(at: path) : form.relevantQuestions(answers: answers).filter(\.isEditable)
    }

    /// The value an unanswered question starts with (its `default`, or a calculated default), if any.
    func startingValue(for question: Question) -> JSONValue? {
        guard answers[question.name] == nil else { return nil }
        return form.effectiveAnswers(answers, repeats: scope(path))[question.name]
    }

    /// A label, hint or message in the interview's language, its `${name}` references filled in.
    func text(_ text: LocalizedText?) -> String {
        form.render(text?.text(language) ?? "", answers: answers, repeats: scope(path))
    }

    /// The first relevant question with no stored value: where a run resumes.
    var firstUnanswered: String? {
        guard form.hasRepeats else { return askable.first { answers[$0.name] == nil }?.name }
        if case .question(let name, _)? = firstOpenStop { return name }
        return nil
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
        output.lines.append(Line(.title, "\(title.isEmpty ? form.id : title) (" + localized(nl: "versie", en: "version") + " \(form.version)) · interview \(interviewID.prefix(8))"))
        switch mode {
        case .full:
            output.lines.append(Line(.info, localized(
                nl: "Elk antwoord wordt bewaard zodra je het geeft. Typ help voor de opdrachten, quit om te stoppen.",
                en: "Each answer is saved the moment you give it. Type help for commands, quit to stop."
            )))
            let first = form.hasRepeats ? firstOpenStop : firstUnanswered.map { Stop.question($0, path: []) }
            if first != nil, mainAnswers.contains(where: { !Self.isEmpty($0.value) }) || !instances.isEmpty {
                output.lines.append(Line(.info, localized(nl: "Verder bij de eerste onbeantwoorde vraag.", en: "Resuming at the first unanswered question.")))
            }
            go(to: first, &output)
            return output
        case .fix:
            let open = openFlags
            let relevant = Set(askable.map(\.name))
            fixQueue = open.filter(relevant.contains)
            for name in open where !relevant.contains(name) {
                output.lines.append(Line(.warning, localized(
                    nl: "\(name) is gemarkeerd, maar wordt met de huidige antwoorden niet gesteld; de markering blijft open.",
                    en: "\(name) is flagged, but it is not asked with the current answers; its flag stays open."
                )))
            }
            if fixQueue.isEmpty {
                output.lines.append(Line(.success, localized(nl: "Geen open markeringen op dit interview: niets te verbeteren.", en: "No open review flags on this interview: nothing to fix.")))
                finish(.done, &output)
                return output
            }
            output.lines.append(Line(.info, localized(
                    nl: "\(counted(fixQueue.count, nl: ("gemarkeerde vraag", "gemarkeerde vragen"), en: ("", ""))) te bekijken. Geef een nieuw antwoord om er een te verbeteren; Enter of skip laat ze open.",
                    en: "\(counted(fixQueue.count, nl: ("", ""), en: ("flagged question", "flagged questions"))) to look at. Give a new answer to fix one; Enter or skip leaves it open."
                )))
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
                output.lines.append(Line(.warning, localized(nl: "Het onafgewerkte tekstantwoord werd niet bewaard.", en: "The unfinished text answer was not saved.")))
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
                output.lines.append(Line(.info, localized(nl: "Het onafgewerkte tekstantwoord werd weggelaten.", en: "The unfinished text answer was dropped.")))
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
        if pendingDelete != nil || adding != nil {
            answerRepeatPrompt(line, &output)
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
            output.lines.append(Line(.info, localized(nl: "\(question.name) blijft zoals het was; de markering blijft open.", en: "Left \(question.name) as it is; its flag stays open.")))
            advance(&output)
            return
        }
        if let stored = answers[question.name], !Self.isEmpty(stored) || !question.required {
            output.lines.append(Line(.info, Self.isEmpty(stored)
                    ? localized(nl: "Blijft onbeantwoord.", en: "Left unanswered.")
                    : localized(nl: "Behouden: ", en: "Kept: ") + display(stored, for: question)))
            advance(&output)
        } else if answers[question.name] == nil, let start = startingValue(for: question) {
            output.lines.append(Line(.info, "Took the default: \(display(start, for: question))"))
            save(start, for: question, now: now, &output)
            advance(&output)
        } else if question.required {
            let message = text(question.requiredMessage)
            output.lines.append(Line(.error, message.isEmpty ? localized(
                nl: "\(question.name) is verplicht: geef een antwoord (typ help voor de opdrachten).",
                en: "\(question.name) is required: give an answer (type help for commands)."
            ) : message))
            output.prompt = prompt
        } else {
            skip(question, now: now, &output)
        }
    }

    /// Stores values the laptop fills in (metadata questions).
    private mutating func saveFilledIn(_ edits: [FieldValue], _ output: inout Output) {
        guard !edits.isEmpty else { return }
        for edit in edits {
            mainAnswers[String(edit.field.dropFirst(Interview.Field.answerPrefix.count))] = edit.value
        }
        output.saves.append(.fields(edits))
    }

    /// Stores the answer (and, for a flagged question in fix mode, marks the flag answered).
    private mutating func save(_ value: JSONValue, for question: Question, now: Date, _ output: inout Output) {
        let name = question.name
        let before = Set(askable.map(\.name))
        var edits: [FieldValue] = []
        if answers[name] != value {
            edits.append(FieldValue(field: field(for: question), value: value))
        }
        setAnswer(value, for: question)
        if mode == .fix, var flag = flags[name]?.objectValue, flag["status"]?.stringValue == "open" {
            flag["status"] = .string("answered")
            flag["answeredAt"] = .string(Self.isoTime(now))
            flags[name] = .object(flag)
            edits.append(FieldValue(field: Interview.Field.flag(name), value: .object(flag)))
        }
        if !edits.isEmpty {
            output.saves.append(.fields(edits))
        }
        let saved = Self.isEmpty(value)
            ? localized(nl: "Bewaard: onbeantwoord.", en: "Saved: left unanswered.")
            : localized(nl: "Bewaard: ", en: "Saved: ") + display(value, for: question)
        output.lines.append(Line(.success, edits.isEmpty ? localized(nl: "Ongewijzigd: ", en: "Unchanged: ") + display(value, for: question) : saved))
        if mode == .fix, edits.contains(where: { $0.field == Interview.Field.flag(name) }) {
            output.lines.append(Line(.success, localized(
                nl: "De markering op \(name) staat op beantwoord; de coördinator ziet het na de volgende synchronisatie.",
                en: "The flag on \(name) is marked answered; the coordinator sees it after the next sync."
            )))
        }
        let after = Set(askable.map(\.name))
        let hidden = form.questions.map(\.name).filter { before.contains($0) && !after.contains($0) && !Self.isEmpty(answers[$0]) }
        if !hidden.isEmpty {
            output.lines.append(Line(.warning, localized(
                nl: "Nu niet van toepassing: \(hidden.joined(separator: ", ")). Hun antwoorden blijven bewaard maar tellen niet mee, tot de vragen terugkomen.",
                en: "Not applicable now: \(hidden.joined(separator: ", ")). Their answers are kept but ignored, and count again if the questions come back."
            )))
        }
    }

    private mutating func skip(_ question: Question, now: Date, _ output: inout Output) {
        let empty: JSONValue = switch question.type {
        case .selectMultiple, .rank: .array([])
        default: .string("")
        }
        if answers[question.name] != empty {
            setAnswer(empty, for: question)
            output.saves.append(.fields([FieldValue(field: field(for: question), value: empty)]))
        }
        output.lines.append(Line(.info, localized(nl: "\(question.name) overgeslagen; de vraag blijft onbeantwoord.", en: "Skipped \(question.name); it stays unanswered.")))
        advance(&output)
    }

    // MARK: Moving

    /// Moves to the next question (form order; fix mode: the next flagged one) and shows it.
    mutating func advance(_ output: inout Output) {
        guard let name = current else { return }
        history.append(Position(name: name, path: path))
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
            if form.hasRepeats {
                go(to: stop(after: .question(name, path: path), formIndex: position), &output)
                return
            }
            current = askable.first { index($0.name) > position }?.name
        case .fix:
            current = fixQueue.first { index($0) > position && relevant.contains($0) }
        }
        present(&output)
    }

    /// Shows the current question, or the end screen.
    mutating func present(_ output: inout Output) {
        if adding != nil {
            presentAdd(&output)
            return
        }
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
        if !path.isEmpty, shownPath != path, let heading = instanceHeading() {
            output.lines.append(Line(.heading, heading))
            shownGroup = nil
        }
        shownPath = path
        if shownGroup != .some(question.group) {
            shownGroup = .some(question.group)
            let label = question.group.flatMap { form.group(named: $0) }.map { text($0.label) } ?? ""
            output.lines.append(Line(.heading, label.isEmpty ? (question.group ?? form.title.text(language)) : label))
        }
        output.lines.append(contentsOf: notes(before: name))
        output.lines.append(Line(.position, localized(
            nl: "Deel \(groupIndex) van \(groups.count) · vraag \(questionIndex) van \(inGroup.count) · \(overall)/\(questions.count) in totaal",
            en: "Group \(groupIndex) of \(groups.count) · question \(questionIndex) of \(inGroup.count) · \(overall)/\(questions.count) overall"
        )))
        output.lines.append(Line(.question, "\(text(question.label))\(question.required ? "" : localized(nl: " (niet verplicht)", en: " (optional)"))  [\(name)]"))
        let hint = text(question.hint)
        if !hint.isEmpty {
            output.lines.append(Line(.hint, hint))
        }
        if let flag = flags[name]?.objectValue, Self.flagStatus(flags[name]) == "open" {
            let comment = flag["comment"]?.stringValue ?? ""
            let by = (flag["byName"] ?? flag["by"])?.stringValue.map { " (\($0))" } ?? ""
            output.lines.append(Line(.warning, localized(nl: "Markering\(by): \(comment)", en: "Review flag\(by): \(comment)")))
        }
        let choices = form.availableChoices(for: question, answers: answers)
        for (offset, choice) in choices.enumerated() {
            output.lines.append(Line(.choice, "\(String(offset + 1).leftPadded(to: 3)). \(choice.label.text(language))  (\(choice.name))"))
        }
        if let stored = answers[name] {
            let shown = Self.isEmpty(stored) ? localized(nl: "(onbeantwoord)", en: "(left unanswered)") : display(stored, for: question)
            output.lines.append(Line(.answer, localized(nl: "Huidig antwoord: \(shown)  (Enter behoudt het)", en: "Current answer: \(shown)  (Enter keeps it)")))
        } else if let start = startingValue(for: question) {
            let shown = display(start, for: question)
            output.lines.append(Line(.answer, localized(nl: "Standaardantwoord: \(shown)  (Enter neemt het)", en: "Default answer: \(shown)  (Enter takes it)")))
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
            output.lines.append(Line(.success, localized(
                nl: "Klaar met de gemarkeerde vragen. \(left == 0 ? "Er staan geen markeringen meer open." : "\(counted(left, nl: ("markering staat", "markeringen staan"), en: ("", ""))) nog open.")",
                en: "Done with the flagged questions. \(left == 0 ? "No flags are left open." : "\(counted(left, nl: ("", ""), en: ("flag", "flags"))) still open.")"
            )))
            let missing = missingRequired.map(\.name)
            if !missing.isEmpty {
                output.lines.append(Line(.warning, localized(
                    nl: "Nu onbeantwoord maar verplicht: \(missing.joined(separator: ", ")). Voer `veldwerk interview run \(interviewID)` uit om ze te beantwoorden.",
                    en: "Now unanswered but required: \(missing.joined(separator: ", ")). Run `veldwerk interview run \(interviewID)` to answer them."
                )))
            }
            finish(.done, &output)
        case .full:
            shownGroup = nil
            output.lines.append(contentsOf: notes(before: nil))
            if form.hasRepeats { output.lines.append(contentsOf: surplusWarnings) }
            let missing = missingRequired.map(\.name)
            if missing.isEmpty {
                output.lines.append(Line(.success, localized(nl: "Einde van de vragenlijst: elke verplichte vraag is beantwoord.", en: "End of the questionnaire: every required question is answered.")))
            } else {
                output.lines.append(Line(.warning, localized(
                    nl: "Einde van de vragenlijst, maar nog onbeantwoord: \(missing.joined(separator: ", ")). Typ jump om naar de eerste te gaan.",
                    en: "End of the questionnaire, but still unanswered: \(missing.joined(separator: ", ")). Type jump to go to the first one."
                )))
            }
            output.lines.append(Line(.info, endHint))
            output.prompt = prompt
        }
    }

    private var endHint: String {
        localized(
            nl: "Typ complete om het interview af te ronden, back of jump NAAM om een antwoord te wijzigen, list om na te kijken, of quit om te stoppen (het blijft een ontwerp).",
            en: "Type complete to mark the interview complete, back or jump NAME to change an answer, list to review, or quit to stop (it stays a draft)."
        )
    }

    // MARK: Commands

    enum Command: Equatable {
        case back, skip, list, help, quit, complete
        /// `delete N`: delete instance N of the repeat being asked (after confirmation).
        case delete(Int)
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
            // The English words, and the Dutch ones a Dutch-speaking interviewer reaches for.
            case ("back", 1), ("terug", 1): self = .back
            case ("skip", 1), ("overslaan", 1): self = .skip
            case ("list", 1), ("lijst", 1): self = .list
            case ("help", 1), ("?", 1), ("hulp", 1): self = .help
            case ("quit", 1), ("exit", 1), ("stop", 1): self = .quit
            case ("complete", 1), ("klaar", 1): self = .complete
            case ("end", 1), ("einde", 1): self = .end
            case ("jump", 1), ("goto", 1), ("spring", 1): self = .jump(nil)
            case ("delete", 2), ("verwijder", 2):
                guard let number = Int(words[1]) else { return nil }
                self = .delete(number)
            case ("jump", 2), ("goto", 2), ("spring", 2): self = .jump(String(text.split(separator: " ")[1]))
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
            pendingDelete = nil
            while let previous = history.popLast() {
                guard previous.path.allSatisfy({ instance($0) != nil }) else { continue }
                if askable(at: previous.path).contains(where: { $0.name == previous.name }) {
                    adding = nil
                    path = previous.path
                    current = previous.name
                    present(&output)
                    return
                }
            }
            if adding != nil {
                output.lines.append(Line(.error, localized(nl: "Er is geen vorige vraag in deze sessie; typ jump NAAM of list.", en: "There is no earlier question in this sitting; type jump NAME or list.")))
                output.prompt = prompt
                return
            }
            // Nothing asked in this sitting (just resumed): the question before this one in the form.
            let questions = askable
            let here = current.flatMap { name in questions.firstIndex { $0.name == name } } ?? questions.count
            guard here > 0 else {
                output.lines.append(Line(.error, localized(nl: "Dit is de eerste vraag; er is geen vorige.", en: "This is the first question; there is none before it.")))
                output.prompt = prompt
                return
            }
            current = questions[here - 1].name
            present(&output)
        case .end:
            returnAfterJump = nil
            if let here = current { history.append(Position(name: here, path: path)) }
            if form.hasRepeats {
                go(to: firstOpenStop, &output)
                return
            }
            current = firstOpenAfterLastAnswer
            present(&output)
        case .skip:
            guard let name = current, let question = form.question(named: name) else {
                output.lines.append(Line(.error, localized(nl: "Hier is geen vraag om over te slaan.", en: "There is no question to skip here.")))
                output.prompt = prompt
                return
            }
            if mode == .fix {
                output.lines.append(Line(.info, localized(nl: "\(name) blijft zoals het was; de markering blijft open.", en: "Left \(name) as it is; its flag stays open.")))
                advance(&output)
            } else if question.required {
                output.lines.append(Line(.error, localized(
                    nl: "\(name) is verplicht en kan niet overgeslagen worden: geef een antwoord (of typ jump NAAM, list, quit).",
                    en: "\(name) is required and cannot be skipped: give an answer (or type jump NAME, list, quit)."
                )))
                output.prompt = prompt
            } else {
                skip(question, now: now, &output)
            }
        case .jump(let target):
            jump(to: target, &output)
        case .delete(let number):
            askToDelete(number, &output)
        case .complete:
            let missing = missingRequired
            guard missing.isEmpty else {
                output.lines.append(Line(.error, localized(nl: "Nog niet af; deze verplichte vragen hebben geen antwoord:", en: "Not complete yet; these required questions have no answer:")))
                output.lines.append(contentsOf: missing.map { Line(.error, "  \($0.name)  \($0.label)") })
                output.lines.append(Line(.info, localized(nl: "Typ jump om naar de eerste te gaan.", en: "Type jump to go to the first one.")))
                output.prompt = prompt
                return
            }
            saveFilledIn(Self.endValues(form: form, now: now), &output)
            output.saves.append(.complete)
            output.lines.append(Line(.success, localized(nl: "Interview \(interviewID.prefix(8)) is afgerond.", en: "Interview \(interviewID.prefix(8)) is complete.")))
            finish(.completed, &output)
        }
    }

    private mutating func jump(to target: String?, _ output: inout Output) {
        let questions = askable
        let name: String
        if let target, let number = Int(target) {
            // A number from `list`: the question's place among those asked now.
            guard number >= 1, number <= questions.count else {
                output.lines.append(Line(.error, localized(
                    nl: "Er is geen vraag nummer \(number); list nummert ze van 1 tot \(questions.count).",
                    en: "There is no question number \(number); list numbers them 1 to \(questions.count)."
                )))
                output.prompt = prompt
                return
            }
            name = questions[number - 1].name
        } else if let target {
            let exact = form.question(named: target)
            let prefixed = form.questions.filter { $0.name.hasPrefix(target) && $0.isEditable }
            guard let found = exact ?? (prefixed.count == 1 ? prefixed.first : nil) else {
                let names = prefixed.prefix(5).map(\.name).joined(separator: ", ")
                let hint = prefixed.isEmpty ? "" : localized(nl: " Bedoel je \(names)?", en: " Did you mean \(names)?")
                output.lines.append(Line(.error, localized(
                    nl: "Er is geen vraag \"\(target)\".\(hint) Typ list om de namen te zien.",
                    en: "There is no question \"\(target)\".\(hint) Type list to see the names."
                )))
                output.prompt = prompt
                return
            }
            guard found.isEditable else {
                output.lines.append(Line(.error, found.type.isAnswerable
                    ? localized(nl: "\(found.name) wordt door de vragenlijst ingevuld, niet getypt.", en: "\(found.name) is filled in by the form, not typed.")
                    : localized(nl: "\(found.name) neemt geen antwoord.", en: "\(found.name) takes no answer.")))
                output.prompt = prompt
                return
            }
            if form.hasRepeats, repeatName(of: found) != contextRepeat || !questions.contains(where: { $0.name == found.name }),
               let stop = stops().first(where: { $0 == .question(found.name, path: $0.path) }) {
                // A question in another instance or repeat: its first place in the walk.
                if let here = current { history.append(Position(name: here, path: path)) }
                go(to: stop, &output)
                return
            }
            guard questions.contains(where: { $0.name == found.name }) else {
                let condition = found.relevant.map { localized(nl: " (alleen gesteld als \($0.source))", en: " (asked only when \($0.source))") } ?? ""
                output.lines.append(Line(.error, localized(
                    nl: "\(found.name) wordt met de huidige antwoorden niet gesteld\(condition).",
                    en: "\(found.name) is not asked with the current answers\(condition)."
                )))
                output.prompt = prompt
                return
            }
            name = found.name
        } else {
            if form.hasRepeats {
                let open = firstOpenStop ?? missingRequired.first?.stop
                guard let open else {
                    output.lines.append(Line(.info, localized(nl: "Elke vraag heeft een antwoord; typ complete, of jump NAAM.", en: "Every question has an answer; type complete, or jump NAME.")))
                    output.prompt = prompt
                    return
                }
                if let here = current { history.append(Position(name: here, path: path)) }
                go(to: open, &output)
                return
            }
            let missing = form.missingRequired(answers: answers).first?.name
            guard let first = firstUnanswered ?? missing else {
                output.lines.append(Line(.info, localized(nl: "Elke vraag heeft een antwoord; typ complete, of jump NAAM.", en: "Every question has an answer; type complete, or jump NAME.")))
                output.prompt = prompt
                return
            }
            name = first
        }
        if let here = current { history.append(Position(name: here, path: path)) }
        adding = nil
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
        let resume = mode == .fix
            ? localized(
                nl: "`veldwerk interview run \(interviewID) --fix` gaat verder met de open markeringen",
                en: "`veldwerk interview run \(interviewID) --fix` continues with the open flags"
            )
            : localized(
                nl: "`veldwerk interview run \(interviewID)` gaat verder bij de eerste onbeantwoorde vraag",
                en: "`veldwerk interview run \(interviewID)` resumes at the first unanswered question"
            )
        let place = current.map { localized(nl: " bij \($0)", en: " at \($0)") } ?? ""
        output.lines.append(Line(.info, localized(
            nl: "Gestopt\(place). Elk antwoord tot nu toe is bewaard op deze laptop; \(resume).",
            en: "Stopped\(place). Every answer given so far is saved on this laptop; \(resume)."
        )))
        self.finish(finish, &output)
    }

    private mutating func finish(_ reason: Finish, _ output: inout Output) {
        finished = reason
        current = nil
        output.finished = reason
        output.prompt = ""
    }

    static var helpLines: [String] {
        localized(nl: dutchHelp, en: englishHelp)
    }

    private static let englishHelp = [
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
        "  delete N      in a repeat or at \"add another?\": delete instance N of it (asks first)",
        "  complete      mark the interview complete (when every required question is answered)",
        "  help          this text",
        "  quit          stop; everything given so far is saved (Ctrl-D does the same)",
        "To answer with one of these words as text, start the line with a backslash: \\back",
    ]

    private static let dutchHelp = [
        "Antwoord met het nummer of de naam van een keuze; bij meerkeuze meerdere (\"1 3 5\" of \"1,3\").",
        "Een tekstantwoord eindigt met Enter; eindig een regel met een backslash (\\) voor nog een regel. Lange antwoorden (de vraag zegt het) eindigen met een regel met enkel een punt (.).",
        "Enter op een lege regel behoudt het huidige antwoord (of laat een niet-verplichte vraag onbeantwoord).",
        "Opdrachten (ook met een dubbele punt ervoor, bv. :back; de Nederlandse woorden werken ook):",
        "  back, terug       naar de vorige vraag",
        "  skip, overslaan   een niet-verplichte vraag onbeantwoord laten (met --fix: de markering open laten)",
        "  jump NAAM         naar een vraag op naam (een uniek begin ervan) of op haar nummer in list; na",
        "  (spring)          het antwoord keer je terug naar waar je was; jump alleen: de eerste onbeantwoorde",
        "  end, einde        de eerste open vraag na de laatst beantwoorde",
        "  list, lijst       elke vraag met haar nummer en antwoord",
        "  verwijder N       in een herhaling of bij \"nog een toevoegen?\": instantie N ervan verwijderen (vraagt eerst)",
        "  complete, klaar   het interview afronden (als elke verplichte vraag beantwoord is)",
        "  help, hulp        deze tekst",
        "  quit, stop        stoppen; alles wat je gaf is bewaard (Ctrl-D doet hetzelfde)",
        "Om een van deze woorden als tekst te antwoorden, begin de regel met een backslash: \\terug",
    ]

    private func listLines() -> [Line] {
        let relevant = Set(askable.map(\.name))
        var lines: [Line] = []
        var answered = 0
        let numbers = Dictionary(askable.enumerated().map { ($1.name, $0 + 1) }) { first, _ in first }
        let context = contextRepeat
        for question in form.questions where question.isEditable && repeatName(of: question) == context {
            let marker = (question.name == current ? "→" : " ") + (numbers[question.name].map { String($0).leftPadded(to: 3) } ?? "   ")
            let stored = answers[question.name]
            let padded = question.name.rightPadded(to: 24)
            if relevant.contains(question.name) {
                let text: String
                if let stored, !Self.isEmpty(stored) {
                    answered += 1
                    text = display(stored, for: question)
                } else if stored != nil {
                    text = localized(nl: "(overgeslagen)", en: "(skipped)")
                } else {
                    text = question.required ? localized(nl: "— (verplicht)", en: "— (required)") : "—"
                }
                lines.append(Line(.answer, "\(marker) \(padded) \(text)"))
            } else if let stored, !Self.isEmpty(stored) {
                lines.append(Line(.hint, "\(marker) \(padded) " + localized(nl: "n.v.t.: nu niet gesteld (bewaard: ", en: "n/a: not asked now (kept: ") + display(stored, for: question) + ")"))
            }
        }
        lines.insert(Line(.info, localized(nl: "\(answered) van \(relevant.count) vragen beantwoord:", en: "\(answered) of \(relevant.count) questions answered:")), at: 0)
        if let heading = instanceHeading() { lines.insert(Line(.heading, heading), at: 0) }
        return lines + repeatListLines()
    }

    // MARK: Text

    var prompt: String {
        if pendingDelete != nil { return localized(nl: "verwijderen (j/n)> ", en: "delete (y/n)> ") }
        if let adding { return localized(nl: "\(adding) (j/n)> ", en: "\(adding) (y/n)> ") }
        guard let current else { return localized(nl: "klaar> ", en: "done> ") }
        return "\(current)> "
    }

    private var continuationPrompt: String { "... " }

    private func instructions(for question: Question) -> String {
        let names = question.required ? "back, jump, list, help, quit" : "skip, back, jump, list, help, quit"
        let commands = localized(nl: "Opdrachten: \(names).", en: "Commands: \(names).")
        switch question.type {
        case .selectOne: return localized(nl: "Typ een nummer of de naam van een keuze. ", en: "Type a number or a choice name. ") + commands
        case .selectMultiple:
            return localized(nl: "Typ een of meer nummers of namen, bv. 1 3 4. ", en: "Type one or more numbers or names, e.g. 1 3 4. ") + commands
        case .integer: return localized(nl: "Typ een geheel getal. ", en: "Type a whole number. ") + commands
        case .decimal: return localized(nl: "Typ een getal, bv. 2,5. ", en: "Type a number, e.g. 2.5. ") + commands
        case .date: return localized(nl: "Typ een datum als JJJJ-MM-DD. ", en: "Type a date as YYYY-MM-DD. ") + commands
        case .text:
            return question.isMultiline
                ? localized(
                    nl: "Typ het antwoord; het mag meerdere regels tellen. Sluit af met een regel met enkel een punt (.). ",
                    en: "Type the answer; it may take several lines. End it with a line containing only a dot (.). "
                ) + commands
                : localized(
                    nl: "Typ het antwoord en druk Enter (voor een extra regel: eindig deze met een backslash \\). ",
                    en: "Type the answer and press Enter (to add a line, end this one with a backslash \\). "
                ) + commands
        case .time: return localized(nl: "Typ een tijdstip als UU:MM, bv. 14:30. ", en: "Type a time of day as HH:MM, e.g. 14:30. ") + commands
        case .dateTime:
            return localized(
                nl: "Typ een datum en tijd als JJJJ-MM-DD UU:MM, bv. 2025-01-31 14:30. ", en: "Type a date and time as YYYY-MM-DD HH:MM, e.g. 2025-01-31 14:30. "
            ) + commands
        case .acknowledge: return localized(nl: "Typ OK om te bevestigen. ", en: "Type OK to confirm. ") + commands
        case .range: return localized(nl: "Typ ", en: "Type ") + Questionnaire.rangeDescription(question) + ". " + commands
        case .rank:
            return localized(
                nl: "Typ elk nummer of elke naam één keer, het belangrijkste eerst, bv. 3 1 2. ",
                en: "Type every number or name once, most important first, e.g. 3 1 2. "
            ) + commands
        case .geopoint:
            return localized(
                nl: "Typ breedte- en lengtegraad in graden, bv. 51.0543 3.7174 (hoogte en nauwkeurigheid in meter mogen volgen). ",
                en: "Type the latitude and longitude in degrees, e.g. 51.0543 3.7174 (altitude and accuracy in metres may follow). "
            ) + commands
        case .note, .calculate, .metadata: return ""
        }
    }

    /// A message an interviewer can act on.
    func message(for error: AnswerError, question: Question, input: String) -> String {
        let typed = input.trimmingCharacters(in: .whitespaces)
        switch error {
        case .wrongType:
            switch question.type {
            case .integer:
                return localized(nl: "\"\(typed)\" is geen geheel getal. Typ enkel cijfers, bv. 3.", en: "\"\(typed)\" is not a whole number. Type digits only, e.g. 3.")
            case .decimal:
                return localized(
                    nl: "\"\(typed)\" is geen getal. Typ bv. 2,5 (een decimale punt mag ook).",
                    en: "\"\(typed)\" is not a number. Type e.g. 2.5 (a decimal comma works too)."
                )
            case .date:
                return localized(
                    nl: "\"\(typed)\" is geen datum. Schrijf ze als JJJJ-MM-DD, bv. 2025-01-31.",
                    en: "\"\(typed)\" is not a date. Write it as YYYY-MM-DD, e.g. 2025-01-31."
                )
            case .time:
                return localized(nl: "\"\(typed)\" is geen tijdstip. Schrijf het als UU:MM, bv. 14:30.", en: "\"\(typed)\" is not a time of day. Write it as HH:MM, e.g. 14:30.")
            case .dateTime:
                return localized(
                    nl: "\"\(typed)\" is geen datum en tijd. Schrijf ze als JJJJ-MM-DD UU:MM, bv. 2025-01-31 14:30.",
                    en: "\"\(typed)\" is not a date and time. Write it as YYYY-MM-DD HH:MM, e.g. 2025-01-31 14:30."
                )
            case .acknowledge: return localized(nl: "Typ OK om te bevestigen, of skip als dat mag.", en: "Type OK to confirm, or skip if you may.")
            case .range:
                return localized(nl: "\"\(typed)\" kan hier niet. Typ ", en: "\"\(typed)\" is not allowed here. Type ") + Questionnaire.rangeDescription(question) + "."
            case .geopoint:
                return localized(
                    nl: "\"\(typed)\" is geen plaats. Typ breedtegraad (-90 tot 90) en lengtegraad (-180 tot 180) in graden, bv. 51.0543 3.7174.",
                    en: "\"\(typed)\" is not a place. Type latitude (-90 to 90) and longitude (-180 to 180) in degrees, e.g. 51.0543 3.7174."
                )
            default: return localized(nl: "Dat antwoord past niet: \(error).", en: "That answer does not fit: \(error).")
            }
        case .unknownChoice(_, let choice, let allowed):
            return localized(
                nl: "Er is geen keuze \"\(choice)\". Typ een nummer van 1 tot \(allowed.count) of de naam van een keuze.",
                en: "There is no choice \"\(choice)\". Type a number from 1 to \(allowed.count) or a choice name."
            )
        case .constraint:
            let message = text(question.constraintMessage)
            let condition = question.constraint?.source ?? localized(nl: "de voorwaarde van de vragenlijst", en: "the form's condition")
            return message.isEmpty
                ? localized(nl: "Het antwoord wordt niet aanvaard: het moet voldoen aan \(condition).", en: "The answer is not accepted: it must meet \(condition).")
                : message
        case .required:
            let message = text(question.requiredMessage)
            return message.isEmpty ? localized(nl: "\(question.name) is verplicht: geef een antwoord.", en: "\(question.name) is required: give an answer.") : message
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
            let more = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            return text.contains("\n") ? short + localized(nl: " [+\(more) regels]", en: " [+\(more) lines]") : short
        case .array(let items):
            return items.compactMap(\.stringValue).map(label).joined(separator: "; ")
        case .int(let number): return String(number)
        case .double(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default: return value.canonicalJSON
        }
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
