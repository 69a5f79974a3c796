import ArgumentParser
import Foundation
import Logging
import Shared

extension PersonalDataKeyError {
    /// The exit status of a command refused for its personal-data key: `EX_CONFIG`.
    static let exitCode = ExitCode(78)
}

/// `veldwerk-server admin make-personal-data-key --out FILE`: a new key for the server's personal data.
struct MakePersonalDataKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-personal-data-key",
        abstract: "Make a new key for encrypting personal data on the server: 32 random bytes in a new file with mode 0600.",
        discussion: """
            Never overwrites a file. Keep a copy of the key apart from the database backups: without it the
            encrypted personal values cannot be read, and with it next to a backup they are not protected.
            Example: veldwerk-server admin make-personal-data-key --out /etc/veldwerk/personal-data.key
            """
    )

    @Option(help: ArgumentHelp("The new key file (must not exist).", valueName: "file")) var out: String

    func run() throws {
        try PersonalDataKeyFile.create(out)
        print(localized(
            nl: "Sleutel geschreven naar \(out) (modus 0600). Bewaar een kopie buiten de back-ups van de database; start met --personal-data-key \(out).",
            en: "Key written to \(out) (mode 0600). Keep a copy apart from the database backups; start with --personal-data-key \(out)."
        ))
    }
}

/// `veldwerk-server admin encrypt-personal-data --personal-data-key FILE`: seal what was stored in clear.
struct EncryptPersonalDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt-personal-data",
        abstract: "Encrypt the personal values a database stored in clear (before it had a key), then rewrite the files.",
        discussion: """
            Seals every personal value in the log, the current state and the quarantine in one transaction,
            records it in the audit trail, then rewrites the database file and empties its write-ahead log so
            no clear copy stays. Old backups still hold the clear values: replace them.
            Example: veldwerk-server admin encrypt-personal-data --personal-data-key /etc/veldwerk/personal-data.key
            """
    )

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: DataOptions

    func validate() throws {
        guard data.config.personalDataKeyFile != nil else {
            throw ValidationError("Give the key with --personal-data-key FILE (or VELDWERK_PERSONAL_DATA_KEY_FILE); make one with make-personal-data-key.")
        }
    }

    func run() async throws {
        var config = data.config
        guard config.personalDataKeyFile != nil else { return }
        config.loadDefaultStudy = false
        let store = try await openStore(config, logger: Logger(label: "veldwerk.admin"), sealingClearValues: true)
        let done = try await store.encryptPersonalData(by: hostOperator, now: Date())
        if json {
            try printJSON(done)
        } else {
            print(localized(
                nl: "Persoonsgegevens versleuteld: \(done.changes) in het logboek, \(done.currentValues) huidige, \(done.quarantined) in quarantaine. Opgenomen in het auditspoor.",
                en: "Personal values encrypted: \(done.changes) in the log, \(done.currentValues) current, \(done.quarantined) in the quarantine. Recorded in the audit trail."
            ))
        }
    }
}
