import ArgumentParser
import CommandLineOptions
import Foundation
import Shared

/// `veldwerk-server migrate`: moves a study from its SQLite file to PostgreSQL, with the server stopped.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a study from the SQLite file in a data folder into an empty PostgreSQL database (stop the server first).",
        discussion: """
            Every table is copied as it is, in one transaction, and counted on both sides: log positions and the
            log's epoch stay the same, so laptops sync on without sending or pulling anything again; sealed
            personal values stay sealed (serve with the same --personal-data-key). The SQLite file is not changed.
            Example: veldwerk-server migrate --from /srv/veldwerk --to postgres://veldwerk@db.example.org/veldwerk
            Then: veldwerk-server serve --database postgres://veldwerk@db.example.org/veldwerk
            """
    )

    @Option(help: "The data folder of the SQLite server (its --data).") var from: String
    @Option(help: ArgumentHelp("The PostgreSQL database to fill, empty (createdb): \(PostgresURL.shape); the password may come from $PGPASSWORD.")) var to: String
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard PostgresURL(to) != nil else {
            throw ValidationError("--to takes a PostgreSQL URL, \(PostgresURL.shape); the one given is not one.")
        }
    }

    func run() async throws {
        guard let target = PostgresURL(to) else { return }
        var config = ServerConfig()
        config.dataDirectory = URL(fileURLWithPath: from)
        guard FileManager.default.fileExists(atPath: config.databaseURL.path) else {
            throw DataError(localized(
                nl: "In \(from) staat geen databank van een Veldwerk-server; geef de map met --from.",
                en: "There is no Veldwerk server database in \(from); name the folder with --from."
            ))
        }
        // A server still writing to the file would write what the copy misses.
        let lock: ServeLock
        do {
            lock = try ServeLock.exclusive(config.dataDirectory)
        } catch let error as BackupError {
            throw DataError(error.description)
        }
        defer { withExtendedLifetime(lock) {} }
        let summary: MigrationSummary
        do {
            summary = try await SQLServerStore.migrate(sqlite: config.databaseURL, to: target)
        } catch let error as MigrationError {
            throw DataError(error.description)
        }
        if json {
            try printJSON(summary)
            return
        }
        let rows = summary.tables.values.reduce(0, +)
        print(localized(
            nl: "Gemigreerd: \(rows) rijen uit \(summary.tables.count) tabellen naar \(summary.to) (logpositie \(summary.logPosition)). Start de server met --database \(summary.to).",
            en: "Migrated: \(rows) rows from \(summary.tables.count) tables to \(summary.to) (log position \(summary.logPosition)). Start the server with --database \(summary.to)."
        ))
    }
}
