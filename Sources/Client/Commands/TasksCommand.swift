import ArgumentParser
import Foundation
import Shared

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List the answers a coordinator flagged for you to look at (after a sync).",
        discussion: """
            Fix them with `veldwerk interview run ID --fix`: giving an answer marks the flag answered, and the coordinator sees it after your next sync.

            Examples:
              veldwerk tasks
              veldwerk tasks --all --json
            """
    )

    @Flag(help: "Also list flags already answered or resolved.") var all = false
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    struct Task: Encodable {
        var interview: String
        var municipality: String?
        var question: String
        var label: String?
        var currentAnswer: JSONValue?
        var comment: String?
        var status: String
        var by: String?
        var at: String?
        var answeredAt: String?
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let forms = try store.questionnaires()
            var tasks: [Task] = []
            for interview in try store.interviews() where interview.state != .withdrawn {
                let form = forms.first { $0.id == interview.questionnaire && $0.version == interview.questionnaireVersion }
                let order = form.map { Dictionary($0.questions.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first }) } ?? [:]
                let flagged = interview.flags.sorted { (order[$0.key] ?? Int.max, $0.key) < (order[$1.key] ?? Int.max, $1.key) }
                for (question, flag) in flagged {
                    let object = flag.objectValue ?? [:]
                    let status = object["status"]?.stringValue ?? "open"
                    guard all || status == "open" else { continue }
                    tasks.append(
                        Task(
                            interview: interview.id.uuidString.lowercased(), municipality: interview.municipality, question: question,
                            label: form?.question(named: question)?.label.text(profile.labelLanguage), currentAnswer: interview.answers[question],
                            comment: object["comment"]?.stringValue, status: status, by: object["byName"]?.stringValue ?? object["by"]?.stringValue, at: object["at"]?.stringValue,
                            answeredAt: object["answeredAt"]?.stringValue
                        )
                    )
                }
            }
            try output.emit(tasks) {
                guard !tasks.isEmpty else {
                    return all
                        ? localized(nl: "Geen markeringen op deze laptop.", en: "No review flags on this laptop.")
                        : localized(
                            nl: "Geen open taken: niets werd voor jou gemarkeerd (sinds de laatste synchronisatie).",
                            en: "No open tasks: nothing was flagged for you (as of the last sync)."
                        )
                }
                var lines: [String] = []
                for task in tasks {
                    let by = task.by.map { localized(nl: " door ", en: " by ") + $0 } ?? ""
                    lines.append("\(task.interview.prefix(8))  \(task.municipality ?? "?")  \(task.question)  [\(flagStatusWords(task.status))]\(by)")
                    if let label = task.label { lines.append("    \(label)") }
                    lines.append(localized(nl: "    antwoord: ", en: "    answer: ") + (task.currentAnswer?.canonicalJSON ?? localized(nl: "(geen)", en: "(none)")))
                    if let comment = task.comment { lines.append(localized(nl: "    opmerking: ", en: "    comment: ") + comment) }
                }
                let interviews = Set(tasks.filter { $0.status == "open" }.map(\.interview))
                if let one = interviews.first, interviews.count == 1 {
                    lines.append(localized(nl: "Verbeter ze met `veldwerk interview run \(one.prefix(8)) --fix`.", en: "Fix them with `veldwerk interview run \(one.prefix(8)) --fix`."))
                } else if !interviews.isEmpty {
                    lines.append(localized(
                        nl: "Verbeter ze met `veldwerk interview run ID --fix` voor elk interview.",
                        en: "Fix them with `veldwerk interview run ID --fix` for each interview."
                    ))
                }
                return lines.joined(separator: "\n")
            }
        }
    }
}
