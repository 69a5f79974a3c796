import ArgumentParser
import Foundation
import Shared

struct ListInterviews: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interviews",
        abstract: "List the interviews on this laptop: municipality, state, answered/total, last change, synced or not.",
        discussion: """
            answered/total counts the questions asked given the answers so far (skip logic applied).
            Examples:
              veldwerk interviews
              veldwerk interviews --json | jq '.[] | select(.synced == false) | .id'
            """
    )

    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    struct Row: Encodable {
        var id: String
        var municipality: String?
        var municipalityName: String?
        var state: Interview.State
        var answered: Int
        var total: Int
        var missingRequired: Int
        var openFlags: Int
        var startedAt: String?
        var completedAt: String?
        var lastChange: Date?
        var synced: Bool
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let roster = try store.roster()
            let forms = try store.questionnaires()
            let activity = try store.interviewActivity()
            let rows = try store.interviews().map { interview -> Row in
                let key = interview.id.uuidString.lowercased()
                let form = forms.first { $0.id == interview.questionnaire && $0.version == interview.questionnaireVersion }
                var asked = form?.relevantQuestions(answers: interview.answers).filter(\.type.isAnswerable) ?? []
                var answered = asked.filter { !InterviewRunner.isEmpty(interview.answers[$0.name]) }.count
                if let form, form.hasRepeats {
                    // A repeat's questions count once per instance, in it.
                    let runner = InterviewRunner(form: form, answers: interview.answers, instances: interview.repeats ?? [:], interviewID: key)
                    asked = asked.filter { runner.repeatName(of: $0) == nil }
                    answered = asked.filter { !InterviewRunner.isEmpty(interview.answers[$0.name]) }.count
                    for case .question(let name, let path) in runner.stops() where !path.isEmpty {
                        guard let question = form.question(named: name) else { continue }
                        asked.append(question)
                        if !InterviewRunner.isEmpty(runner.view(path)[name]) { answered += 1 }
                    }
                }
                return Row(
                    id: key, municipality: interview.municipality, municipalityName: interview.municipality.flatMap { roster[$0]?.name },
                    state: interview.state, answered: answered, total: asked.count,
                    missingRequired: form.map { InterviewRunner.missingRequired(form: $0, interview: interview).count } ?? 0,
                    openFlags: interview.flags.values.filter { InterviewRunner.flagStatus($0) == "open" }.count,
                    startedAt: interview.startedAt, completedAt: interview.completedAt,
                    lastChange: activity[key]?.lastChange, synced: !(activity[key]?.pending ?? false)
                )
            }
            .sorted { ($0.startedAt ?? "", $0.id) < ($1.startedAt ?? "", $1.id) }
            try output.emit(rows) {
                guard !rows.isEmpty else { return localized(
                    nl: "Nog geen interviews op deze laptop; begin er een met `veldwerk interview new --municipality NIS --run`.",
                    en: "No interviews on this laptop yet; start one with `veldwerk interview new --municipality NIS --run`."
                ) }
                let formatter = DateFormatter()
                formatter.dateFormat = "yyyy-MM-dd HH:mm"
                var lines = [localized(
                    nl: "ID        GEMEENTE                     TOESTAND   ANTWOORD  LAATST GEWIJZIGD  GESYNCHR.",
                    en: "ID        MUNICIPALITY                 STATE      ANSWERED  LAST CHANGE       SYNCED"
                )]
                for row in rows {
                    let place = "\(row.municipality ?? "?") \(row.municipalityName ?? "")".rightPadded(to: 28)
                    let progress = "\(row.answered)/\(row.total)".rightPadded(to: 9)
                    let flags = row.openFlags > 0
                        ? "  " + counted(row.openFlags, nl: ("open markering", "open markeringen"), en: ("open flag", "open flags")) : ""
                    let synced = row.synced ? localized(nl: "ja", en: "yes") : localized(nl: "nee", en: "no")
                    lines.append(
                        "\(row.id.prefix(8))  \(place) \(row.state.words.rightPadded(to: 10)) \(progress) \(row.lastChange.map(formatter.string) ?? "—".rightPadded(to: 16))  \(synced)\(flags)"
                    )
                }
                let waiting = try? store.outboxCount()
                lines.append(waitingSentence(waiting ?? 0))
                return lines.joined(separator: "\n")
            }
        }
    }
}
