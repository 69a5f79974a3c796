import ArgumentParser
import Foundation
import Shared

/// `veldwerk purge`: removes a finished study's data from this laptop.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove the study's data (profile, interviews, contacts, notes) from this laptop when the study ends.",
        discussion: """
            Refuses while changes wait to be synced: run `veldwerk sync` first, or pass --force to delete them too.
            Example: veldwerk sync && veldwerk purge
            """
    )

    @Flag(help: "Delete also changes that have not reached the server; they are lost for good.") var force = false
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    struct Output: Encodable {
        var removed: Bool
        var home: String
        var interviews: Int
        var contacts: Int
        var unsentChangesDeleted: Int
    }

    func run() async throws {
        try await reportingErrors {
            let home = profile.homeURL
            let database = home.appendingPathComponent("veldwerk.sqlite")
            guard FileManager.default.fileExists(atPath: database.path) else {
                try output.emit(Output(removed: false, home: home.path, interviews: 0, contacts: 0, unsentChangesDeleted: 0)) {
                    localized(nl: "Er zijn geen gegevens van een studie in \(home.path); er werd niets verwijderd.", en: "There is no study data in \(home.path); nothing was removed.")
                }
                return
            }
            let contents = try profile.openStore().contents()
            if contents.unsentChanges > 0 && !force {
                throw ClientError.invalidInput(localized(
                    nl: "Niet verwijderd: \(contents.unsentChanges) wijzigingen bereikten de server nog niet. Voer eerst `veldwerk sync` uit, "
                        + "of geef --force om ook die te verwijderen (ze zijn dan voorgoed verloren).",
                    en: "Not removed: \(contents.unsentChanges) changes have not reached the server yet. Run `veldwerk sync` first, "
                        + "or pass --force to delete them as well (they are then lost for good)."
                ))
            }
            try ClientStore.removeStudyData(home: home)
            let result = Output(
                removed: true, home: home.path, interviews: contents.interviews, contacts: contents.contacts, unsentChangesDeleted: contents.unsentChanges
            )
            try output.emit(result) {
                var text = localized(
                    nl: "De gegevens van de studie (\(contents.interviews) interviews, \(contents.contacts) contactpogingen) werden van deze laptop verwijderd, in \(home.path).",
                    en: "Removed the study's data from this laptop (\(contents.interviews) interviews, \(contents.contacts) contact attempts) in \(home.path)."
                )
                if contents.unsentChanges > 0 {
                    text += localized(
                        nl: " \(contents.unsentChanges) niet-gesynchroniseerde wijzigingen werden mee verwijderd.",
                        en: " \(contents.unsentChanges) unsynced changes were deleted with it."
                    )
                }
                return text
            }
        }
    }
}
