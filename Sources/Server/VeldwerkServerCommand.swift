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
            Start it with `veldwerk-server serve`; the first start creates ./data/veldwerk.sqlite with the default study.
            The admin commands work on the same database, also while the server runs.
            """,
        subcommands: [Serve.self, Admin.self, QuestionnaireCommand.self, RosterCommand.self, ExportCommand.self, GenerateInterviewsCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Options every command that opens the database shares.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of the server's database.")
    var data: String = "data"

    var config: ServerConfig {
        var config = ServerConfig()
        config.dataDirectory = URL(fileURLWithPath: data)
        return config
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server.",
        discussion: "Example: veldwerk-server serve --host 0.0.0.0 --port 8080 --data /srv/veldwerk"
    )

    @Option(help: "Address to listen on (0.0.0.0 for every interface).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @OptionGroup var data: DataOptions
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"
    @Option(help: "Seconds one push may spend merging before it is rolled back and the laptop told to send smaller batches.")
    var pushBudget: Double = ServerConfig().pushBudget
    @Option(help: "Seconds a connection may take to send a request's head (or stay idle between requests) before it is closed.")
    var idleTimeout: Double = ServerConfig().connectionIdleTimeout
    @Option(help: "Most connections open at once; keep it below the process's open-file limit (ulimit -n).")
    var maxConnections: Int = ServerConfig().maxConnections

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be a positive number of seconds.") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1.") }
        guard pushBudget > 0 else { throw ValidationError("--push-budget must be a positive number of seconds.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error.") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "veldwerk.server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var config = data.config
        config.host = host
        config.port = port
        config.pushBudget = pushBudget
        config.connectionIdleTimeout = idleTimeout
        config.maxConnections = maxConnections
        let databasePath = config.databaseURL.path
        let app = try await buildApplication(config, logger: logger) { boundPort in
            let banner = "Veldwerk server listening on http://\(host):\(boundPort)\nDatabase: \(databasePath)\n"
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
        // SIGTERM and SIGINT drain: no new connections, running requests finish. A push takes at most
        // its budget, so a drain that lasts longer is a client trickling a body: it is cancelled.
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(pushBudget + 5)
        try await ServiceGroup(configuration: group).run()
    }
}
