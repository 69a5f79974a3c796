import Foundation
import Shared

/// Everything a server needs to start, with defaults for a laptop-sized study.
struct ServerConfig: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    /// Folder of the SQLite database (`veldwerk.sqlite`).
    var dataDirectory = URL(fileURLWithPath: "data")
    /// Most changes one sync response pulls; the client asks again while `more` is true.
    var pullBatchLimit = 1000
    /// Most changes one sync request may push.
    var pushBatchLimit = 5000
    /// Longest one push may hold the database writer merging; a slower push is rolled back and
    /// answered 503 `push_too_slow`, so other laptops and admin commands keep their turn.
    var pushBudget: TimeInterval = Self.defaultPushBudget
    static let defaultPushBudget: TimeInterval = 5
    /// Seconds a connection may go without sending a complete request head (or its next body
    /// part) before it is closed: idle keep-alive connections and half-sent requests alike.
    var connectionIdleTimeout: TimeInterval = 30
    /// Most connections open at once; more wait in the listen queue until one closes.
    var maxConnections = 1000
    /// Largest request body accepted, in bytes.
    var maxBodyBytes = 8 * 1024 * 1024
    /// How long a new enrolment code stays valid.
    var enrolmentCodeLifetime: TimeInterval = 7 * 24 * 3600
    /// Load the bundled default study (roster and questionnaire) into an empty database.
    var loadDefaultStudy = true
    /// How far ahead of the server's clock a pushed change may be stamped (see `ClockSkew`).
    var maxClockSkewMs: Int64 = ClockSkew.limitMilliseconds
    /// The address people's browsers use (`https://veldwerk.example.org`), when known: the dashboard's
    /// cookie is `Secure` and answers carry HSTS when it is https, and login forms must come from it.
    var publicURL: URL?
    /// Addresses of reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed; from
    /// anyone else those headers are ignored.
    var trustedProxies: [String] = []
    /// Limits on failed enrolment codes and dashboard logins, per source address and per code or account.
    var signInThrottle = AttemptThrottle.Policy()
    /// Certificate and key when the server speaks HTTPS itself (`serve --tls-cert --tls-key`); nil for plain
    /// HTTP, on loopback or behind a TLS-terminating proxy.
    var tls: TLSFiles?
    /// The wall clock, injected so tests control time.
    var now: @Sendable () -> Date = { Date() }
    /// What this server counts for `GET /metrics` (one registry per running server).
    var metrics = ServerMetrics()
    /// The file holding the key personal values are stored sealed under (`--personal-data-key`,
    /// `VELDWERK_PERSONAL_DATA_KEY_FILE`); nil: stored as they come.
    var personalDataKeyFile: String?
    /// The language the dashboard speaks: `--lang`, or the server's locale (`LANG`); nil: the study form's.
    var language: Language?

    /// Whether browsers and laptops reach this server over HTTPS as far as the configuration tells:
    /// it serves TLS itself, or its public URL is https.
    var isPubliclyHTTPS: Bool { tls != nil || publicURL?.scheme?.lowercased() == "https" }

    var databaseURL: URL { dataDirectory.appendingPathComponent("veldwerk.sqlite") }
    /// A PostgreSQL database to use instead of the SQLite file in ``dataDirectory`` (`--database`).
    var postgres: PostgresURL?
    /// Connections (and transactions at once) to PostgreSQL from this node.
    var postgresConnections = 16

    /// Where the data is, for banners and logs (a PostgreSQL URL without its password).
    var databaseDescription: String { postgres?.description ?? databaseURL.path }
}
