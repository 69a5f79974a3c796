import ArgumentParser
import Foundation
import Shared

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "List your municipalities with their case status, last contact attempt and next appointment.",
        discussion: """
            Status: notContacted, contacted, appointment, inProgress, completed, refused or unreachable. It follows from contact attempts and interviews (a completed interview wins, then a draft, then the latest attempt; \(CaseStatus.unreachableAfter) attempts in a row without reaching anyone make a case unreachable), unless a coordinator set it (marked *).

            Examples:
              veldwerk cases
              veldwerk cases --json | jq '.[] | select(.status == "appointment")'
            """
    )

    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            _ = try store.requireProfile()
            let now = Date()
            let open = try store.invitations(withEmail: false).filter { $0.isOpen(at: now) }
            let rows = try store.assignedMunicipalities().map { nis in
                var row = try store.caseSummary(municipality: nis, now: now)
                row.invitedAt = open.filter { $0.municipality == nis }.compactMap(\.createdAt).max()
                return row
            }
            try output.emit(rows) {
                guard !rows.isEmpty else { return noMunicipalitiesSentence }
                var lines = [localized(
                    nl: "NIS    NAAM                    STATUS              POGINGEN  LAATSTE POGING                   VOLGENDE AFSPRAAK",
                    en: "NIS    NAME                    STATUS              ATTEMPTS  LAST ATTEMPT                     NEXT APPOINTMENT"
                )]
                for row in rows {
                    let last = row.lastAttempt.map { attempt in
                        let outcome = attempt.outcome.map { ContactAttempt.Outcome(rawValue: $0)?.words ?? $0 } ?? "?"
                        return "\(TimeArgument.local(attempt.at)) \(outcome)"
                    } ?? "—"
                    let status = row.status.words + (row.statusSource == "coordinator" ? "*" : "")
                    lines.append(
                        "\(row.nis)  \((row.name ?? "?").rightPadded(to: 22))  \(status.rightPadded(to: 18))  \(String(row.attempts).rightPadded(to: 8))  \(last.rightPadded(to: 31))  \(row.nextAppointment.map { TimeArgument.local($0) } ?? "—")"
                    )
                }
                if rows.contains(where: { $0.statusSource == "coordinator" }) { lines.append(localized(nl: "* ingesteld door de coördinator", en: "* set by the coordinator")) }
                for row in rows {
                    guard let invited = row.invitedAt else { continue }
                    let place = "\(row.nis) \(row.name ?? "")"
                    lines.append(localized(
                        nl: "\(place): uitgenodigd om zelf in te vullen op \(TimeArgument.local(invited)) (veldwerk invite --list)",
                        en: "\(place): invited to fill in the questionnaire on \(TimeArgument.local(invited)) (veldwerk invite --list)"
                    ))
                }
                return lines.joined(separator: "\n")
            }
        }
    }
}
