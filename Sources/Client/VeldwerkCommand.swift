import ArgumentParser
import Foundation
import Shared

/// `veldwerk`: the interviewer's command-line client. Works offline; syncs over HTTP when it can.
@main
struct VeldwerkCommand: AsyncParsableCommand {
    /// Runs the command line, with the options every command takes allowed before the subcommand too.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let lang = Language.extractOption(from: arguments).value
        let environment = ProcessInfo.processInfo.environment
        let home = ProfileOptions.homeURL(option: homeOption(in: arguments), environment: environment)
        let language: Language
        do {
            language = try Language.resolve(option: lang, environment: environment, study: ClientStore.studyLanguage(home: home))
        } catch {
            FileHandle.standardError.write(Data("veldwerk: \(error)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        await Language.$current.withValue(language) {
            await main(globalOptionsMovedLast(arguments))
        }
    }

    /// The value of `--home` anywhere on the command line, for choosing the language before parsing.
    static func homeOption(in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { break }
            if argument.hasPrefix("--home=") { return String(argument.dropFirst("--home=".count)) }
            if argument == "--home", index + 1 < arguments.count { return arguments[index + 1] }
        }
        return nil
    }

    /// Options that every command takes, and whether each takes a value.
    static let globalOptions: [String: Bool] = ["--home": true, "--json": false, "--lang": true]

    /// `veldwerk --home DIR sync` as `veldwerk sync --home DIR`: global options written before the
    /// subcommand move after it, where the subcommand parses them. Everything else keeps its order.
    static func globalOptionsMovedLast(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            guard let takesValue = globalOptions[name] else { break }
            leading.append(argument)
            if takesValue, !argument.contains("="), index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        // The subcommand path (words before the first option), then its own arguments, then the moved options.
        return Array(arguments[index...]) + leading
    }

    static let configuration = CommandConfiguration(
        commandName: "veldwerk",
        abstract: "Run structured field interviews offline and sync them with the Veldwerk server.",
        discussion: """
            First enrol this laptop with the code from your coordinator:
              veldwerk enrol --server https://veldwerk.example.org --code ABCD-EFGH
            Then sync, see your municipalities and record interviews; everything is saved on the laptop
            at once and sent with the next `veldwerk sync`.

            Language: the study's (Dutch for the shipped study); --lang en|nl or LANG (e.g. LANG=en_US.UTF-8)
            chooses another, before or after the subcommand.
            """,
        version: "veldwerk \(Release.version)",
        subcommands: [Enrol.self, Login.self, SyncCommand.self, Status.self, Municipalities.self, InterviewCommand.self]
            + [ListInterviews.self, CasesCommand.self, ContactCommand.self, InviteCommand.self, TasksCommand.self]
            + [AdminCommand.self, ProgressCommand.self, Review.self, Export.self, PurgeCommand.self, PassphraseCommand.self]
    )
}

/// Where the profile lives: `--home`, else `$VELDWERK_HOME`, else `$XDG_DATA_HOME/veldwerk` (`~/.local/share/veldwerk`).
struct ProfileOptions: ParsableArguments {
    @Option(help: "Profile folder; two interviewers on one machine use two folders.")
    var home: String?

    @Option(help: "Language of the program's words and of the questions: nl or en. Default: the study form's language; LANG (e.g. en_US.UTF-8) changes the program's words only.")
    var lang: String?

    /// The language the form's labels are shown in: `--lang` when given (a code main() has checked), else the form's.
    var labelLanguage: String? { lang.flatMap { Language(code: $0)?.rawValue } }

    var homeURL: URL { Self.homeURL(option: home, environment: ProcessInfo.processInfo.environment) }

    static func homeURL(option home: String?, environment: [String: String]) -> URL {
        if let home, !home.isEmpty { return URL(fileURLWithPath: home) }
        if let home = environment["VELDWERK_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            return URL(fileURLWithPath: data).appendingPathComponent("veldwerk")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/veldwerk")
    }

    func openStore() throws -> ClientStore {
        try ClientStore(home: homeURL)
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    func emit(_ value: some Encodable, text: () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else {
            print(text())
        }
    }
}

/// Runs a command body and turns a ``ClientError`` into its message on stderr and its exit code.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ClientError {
        FileHandle.standardError.write(Data("veldwerk: \(error.description)\n".utf8))
        throw ExitCode(error.exitCode)
    } catch let error as AnswerError {
        FileHandle.standardError.write(Data("veldwerk: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

/// The transport commands use: libcurl, checking the server as the profile says.
func makeTransport(_ security: TransportSecurity) -> any HTTPTransport { CurlTransport(security: security) }

/// "3 changes wait for the next sync." or "Nothing waits to be synced."
func waitingSentence(_ count: Int) -> String {
    switch count {
    case 0: return localized(nl: "Er wacht niets op synchronisatie.", en: "Nothing waits to be synced.")
    case 1: return localized(nl: "1 wijziging wacht op de volgende synchronisatie.", en: "1 change waits for the next sync.")
    default: return localized(nl: "\(count) wijzigingen wachten op de volgende synchronisatie.", en: "\(count) changes wait for the next sync.")
    }
}

/// "Saved on this laptop; 3 changes wait for the next sync." in the language of the moment.
func savedSentence(_ waiting: Int) -> String {
    localized(nl: "Bewaard op deze laptop; ", en: "Saved on this laptop; ") + waitingSentence(waiting).lowercasedFirst
}

/// What `cases` and `municipalities` say before anything is assigned.
var noMunicipalitiesSentence: String {
    localized(
        nl: "Nog geen gemeenten aan jou toegewezen (synchroniseer om nieuwe toewijzingen op te halen).",
        en: "No municipalities assigned to you yet (sync to fetch new assignments)."
    )
}

