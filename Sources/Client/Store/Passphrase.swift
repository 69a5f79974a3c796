import Crypto
import Foundation
import Shared

/// Where the passphrase that protects personal data comes from: `VELDWERK_PASSPHRASE` (scripts and
/// tests), else a prompt on the terminal; and the session cache that spares asking again (like ssh-agent).
enum Passphrase {
    static let variable = "VELDWERK_PASSPHRASE"
    /// Minutes the key stays cached after the passphrase was given (0: not cached). Default 30.
    static let cacheVariable = "VELDWERK_PASSPHRASE_CACHE_MINUTES"
    static let minimumLength = 8

    /// The passphrase for an existing profile.
    static func current() throws -> String {
        if let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty { return text }
        guard isatty(STDIN_FILENO) == 1, let typed = getpass(localized(nl: "Wachtzin voor de persoonsgegevens op deze laptop: ", en: "Passphrase for personal data on this laptop: ")) else {
            throw ClientError.passphraseNeeded
        }
        return String(cString: typed)
    }

    /// A new passphrase (enrolment, change): from the environment variable `variable`, or typed twice.
    static func new(variable: String = Passphrase.variable) throws -> String {
        var text = ProcessInfo.processInfo.environment[variable] ?? ""
        if text.isEmpty {
            guard isatty(STDIN_FILENO) == 1, let first = getpass(localized(nl: "Kies een wachtzin voor de persoonsgegevens op deze laptop: ", en: "Choose a passphrase for personal data on this laptop: ")) else {
                throw ClientError.invalidInput(localized(
                    nl: "Persoonsgegevens op deze laptop worden versleuteld onder een wachtzin: voer dit uit in een terminal om er een te kiezen, of zet \(variable) (scripts).",
                    en: "Personal data on this laptop is encrypted under a passphrase: run this in a terminal to choose one, or set \(variable) (scripts)."
                ))
            }
            text = String(cString: first)
            guard let second = getpass(localized(nl: "Typ ze opnieuw: ", en: "Type it again: ")), String(cString: second) == text else {
                throw ClientError.invalidInput(localized(nl: "De twee wachtzinnen verschillen; er werd niets gewijzigd.", en: "The two passphrases differ; nothing was changed."))
            }
        }
        guard text.count >= minimumLength else {
            throw ClientError.invalidInput(localized(
                nl: "De wachtzin moet minstens \(minimumLength) tekens tellen.", en: "The passphrase must have at least \(minimumLength) characters."
            ))
        }
        return text
    }
}

/// The data key of one profile, kept for a limited time in the user's runtime folder
/// (`$XDG_RUNTIME_DIR`, a per-user in-memory file system that is emptied at logout), readable by the
/// user only. Without `XDG_RUNTIME_DIR` nothing is cached and the passphrase is asked each time.
struct SessionKeyCache {
    let file: URL?
    let minutes: Int

    init(home: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        minutes = environment[Passphrase.cacheVariable].flatMap(Int.init) ?? 30
        guard let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty, minutes > 0 else {
            file = nil
            return
        }
        let name = SHA256.hash(data: Data(home.standardizedFileURL.path.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        file = URL(fileURLWithPath: runtime).appendingPathComponent("veldwerk").appendingPathComponent(name)
    }

    private struct Entry: Codable {
        var key: Data
        var expires: Date
    }

    func read(now: Date = Date()) -> SymmetricKey? {
        guard let file, let data = try? Data(contentsOf: file), let entry = try? JSONDecoder().decode(Entry.self, from: data) else { return nil }
        guard entry.expires > now else {
            forget()
            return nil
        }
        return SymmetricKey(data: entry.key)
    }

    func write(_ key: SymmetricKey, now: Date = Date()) {
        guard let file else { return }
        let folder = file.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let entry = Entry(key: key.withUnsafeBytes { Data($0) }, expires: now.addingTimeInterval(Double(minutes) * 60))
        guard let data = try? JSONEncoder().encode(entry) else { return }
        FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        try? data.write(to: file)
    }

    func forget() {
        guard let file else { return }
        try? FileManager.default.removeItem(at: file)
    }
}

/// Opens the profile's ``Vault`` the first time a personal value needs it, once per process.
final class VaultAccess: @unchecked Sendable {
    // Safe: `opened` is read and written only under `lock`.
    private let lock = NSLock()
    private var opened: Vault?
    let cache: SessionKeyCache
    let passphrase: @Sendable () throws -> String

    init(home: URL, passphrase: @escaping @Sendable () throws -> String = { try Passphrase.current() }) {
        cache = SessionKeyCache(home: home)
        self.passphrase = passphrase
    }

    func vault(for stored: Vault.Lock) throws -> Vault {
        if let opened = lock.withLock({ opened }), Vault.matches(opened.dataKey, stored) { return opened }
        let vault: Vault
        if let cached = cache.read(), Vault.matches(cached, stored) {
            vault = Vault(dataKey: cached)
        } else {
            vault = try Vault.open(stored, passphrase: try passphrase())
            cache.write(vault.dataKey)
        }
        lock.withLock { opened = vault }
        return vault
    }
}
