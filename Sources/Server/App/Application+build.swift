import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import Shared

struct HealthStatus: Codable, ResponseEncodable {
    var status: String
}

/// The server application, assembled in one place for `serve` and for the tests.
///
/// - Parameters:
///   - config: where to listen and store data.
///   - onServerRunning: called with the bound port once listening (tests pass port 0 and learn the real one here).
func buildApplication(
    _ config: ServerConfig, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let store = try await openStore(config, logger: logger)
    let router = try await buildRouter(store: store, config: config)
    // Hummingbird's idle timer counts HTTP parts, not bytes: a connection that has not sent a
    // complete request head (or, while sending a body, its next part) within the timeout is
    // closed however it trickles bytes, so it bounds reading a request's head as well.
    let http: HTTPServerBuilder = .http1(configuration: .init(idleTimeout: .milliseconds(Int64(config.connectionIdleTimeout * 1000))))
    return Application(
        router: router,
        server: try config.tls.map { try .tls(http, tlsConfiguration: try $0.serverConfiguration()) } ?? http,
        configuration: .init(
            address: .hostname(config.host, port: config.port), serverName: "veldwerk",
            availableConnectionsDelegate: CountedConnections(maximum: config.maxConnections, gauge: config.metrics.openConnections)
        ),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? config.port) },
        logger: logger
    )
}

/// Every route and middleware of the server: what ``buildApplication(_:logger:onServerRunning:)`` serves,
/// and what the OpenAPI document's test lists (`Router.routes`).
func buildRouter(store: SQLServerStore, config: ServerConfig) async throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestTelemetryMiddleware(metrics: config.metrics))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: GzipMiddleware())
    router.add(middleware: TransportSecurityMiddleware(https: HTTPSDetector(config)))
    router.add(middleware: LanguageMiddleware(configured: config.language, store: store))
    router.add(middleware: BearerAuthenticator(store: store, now: config.now))
    router.get("/healthz") { _, _ in HealthStatus(status: "ok") }
    MetricsRoutes(metrics: config.metrics, sources: SourceAddress(trustedProxies: config.trustedProxies)).register(on: router)
    try OpenAPIRoutes.bundled().register(on: router)
    SyncRoutes(store: store, config: config).register(on: router)
    InterviewRoutes(store: store, config: config).register(on: router)
    FieldworkRoutes(store: store, config: config).register(on: router)
    CredentialRoutes(store: store, config: config).register(on: router)
    InvitationRoutes(store: store, config: config).register(on: router)
    let downloads = ExportRoutes(store: store)
    let renderer = try await DashboardRenderer.bundled()
    try await router.addCoordinationRoutes(store: store, config: config, renderer: renderer, downloads: downloads)
    WebFormRoutes(store: store, config: config, renderer: renderer).register(on: router)
    downloads.register(on: router)
    DeviceClockRoutes(store: store, config: config).register(on: router)
    return router
}

/// Opens (and on first use creates) the store, on PostgreSQL with `--database` and otherwise on the
/// SQLite file in the data folder, loading the default study into an empty database.
///
/// - Parameter sealingClearValues: true for `admin encrypt-personal-data` only (see ``SQLServerStore/init(path:pushBudget:metrics:personalDataKey:sealingClearValues:)``).
func openStore(_ config: ServerConfig, logger: Logger, sealingClearValues: Bool = false) async throws -> SQLServerStore {
    let key = try config.personalDataKeyFile.map(PersonalDataKeyFile.read)
    if config.postgres == nil { try FileManager.default.createDirectory(at: config.dataDirectory, withIntermediateDirectories: true) }
    let store = try await SQLServerStore.open(
        sqlitePath: config.databaseURL.path, postgres: config.postgres, connections: config.postgresConnections, pushBudget: config.pushBudget,
        metrics: config.metrics, personalDataKey: key, sealingClearValues: sealingClearValues
    )
    if config.loadDefaultStudy {
        let loaded = try await store.loadStudyIfEmpty(
            roster: try Roster.defaultStudy(), questionnaire: try XLSFormCompiler.defaultStudy(), now: config.now()
        )
        if loaded { logger.info("loaded the default study", metadata: ["store.path": "\(config.databaseDescription)"]) }
    }
    return store
}
