import ArgumentParser
import CommandLineOptions
import Foundation
import Shared

/// `veldwerk-server backup`: a consistent copy of the database, taken while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the server's database to a file while the server keeps serving (SQLite's online backup).",
        discussion: """
            The copy is one consistent moment of the study: every change up to the log position it prints,
            none after. It is checked before the command reports success, and readable by its owner only: it
            holds personal data, so keep it encrypted and off the server. No --personal-data-key is needed:
            sealed values are copied sealed (restore the key file separately with the backup).
            Example: veldwerk-server backup --out /backup/veldwerk-$(date +%F).sqlite --data /srv/veldwerk
            Restore with: veldwerk-server restore --from FILE --data DIR (with the server stopped).
            """
    )

    /// The refusal for a PostgreSQL database: its own tools back it up and restore it.
    static func usePostgresTools(_ database: PostgresURL) -> String {
        localized(
            nl: "\(database) is een PostgreSQL-databank: maak een back-up met pg_dump en zet ze terug met pg_restore (docs/DEPLOY.md); backup en restore kopiëren enkel het SQLite-bestand.",
            en: "\(database) is a PostgreSQL database: back it up with pg_dump and restore it with pg_restore (docs/DEPLOY.md); backup and restore copy the SQLite file only."
        )
    }

    @Option(help: "The backup file to write.") var out: String
    @Flag(help: "Replace an existing file at --out.") var force = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func run() async throws {
        if let postgres = data.config.postgres { throw DataError(Self.usePostgresTools(postgres)) }
        let target = try OutputFile(path: out, force: force)
        guard FileManager.default.fileExists(atPath: data.config.databaseURL.path) else {
            throw DataError(localized(
                nl: "In \(data.data) staat geen databank van een Veldwerk-server; geef de map met --data.",
                en: "There is no Veldwerk server database in \(data.data); name the folder with --data."
            ))
        }
        // Written beside the target and renamed into place: a failed backup never leaves a half file at --out.
        let partial = target.url.deletingLastPathComponent().appendingPathComponent(".\(target.url.lastPathComponent).partial-\(getpid())")
        defer { try? FileManager.default.removeItem(at: partial) }
        var summary = try SQLServerStore.backup(database: data.config.databaseURL, to: partial)
        if force { try? FileManager.default.removeItem(at: target.url) }
        try FileManager.default.moveItem(at: partial, to: target.url)
        summary.path = target.url.path
        if json {
            try printJSON(summary)
        } else {
            print(localized(
                nl: "Back-up geschreven: \(summary.path) (logpositie \(summary.logPosition), \(Self.megabytes(summary.bytes)) MB).",
                en: "Backup written: \(summary.path) (log position \(summary.logPosition), \(Self.megabytes(summary.bytes)) MB)."
            ))
        }
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}

/// `veldwerk-server restore`: puts a backup in place, with the server stopped.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place as the server's database (stop the server first).",
        discussion: """
            The backup is checked first; the database it replaces is kept beside it (veldwerk.sqlite.replaced-TIME),
            never deleted. The restored log starts a new history: at their next sync, laptops send again every
            change they made (the server stores each once), so what was acknowledged after the backup comes back
            from the laptops that still hold it, and they pull the log from the start.
            Example: veldwerk-server restore --from /backup/veldwerk-2026-11-30.sqlite --data /srv/veldwerk
            """
    )

    @Option(help: "The backup file (from veldwerk-server backup).") var from: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    struct Restored: Codable {
        var restored: BackupSummary
        var replaced: String?
    }

    func run() async throws {
        if let postgres = data.config.postgres { throw DataError(BackupCommand.usePostgresTools(postgres)) }
        let folder = data.config.dataDirectory
        let lock: ServeLock
        do {
            lock = try ServeLock.exclusive(folder)
        } catch let error as BackupError {
            throw DataError(error.description)
        }
        defer { withExtendedLifetime(lock) {} }
        let outcome: (summary: BackupSummary, replaced: URL?)
        do {
            outcome = try SQLServerStore.restore(from: URL(fileURLWithPath: from), to: data.config.databaseURL, now: Date())
        } catch let error as BackupError {
            throw DataError(error.description)
        }
        if json {
            try printJSON(Restored(restored: outcome.summary, replaced: outcome.replaced?.path))
            return
        }
        print(localized(
            nl: "Teruggezet: \(outcome.summary.path) (logpositie \(outcome.summary.logPosition)). Laptops sturen bij hun volgende synchronisatie al hun wijzigingen opnieuw.",
            en: "Restored: \(outcome.summary.path) (log position \(outcome.summary.logPosition)). Laptops send all their changes again at their next sync."
        ))
        if let replaced = outcome.replaced {
            print(localized(nl: "De vorige databank staat in \(replaced.path).", en: "The previous database is kept in \(replaced.path)."))
        }
    }
}
