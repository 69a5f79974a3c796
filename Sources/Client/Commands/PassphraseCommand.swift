import ArgumentParser
import Foundation
import Shared

/// `veldwerk passphrase change | lock`: the passphrase that protects personal data on this laptop.
struct PassphraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase",
        abstract: "Change the passphrase that protects personal data on this laptop, or forget the cached key.",
        discussion: """
            Personal values (respondent names and e-mail, contact notes, answers to questions the form declares
            personal) are stored encrypted. The passphrase is asked the first time a command needs them, then the
            key is kept for 30 minutes (VELDWERK_PASSPHRASE_CACHE_MINUTES; 0 turns that off) in $XDG_RUNTIME_DIR.
            Scripts set VELDWERK_PASSPHRASE instead: anyone who can read the script or the process's environment
            can then read the personal data.
            """,
        subcommands: [Change.self, Lock.self]
    )

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Choose a new passphrase: personal data is encrypted again under a new key.",
            discussion: "Scripts: VELDWERK_PASSPHRASE=old VELDWERK_NEW_PASSPHRASE=new veldwerk passphrase change"
        )
        @OptionGroup var profile: ProfileOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let store = try profile.openStore()
                _ = try store.requireProfile()
                guard try store.hasVault() else {
                    throw ClientError.invalidInput(localized(
                        nl: "Dit profiel werd aangemeld voor persoonsgegevens versleuteld werden; meld opnieuw aan om een wachtzin te krijgen.",
                        en: "This profile was enrolled before personal data was encrypted; enrol it again to get a passphrase."
                    ))
                }
                // The current one first (asked, or from the cache or VELDWERK_PASSPHRASE), then the new one.
                _ = try store.pool.read { db in try ClientStore.storedLock(db).map { try store.vaultAccess.vault(for: $0) } }
                let new = try Passphrase.new(variable: "VELDWERK_NEW_PASSPHRASE")
                let count = try store.changePassphrase(to: new)
                struct Output: Encodable { var resealedValues: Int }
                try output.emit(Output(resealedValues: count)) {
                    localized(
                        nl: "Wachtzin gewijzigd; \(count) bewaarde persoonsgegevens werden opnieuw versleuteld onder een nieuwe sleutel.",
                        en: "Passphrase changed; \(count) stored personal values were encrypted again under a new key."
                    )
                }
            }
        }
    }

    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget the cached key: the next command that needs personal data asks again.")
        @OptionGroup var profile: ProfileOptions

        func run() async throws {
            SessionKeyCache(home: profile.homeURL).forget()
            print(localized(nl: "De sleutel is vergeten; de wachtzin wordt opnieuw gevraagd.", en: "The key is forgotten; the passphrase will be asked again."))
        }
    }
}
