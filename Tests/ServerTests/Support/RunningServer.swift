import Foundation
import Hummingbird
import Logging
import Shared
import TestSupport
@testable import VeldwerkServer

/// Runs the real application on a free port of 127.0.0.1 with a fresh database, seeded with ``StudySeed``,
/// and stops it when `body` returns. `configure` changes settings before the server starts (its clock, limits, proxies).
func withRunningServer<T>(
    now: Date = StudySeed.now, configure: (inout ServerConfig) -> Void = { _ in }, _ body: (TestHTTPClient, StudySeed) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        var config = ServerConfig()
        config.port = 0
        config.dataDirectory = directory.url
        config.now = { now }
        // The dashboard in English, the words these tests read; DashboardLanguageTests checks the study's Dutch.
        config.language = .en
        config.postgres = try TestEngine.postgresDatabase(for: config.databaseURL.path).flatMap { PostgresURL($0) }
        config.pushBudget = TestEngine.pushBudget(config.pushBudget)
        configure(&config)
        var logger = Logger(label: "veldwerk.test")
        logger.logLevel = .critical  // cancelling the server task at the end logs errors that mean nothing here
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try await buildApplication(config, logger: logger) { port in continuation.yield(port) }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestHTTPClient.SocketError(description: "the server did not start") }
        let seed = try await StudySeed.make(try await testStore(path: config.databaseURL.path))
        let result = try await body(TestHTTPClient(port: port), seed)
        server.cancel()
        _ = try? await server.value
        return result
    }
}
