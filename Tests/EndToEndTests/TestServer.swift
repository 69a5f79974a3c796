import Crypto
import Foundation
import Hummingbird
import Logging
import Shared
import TestSupport

@testable import VeldwerkServer

/// A real server on a free loopback port with its own temporary database, for one test.
struct TestServer {
    let port: Int
    /// "https" when the server was configured with a certificate (``ServerConfig/tls``).
    let scheme: String
    let data: TemporaryDirectory
    /// A second handle on the server's database, for set-up and for checking what is stored.
    let store: SQLServerStore

    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// The command-line options that name this server's database, for `veldwerk-server` commands.
    var databaseArguments: [String] {
        get throws { try TestEngine.dataArguments(folder: data.path) }
    }

    /// Starts a server (its configuration changed by `configure`), runs `body`, then shuts it down and removes its data.
    static func with<T>(configure: (inout ServerConfig) -> Void = { _ in }, _ body: (TestServer) async throws -> T) async throws -> T {
        let data = try TemporaryDirectory(prefix: "veldwerk-server")
        defer { data.remove() }
        var config = ServerConfig()
        config.port = 0
        config.dataDirectory = data.url
        config.pullBatchLimit = 200
        // The dashboard in English, the words these tests read; DashboardLanguageTests checks the study's Dutch.
        config.language = .en
        config.postgres = try TestEngine.postgresDatabase(for: config.databaseURL.path).flatMap { PostgresURL($0) }
        config.pushBudget = TestEngine.pushBudget(config.pushBudget)
        configure(&config)
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try await buildApplication(config, logger: logger) { port in continuation.yield(port) }
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let server = TestServer(port: port, scheme: config.tls == nil ? "http" : "https", data: data, store: try await testStore(
                path: config.databaseURL.path, personalDataKey: try config.personalDataKeyFile.map(PersonalDataKeyFile.read)
            )
        )
        let result = try await body(server)
        task.cancel()
        _ = await task.result
        return result
    }

    /// Creates an interviewer with an enrolment code and the given municipalities.
    func interviewer(_ name: String, municipalities: [String]) async throws -> (user: UserID, code: String) {
        let user = try await store.createUser(name: name, role: .interviewer, email: nil, now: Date())
        if !municipalities.isEmpty {
            _ = try await store.assign(municipalities, to: user.id, by: hostOperator, now: Date())
        }
        let code = try await store.issueEnrolmentCode(for: user.id, lifetime: 3600, now: Date())
        return (user.id, code.code)
    }

    /// Creates a coordinator and returns their API token.
    func coordinatorToken() async throws -> String {
        let user = try await store.createUser(name: "Coördinator", role: .coordinator, email: nil, now: Date())
        return try await store.issueAPIToken(for: user.id, now: Date())
    }

    /// How many times a change id is in the server's log (must be 0 or 1).
    func logCount(of id: ChangeID) async throws -> Int {
        try await store.engine.read { db in
            try db.value(Int.self, "SELECT COUNT(*) FROM change_log WHERE device = ? AND dseq = ?", [id.device.rawValue, id.seq]) ?? 0
        }
    }
}

import GRDB

/// The server's store for a test: on the SQLite file at `path`, or on that file's own PostgreSQL database
/// when the suite runs against PostgreSQL (``TestEngine``).
func testStore(path: String, pushBudget: TimeInterval? = nil, personalDataKey: SymmetricKey? = nil) async throws -> SQLServerStore {
    try await SQLServerStore.open(
        sqlitePath: path, postgres: try TestEngine.postgresDatabase(for: path).flatMap { PostgresURL($0) },
        pushBudget: pushBudget ?? TestEngine.pushBudget(ServerConfig.defaultPushBudget),
        personalDataKey: personalDataKey
    )
}
