import ArgumentParser
import Foundation
import Shared

/// `veldwerk-server admin purge-personal-data --before DATE`: the study's retention date has passed.
struct PurgePersonalDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge-personal-data",
        abstract: "Remove personal data recorded before a date from the server: respondent names and e-mail, contact notes, answers to questions a form declares personal.",
        discussion: """
            The log keeps its structure (every change, its clock and author) and every non-personal answer;
            only the personal values go, and the database file and its write-ahead log are rewritten so no copy
            stays behind. Recorded in the audit trail. Back up first if the data must be kept elsewhere.
            Example: veldwerk-server admin purge-personal-data --before 2026-09-01
            """
    )

    @Option(help: "Remove values recorded before this day (YYYY-MM-DD, midnight UTC) or moment (2026-09-01T00:00:00Z).")
    var before: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    /// The cutoff `--before` names; nil when it is neither a day nor a moment.
    var cutoff: Date? {
        let text = before.count == 10 ? before + "T00:00:00Z" : before
        return Timestamp.milliseconds(text).map { Date(milliseconds: $0) }
    }

    func validate() throws {
        guard let cutoff else { throw ValidationError("--before must be a day (2026-09-01) or a moment (2026-09-01T00:00:00Z), not \"\(before)\".") }
        guard cutoff <= Date() else { throw ValidationError("--before \(before) lies in the future; personal data is removed only once its retention date has passed.") }
    }

    func run() async throws {
        guard let cutoff else { return }
        let purge = try await openAdminStore(data).purgePersonalData(before: cutoff, by: hostOperator, now: Date())
        if json {
            try printJSON(purge)
        } else {
            print(
                "Removed personal values recorded before \(ISO8601DateFormatter().string(from: cutoff)): \(purge.changes) in the log, "
                    + "\(purge.currentValues) current, \(purge.quarantined) in the quarantine. Recorded in the audit trail."
            )
        }
    }
}
