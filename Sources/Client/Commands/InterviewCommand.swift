import ArgumentParser
import Foundation
import Shared

struct InterviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interview",
        abstract: "Start, fill in and look at interviews on this laptop.",
        subcommands: [NewInterview.self, SetAnswers.self, ShowInterview.self, AddInstance.self, DeleteInstance.self]
            + [RunInterview.self, CompleteInterview.self, ReopenInterview.self, WithdrawInterview.self]
    )
}

extension ClientStore {
    /// The newest questionnaire version on this laptop.
    func latestQuestionnaire() throws -> Questionnaire {
        let forms = try questionnaires()
        guard let latest = forms.max(by: { Questionnaire.versionOrder($0.version, $1.version) }) else { throw ClientError.noQuestionnaire }
        return latest
    }

    /// The questionnaire version an interview started on.
    func questionnaire(for interview: Interview) throws -> Questionnaire {
        guard let form = try questionnaires().first(where: { $0.id == interview.questionnaire && $0.version == interview.questionnaireVersion })
        else { throw ClientError.noQuestionnaire }
        return form
    }

    /// The interview with this id (or unique id prefix), or a clear error.
    func requireInterview(_ text: String) throws -> Interview {
        let needle = text.lowercased()
        if let id = UUID(uuidString: needle), let interview = try interview(id) { return interview }
        let matches = try interviews().filter { $0.id.uuidString.lowercased().hasPrefix(needle) }
        guard needle.count >= 4, matches.count == 1, let match = matches.first else { throw ClientError.unknownInterview(text) }
        return match
    }

    /// The interview `text` names, refused while it is withdrawn (reopen it first): what a command that
    /// changes answers or instances works on.
    func requireEditableInterview(_ text: String) throws -> Interview {
        let interview = try requireInterview(text)
        guard interview.state != .withdrawn else {
            throw ClientError.invalidInput(localized(
                nl: "Interview \(interview.id.uuidString.lowercased()) werd ingetrokken; heropen het eerst.",
                en: "Interview \(interview.id.uuidString.lowercased()) was withdrawn; reopen it first."
            ))
        }
        return interview
    }
}


struct NewInterview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start an interview for one of your municipalities; prints its id.",
        discussion: "Examples:\n  veldwerk interview new --municipality 11001\n  veldwerk interview new --municipality 11001 --run --lang en"
    )

    @Option(help: "NIS code of the municipality.") var municipality: String
    @Flag(name: .customLong("run"), help: "Start asking the questions right away (see `veldwerk interview run --help`).") var runNow = false
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard Scope.isNIS(municipality) else { throw ValidationError(Scope.notNISSentence(municipality)) }
        if runNow, output.json { throw ValidationError("--run asks questions in the terminal; it cannot be combined with --json.") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            let me = try store.requireProfile()
            guard try store.assignedMunicipalities().contains(municipality) else { throw ClientError.notAssigned(municipality) }
            let form = try store.latestQuestionnaire()
            let id = UUID()
            let key = id.uuidString.lowercased()
            try store.record(Interview.draftEdits(id: id, municipality: municipality, form: form, interviewer: me.user, now: Date()))
            struct Output: Encodable {
                var id: String
                var municipality: String
                var questionnaire: String
                var version: String
            }
            try output.emit(Output(id: key, municipality: municipality, questionnaire: form.id, version: form.version)) { key }
            if runNow, let interview = try store.interview(id) { try RunInterview.session(store: store, interview: interview, fix: false, language: profile.labelLanguage) }
        }
    }
}

struct SetAnswers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set answers by question name; all are checked first, then saved together.",
        discussion: """
            Examples:
              veldwerk interview set 3f9a0c2b a_modus=telefonisch a_aantal_respondenten=2
              veldwerk interview set 3f9a0c2b "b_doelstellingen=gelijke_kansen schooluitval"
              veldwerk interview set 3f9a0c2b repeats.k3v9x0m2a7q1b8c4.head=An
            A select_multiple answer is a space-separated list of choice names (or numbers); an empty value clears an answer.
            A question in a repeat is named repeats.INSTANCE.QUESTION (see `veldwerk interview add-instance`).
            """
    )

    @Argument(help: "Interview id (or its first characters).") var id: String
    @Argument(help: "NAME=VALUE pairs.") var assignments: [String]
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !assignments.isEmpty else { throw ValidationError("Give at least one NAME=VALUE.") }
        for item in assignments where !item.contains("=") {
            throw ValidationError("\"\(item)\" is not NAME=VALUE.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let interview = try store.requireEditableInterview(id)
            let form = try store.questionnaire(for: interview)
            var answers = interview.answers
            var parsed: [(field: String, name: String, value: JSONValue?)] = []
            // Answers in repeat instances are checked against the main answers and those of their instance's path.
            let live = Dictionary(uniqueKeysWithValues: (interview.repeats ?? [:]).values.joined().map { ($0.id, $0) })
            var instanceAnswers: [String: [String: JSONValue]] = [:]
            func instanceView(_ instance: String) -> [String: JSONValue] {
                var view = answers
                var chain: [String] = []
                var next: String? = instance
                while let id = next, let found = live[id], !chain.contains(id) {
                    chain.insert(id, at: 0)
                    next = found.parent
                }
                for id in chain { view.merge(live[id]?.answers ?? [:]) { _, new in new }; view.merge(instanceAnswers[id] ?? [:]) { _, new in new } }
                return view
            }
            for item in assignments {
                guard let equals = item.firstIndex(of: "=") else { continue }
                let name = String(item[..<equals])
                let text = String(item[item.index(after: equals)...])
                if name.hasPrefix(Interview.Field.repeatPrefix) {
                    guard let (instance, question) = RepeatInstance.parseField(name), let question, let found = live[instance],
                          let asked = form.question(named: question), form.enclosingRepeat(ofGroup: asked.group)?.name == found.group
                    else {
                        throw ClientError.invalidInput(localized(
                            nl: "\(name) is geen vraag in een instantie van dit interview; schrijf repeats.INSTANTIE.VRAAG met een instantie uit `veldwerk interview show`.",
                            en: "\(name) is not a question in an instance of this interview; write repeats.INSTANCE.QUESTION with an instance from `veldwerk interview show`."
                        ))
                    }
                    let value: JSONValue? = text.isEmpty ? nil : try form.parseAnswer(text, for: question, answers: instanceView(instance))
                    parsed.append((name, question, value))
                    instanceAnswers[instance, default: [:]][question] = value
                    continue
                }
                let value: JSONValue? = text.isEmpty ? nil : try form.parseAnswer(text, for: name)
                parsed.append((Interview.Field.answer(name), name, value))
                answers[name] = value
            }
            for item in parsed {
                if let (instance, _) = RepeatInstance.parseField(item.field) {
                    try form.validate(item.value, for: item.name, answers: instanceView(instance))
                } else {
                    try form.validate(item.value, for: item.name, answers: answers)
                }
            }
            guard let nis = interview.municipality else { throw ClientError.unknownInterview(id) }
            let key = interview.id.uuidString.lowercased()
            let changes = try store.record(parsed.map {
                FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: $0.field, value: $0.value)
            })
            let waiting = try store.outboxCount()
            struct Output: Encodable {
                var saved: [String]
                var pendingChanges: Int
            }
            try output.emit(Output(saved: changes.map(\.field), pendingChanges: waiting)) {
                localized(
                    nl: "\(counted(changes.count, nl: ("antwoord", "antwoorden"), en: ("", ""))) bewaard op deze laptop. \(waitingSentence(waiting))",
                    en: "Saved \(counted(changes.count, nl: ("", ""), en: ("answer", "answers"))) on this laptop. \(waitingSentence(waiting))"
                )
            }
        }
    }
}

struct AddInstance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-instance",
        abstract: "Add an instance of a repeat to an interview; prints its id.",
        discussion: """
            Examples:
              veldwerk interview add-instance 3f9a0c2b household
              veldwerk interview add-instance 3f9a0c2b member --parent k3v9x0m2a7q1b8c4
            Answer its questions with `veldwerk interview set ID repeats.INSTANCE.QUESTION=VALUE`.
            """
    )

    @Argument(help: "Interview id (or its first characters).") var id: String
    @Argument(help: "The repeat's name (its begin_repeat row).") var group: String
    @Option(help: "For a repeat inside another: the enclosing instance's id.") var parent: String?
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let interview = try store.requireEditableInterview(id)
            let form = try store.questionnaire(for: interview)
            let instance = try store.addInstance(of: group, parent: parent, to: interview, form: form)
            struct Output: Encodable {
                var instance: String
                var group: String
                var parent: String?
            }
            try output.emit(Output(instance: instance, group: group, parent: parent)) { instance }
        }
    }
}

struct DeleteInstance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-instance",
        abstract: "Delete a repeat instance of an interview (a change like any other; its answers are then ignored).",
        discussion: "Example:\n  veldwerk interview delete-instance 3f9a0c2b k3v9x0m2a7q1b8c4"
    )

    @Argument(help: "Interview id (or its first characters).") var id: String
    @Argument(help: "The instance's id.") var instance: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let interview = try store.requireEditableInterview(id)
            try store.deleteInstance(instance, of: interview)
            struct Output: Encodable {
                var deleted: String
            }
            try output.emit(Output(deleted: instance)) {
                localized(nl: "Instantie \(instance) verwijderd.", en: "Deleted instance \(instance).")
            }
        }
    }
}

struct ShowInterview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an interview: its answers with labels, review flags and kept conflicts."
    )

    @Argument(help: "Interview id (or its first characters).") var id: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    struct Output: Encodable {
        var interview: Interview
        var conflicts: [ConflictView]
        var pendingChanges: Bool
    }

    struct ConflictView: Encodable {
        var field: String
        var current: JSONValue?
        var currentAuthor: String?
        var kept: JSONValue?
        var keptAuthor: String
        var open: Bool
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let interview = try store.requireInterview(id)
            let form = try? store.questionnaire(for: interview)
            let conflicts = try store.conflicts(interview: interview.id).map {
                ConflictView(
                    field: $0.key.field, current: $0.current?.value, currentAuthor: $0.current?.author.rawValue, kept: $0.loser.value,
                    keptAuthor: $0.loser.author.rawValue, open: $0.isOpen
                )
            }
            let result = Output(interview: interview, conflicts: conflicts, pendingChanges: try store.hasPendingChanges(interview: interview.id))
            try output.emit(result) {
                var lines = [
                    localized(
                        nl: "Interview \(interview.id.uuidString.lowercased())  gemeente \(interview.municipality ?? "?")  toestand \(interview.state.words)",
                        en: "Interview \(interview.id.uuidString.lowercased())  municipality \(interview.municipality ?? "?")  state \(interview.state.words)"
                    ),
                    localized(nl: "Vragenlijst", en: "Questionnaire") + " \(interview.questionnaire ?? "?") "
                        + localized(nl: "versie", en: "version") + " \(interview.questionnaireVersion ?? "?")"
                        + (result.pendingChanges ? localized(nl: "  (wijzigingen wachten op synchronisatie)", en: "  (changes wait for sync)") : ""),
                ]
                let order = form?.questions.map(\.name) ?? interview.answers.keys.sorted()
                for name in order {
                    guard let value = interview.answers[name] else { continue }
                    let label = form?.question(named: name)?.label.text(profile.labelLanguage) ?? ""
                    lines.append("  \(name) = \(value.canonicalJSON)   \(label)")
                }
                // Repeat instances: each with its position, id (for `interview set ID repeats.INSTANCE.Q=V`) and answers.
                let repeatOrder = form?.groups.filter(\.repeats).map(\.name) ?? (interview.repeats ?? [:]).keys.sorted()
                for group in repeatOrder {
                    for (offset, instance) in (interview.repeats?[group] ?? []).enumerated() {
                        let parent = instance.parent.map { localized(nl: " in \($0)", en: " in \($0)") } ?? ""
                        lines.append("  \(group) \(offset + 1)  " + localized(nl: "instantie", en: "instance") + " \(instance.id)\(parent)")
                        let names = form.map { $0.questions(inRepeat: group).map(\.name) } ?? instance.answers.keys.sorted()
                        for name in names {
                            guard let value = instance.answers[name] else { continue }
                            lines.append("    \(name) = \(value.canonicalJSON)")
                        }
                    }
                }
                for (name, flag) in interview.flags.sorted(by: { $0.key < $1.key }) {
                    lines.append(localized(nl: "  markering op \(name): ", en: "  flag on \(name): ") + flag.canonicalJSON)
                }
                for conflict in conflicts where conflict.open {
                    lines.append(
                        localized(
                            nl: "  conflict op \(conflict.field): bewaard \(conflict.kept?.canonicalJSON ?? "(leeg)") van \(conflict.keptAuthor); "
                                + "huidig \(conflict.current?.canonicalJSON ?? "(leeg)") van \(conflict.currentAuthor ?? "?")",
                            en: "  conflict on \(conflict.field): kept \(conflict.kept?.canonicalJSON ?? "(empty)") by \(conflict.keptAuthor); "
                                + "current \(conflict.current?.canonicalJSON ?? "(empty)") by \(conflict.currentAuthor ?? "?")"
                        )
                    )
                }
                return lines.joined(separator: "\n")
            }
        }
    }
}
