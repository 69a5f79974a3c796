import ArgumentParser
import Foundation
import Shared

/// `veldwerk progress`: the fieldwork figures the dashboard shows, for a signed-in coordinator.
struct ProgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Show fieldwork progress from the server: response overall, by province, by interviewer or by day.",
        discussion: """
            Needs `veldwerk login` with a coordinator's token. Figures follow the 2025 municipalities unless --list 2024.
            Examples:
              veldwerk progress
              veldwerk progress --by province
              veldwerk progress --by interviewer --list 2024 --json
            """
    )

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case province, interviewer, day
    }

    @Option(help: "Break the figures down: province, interviewer or day.") var by: Grouping?
    @Option(help: "Municipality list the figures follow: 2025 (after the mergers, default) or 2024.") var list: String = "2025"
    @Option(help: "List laptops that have not synced for more than this many days.") var staleDays: Int = 3
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard MunicipalityList(rawValue: list) != nil else { throw ValidationError("--list must be 2024 or 2025.") }
        guard (0...365).contains(staleDays) else { throw ValidationError("--stale-days must be between 0 and 365.") }
    }

    func run() async throws {
        try await reportingErrors {
            let api = try profile.openStore().loggedInAPI()
            let report: ProgressReport = try await api.send("GET", "/v1/progress?list=\(list)&staleDays=\(staleDays)")
            switch by {
            case .none: try output.emit(report) { Self.summary(report) }
            case .province: try output.emit(report.byProvince) { Self.provinces(report) }
            case .interviewer: try output.emit(report.byInterviewer) { Self.interviewers(report) }
            case .day: try output.emit(report.byDay) { Self.days(report) }
            }
        }
    }

    static func summary(_ report: ProgressReport) -> String {
        let all = report.overall
        var lines = [
            localized(
                nl: "Voortgang van het veldwerk, gemeenten van \(report.list.rawValue) (\(all.inSample)), logpositie \(report.logPosition)",
                en: "Fieldwork progress, \(report.list.rawValue) municipalities (\(all.inSample)), log position \(report.logPosition)"
            ),
            localized(
                nl: "\(all.tookPartSentence); \(all.completedInterviews) interviews afgerond.",
                en: "\(all.tookPartSentence); \(all.completedInterviews) interviews completed."
            ),
            localized(
                nl: "Toegewezen \(all.assigned) · gecontacteerd \(all.contacted) · afspraak \(all.appointment) · geïnterviewd \(all.interviewed) · "
                    + "afgewerkt \(all.completed) · geweigerd \(all.refused) · onbereikbaar \(all.unreachable) · open \(all.open)",
                en: "Assigned \(all.assigned) · contacted \(all.contacted) · appointment \(all.appointment) · interviewed \(all.interviewed) · "
                    + "completed \(all.completed) · refused \(all.refused) · unreachable \(all.unreachable) · open \(all.open)"
            ),
            localized(
                nl: "Wachtende conflicten \(report.openConflicts) · open markeringen \(report.openFlags) · beantwoorde markeringen \(report.answeredFlags) · "
                    + "te beoordelen \(report.awaitingReview)",
                en: "Conflicts waiting \(report.openConflicts) · flags open \(report.openFlags) · flags answered \(report.answeredFlags) · "
                    + "awaiting review \(report.awaitingReview)"
            ),
        ]
        if report.staleLaptops.isEmpty {
            lines.append(localized(
                nl: "Elke laptop synchroniseerde in de laatste \(report.staleAfterDays) dagen.",
                en: "Every laptop synced within \(report.staleAfterDays) days."
            ))
        } else {
            lines.append(localized(
                nl: "Laptops die meer dan \(report.staleAfterDays) dagen niet synchroniseerden (wat ze bevatten is onbekend tot ze synchroniseren):",
                en: "Laptops not synced for more than \(report.staleAfterDays) days (what they hold is unknown until they sync):"
            ))
            for laptop in report.staleLaptops {
                let last = laptop.lastSyncAt.map { localized(nl: "laatste synchronisatie ", en: "last sync ") + $0.prefix(10) }
                    ?? localized(nl: "nooit gesynchroniseerd", en: "never synced")
                lines.append(localized(
                    nl: "  \(laptop.userName) (\(laptop.deviceName)): \(last), \(laptop.daysSilent) dagen; \(laptop.openMunicipalities) open gemeenten",
                    en: "  \(laptop.userName) (\(laptop.deviceName)): \(last), \(laptop.daysSilent) days; \(laptop.openMunicipalities) open municipalities"
                ))
            }
        }
        if !report.unmatchedCases.isEmpty {
            let codes = report.unmatchedCases.joined(separator: ", ")
            lines.append(localized(
                nl: "Dossiers onder NIS-codes die niet in deze lijst staan (een later gevormde gemeente telt in de latere lijst): \(codes).",
                en: "Cases under NIS codes not in this list (a municipality formed later counts in the later list): \(codes)."
            ))
        }
        return lines.joined(separator: "\n")
    }

    static func provinces(_ report: ProgressReport) -> String {
        let header = localized(
            nl: ["Provincie", "Gem.", "Gecontact.", "Afspr.", "Geïnterv.", "Afgewerkt", "Geweigerd", "Onbereikb.", "Open", "Respons"],
            en: ["Province", "Munic.", "Contacted", "Appt.", "Interviewed", "Completed", "Refused", "Unreach.", "Open", "Response"]
        )
        let rows = (report.byProvince.map { ($0.province, $0.figures) } + [(localized(nl: "Totaal", en: "Total"), report.overall)]).map { name, f in
            [name, "\(f.inSample)", "\(f.contacted)", "\(f.appointment)", "\(f.interviewed)", "\(f.completed)", "\(f.refused)", "\(f.unreachable)",
             "\(f.open)", ResponseFigures.percent(f.responseRate)]
        }
        return table(header, rows)
    }

    static func interviewers(_ report: ProgressReport) -> String {
        let header = localized(
            nl: ["Interviewer", "Toegewezen", "Gecontact.", "Afgewerkt", "Geweigerd", "Open", "Interviews", "Respons"],
            en: ["Interviewer", "Assigned", "Contacted", "Completed", "Refused", "Open", "Interviews", "Response"]
        )
        let rows = report.byInterviewer.map { person in
            let f = person.figures
            return [person.name, "\(f.inSample)", "\(f.contacted)", "\(f.completed)", "\(f.refused)", "\(f.open)", "\(f.completedInterviews)",
                    ResponseFigures.percent(f.responseRate)]
        }
        return rows.isEmpty ? localized(nl: "Nog geen interviewers.", en: "No interviewers yet.") : table(header, rows)
    }

    static func days(_ report: ProgressReport) -> String {
        guard !report.byDay.isEmpty else { return localized(nl: "Nog geen veldwerk geregistreerd.", en: "No fieldwork recorded yet.") }
        let header = localized(
            nl: ["Dag", "Afgerond", "Interviews in totaal", "Gemeenten", "Contacten"],
            en: ["Day", "Completed", "Total interviews", "Municipalities", "Contacts"]
        )
        let rows = report.byDay.map { day in
            [day.day, "\(day.completedInterviews)", "\(day.cumulativeInterviews)", "\(day.cumulativeMunicipalities)", "\(day.contactAttempts)"]
        }
        return table(header, rows)
    }

    /// Columns padded to their widest cell; the first column left-aligned, numbers right-aligned.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
