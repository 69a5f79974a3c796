import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Shared

/// `veldwerk-server`: the central server of a Veldwerk study, and its host-side admin commands.
@main
struct VeldwerkServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "veldwerk-server",
        abstract: "The Veldwerk server: merges the interviewers' changes and serves coordinators and researchers.",
        discussion: """
            First steps for a coordinator (each command takes --data DIR, default ./data):
              veldwerk-server serve                                   start; the first start loads the default study
              veldwerk-server admin create-user --name "Cas" --role coordinator   a person and an API token
              veldwerk-server admin import-users --csv studenten.csv  interviewers (name,email) with enrolment codes
              veldwerk-server admin enrolment-codes > codes.txt       a printable list of codes for the laptops
              veldwerk-server admin assign --csv toewijzing.csv       municipalities to interviewers
              veldwerk-server questionnaire load vragenlijst.xlsx     a new questionnaire version
              veldwerk-server export --format sav --out studie.sav    the merged dataset
              veldwerk-server backup --out backup.sqlite              a consistent copy, while serving
            The admin commands work on the same database, also while the server runs.
            Language (the dashboard, the codes list, messages): --lang nl|en anywhere on the command line,
            else LANG (e.g. LANG=nl_BE.UTF-8), else the study form's default_language.
            """,
        version: "veldwerk-server \(Release.version)",
        subcommands: [
            Serve.self, Admin.self, QuestionnaireCommand.self, RosterCommand.self, ExportCommand.self, BackupCommand.self, RestoreCommand.self, MigrateCommand.self,
            GenerateInterviewsCommand.self,
        ],
        defaultSubcommand: Serve.self
    )

    /// Runs the command line; a ``DataError`` (a file whose content cannot be used) is one sentence
    /// on stderr and exit status 65, without the usage banner a mistyped command gets.
    static func main() async {
        let (lang, arguments) = Language.extractOption(from: Array(CommandLine.arguments.dropFirst()))
        let language: Language
        do {
            language = try Language.resolve(option: lang, environment: ProcessInfo.processInfo.environment, study: nil)
        } catch {
            FileHandle.standardError.write(Data("veldwerk-server: \(error)\n".utf8))
            exit(withError: ValidationError("\(error)"))
        }
        await Language.$current.withValue(language) { await run(arguments) }
    }

    /// The language `serve` was told to speak (`--lang`, or the locale); nil: the study form's.
    static func chosenLanguage() -> Language? {
        let option = Language.extractOption(from: Array(CommandLine.arguments.dropFirst())).value
        return (try? Language.chosen(option: option, environment: ProcessInfo.processInfo.environment)) ?? nil
    }

    private static func run(_ arguments: [String]) async {
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as DataError {
            FileHandle.standardError.write(Data("veldwerk-server: \(error.description)\n".utf8))
            exit(withError: DataError.exitCode)
        } catch let error as PersonalDataKeyError {
            FileHandle.standardError.write(Data("veldwerk-server: \(error.description)\n".utf8))
            exit(withError: PersonalDataKeyError.exitCode)
        } catch let error as DomainError where error.kind != .busy {
            // A store or admin operation refused its input (the same refusal the API answers with a 4xx).
            FileHandle.standardError.write(Data("veldwerk-server: \(error.message)\n".utf8))
            exit(withError: DataError.exitCode)
        } catch let error as APIError where (400..<500).contains(error.status.code) {
            // An admin operation refused its input (the same refusal the API answers with a 4xx).
            FileHandle.standardError.write(Data("veldwerk-server: \(error.message)\n".utf8))
            exit(withError: DataError.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every command that opens the database shares.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of the server's database.")
    var data: String = "data"
    @Option(
        name: .customLong("personal-data-key"),
        help: ArgumentHelp(
            "File with the key personal values are stored encrypted under (32 bytes, mode 0600; default: $VELDWERK_PERSONAL_DATA_KEY_FILE).",
            valueName: "file"
        )
    )
    var personalDataKey: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "PostgreSQL database to use instead of the SQLite file in --data: \(PostgresURL.shape) (default: $VELDWERK_DATABASE_URL; the password may come from $PGPASSWORD).",
            valueName: "url"
        )
    )
    var database: String?

    mutating func validate() throws {
        if let text = database ?? ProcessInfo.processInfo.environment["VELDWERK_DATABASE_URL"], PostgresURL(text) == nil {
            throw ValidationError("--database takes a PostgreSQL URL, \(PostgresURL.shape); the one given is not one.")
        }
    }

    var config: ServerConfig {
        var config = ServerConfig()
        config.dataDirectory = URL(fileURLWithPath: data)
        config.personalDataKeyFile = PersonalDataKeyFile.path(option: personalDataKey)
        config.postgres = (database ?? ProcessInfo.processInfo.environment["VELDWERK_DATABASE_URL"]).flatMap { PostgresURL($0) }
        return config
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (HTTPS with --tls-cert and --tls-key).",
        discussion: """
            Example: veldwerk-server serve --host 0.0.0.0 --port 8443 --tls-cert fullchain.pem --tls-key privkey.pem --data /srv/veldwerk
            Without --tls-cert the server speaks plain HTTP: keep it on 127.0.0.1 behind a TLS proxy (docs/DEPLOY.md).
            """
    )

    @Option(help: "Address to listen on (0.0.0.0 for every interface).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @OptionGroup var data: DataOptions
    @Option(help: "PEM file with the server's certificate (then any intermediates): serve HTTPS, TLS 1.2 or newer.")
    var tlsCert: String?
    @Option(help: "PEM file with the certificate's private key (unencrypted; readable by the server's user only).")
    var tlsKey: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"
    @Option(help: "Log lines as text, or json: one JSON object per line (with request.id) for a log collector.")
    var logFormat: String = LogFormat.text.rawValue
    @Option(help: "The address browsers use, e.g. https://veldwerk.example.org: with https the dashboard's cookie is Secure and answers carry HSTS.")
    var publicURL: String?
    @Option(
        name: .customLong("trusted-proxy"),
        help: "IP address of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are believed; repeat for several."
    )
    var trustedProxies: [String] = []
    @Option(help: "Seconds one push may spend merging before it is rolled back and the laptop told to send smaller batches.")
    var pushBudget: Double = ServerConfig.defaultPushBudget
    @Option(help: "Seconds a connection may take to send a request's head (or stay idle between requests) before it is closed.")
    var idleTimeout: Double = ServerConfig().connectionIdleTimeout
    @Option(help: "Most connections open at once; keep it below the process's open-file limit (ulimit -n).")
    var maxConnections: Int = ServerConfig().maxConnections

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together: give both, or neither for plain HTTP.") }
        if let publicURL {
            guard let url = URL(string: publicURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else { throw ValidationError("--public-url must be an http:// or https:// address, e.g. https://veldwerk.example.org.") }
        }
        for proxy in trustedProxies where proxy.isEmpty || !proxy.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) {
            throw ValidationError("--trusted-proxy takes an IP address (e.g. 10.0.0.2 or ::1), not \"\(proxy)\".")
        }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be a positive number of seconds.") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1.") }
        guard pushBudget > 0 else { throw ValidationError("--push-budget must be a positive number of seconds.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error.") }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json.") }
    }

    func run() async throws {
        if LogFormat(rawValue: logFormat) == .json {
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        } else {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
        }
        var logger = Logger(label: "veldwerk.server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var config = data.config
        config.host = host
        config.port = port
        config.publicURL = publicURL.flatMap(URL.init(string:))
        config.trustedProxies = trustedProxies
        config.pushBudget = pushBudget
        config.connectionIdleTimeout = idleTimeout
        config.maxConnections = maxConnections
        config.language = VeldwerkServerCommand.chosenLanguage()
        if let tlsCert, let tlsKey { config.tls = TLSFiles(certificatePath: tlsCert, keyPath: tlsKey) }
        // Held while serving: `restore` refuses to replace the database under a running server (SQLite's file only).
        let lock = config.postgres == nil ? try ServeLock.serving(config.dataDirectory) : nil
        defer { withExtendedLifetime(lock) {} }
        let databasePath = config.databaseDescription
        let noteConfig = config
        let keyFile = config.personalDataKeyFile
        let publicURL = config.publicURL
        let scheme = config.tls == nil ? "http" : "https"
        // The key laptops pin when their enrolment code carries it; read (and checked) before listening.
        let pin = try config.tls?.publicKeyPin()
        let app = try await buildApplication(config, logger: logger) { boundPort in
            var banner = "Veldwerk server listening on \(scheme)://\(host):\(boundPort)\nDatabase: \(databasePath)\n"
            if let pin { banner += "Certificate key pin: \(pin.curlPinnedPublicKey)\n" }
            if let keyFile { banner += "Personal data: stored encrypted (key \(keyFile))\n" }
            FileHandle.standardOutput.write(Data(banner.utf8))
            // The address laptops use, for the printable enrolment codes (`admin enrolment-codes`).
            let reachable = host == "0.0.0.0" || host == "::" ? ProcessInfo.processInfo.hostName : host
            let address = publicURL?.absoluteString ?? "\(scheme)://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(boundPort)"
            var opening = noteConfig
            opening.loadDefaultStudy = false
            opening.postgresConnections = 1
            try? await openStore(opening, logger: Logger(label: "veldwerk.address")).noteAddress(address, pin: pin, now: Date())
        }
        // SIGTERM and SIGINT drain: no new connections, running requests finish; a long push stops at its
        // next check and rolls back (ServerDrain). A push takes at most its budget, so a drain that lasts
        // longer is a client trickling a body: it is cancelled.
        var group = ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: ServerDrain.Watcher())], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        )
        group.maximumGracefulShutdownDuration = .seconds(pushBudget + 5)
        try await ServiceGroup(configuration: group).run()
    }
}
