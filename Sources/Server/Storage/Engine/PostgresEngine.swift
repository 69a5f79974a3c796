import Foundation
import Logging
import LogStore
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Shared
import Synchronization

/// PostgreSQL through PostgresNIO: several server nodes on one database.
///
/// Transactions run on threads of their own (a ``NIOThreadPool``), each on a connection of its own,
/// and block on the connection's answers, as GRDB's do on SQLite: the store's SQL is written once,
/// against ``SQLDatabase``.
///
/// Write transactions take one transaction-level advisory lock first (``writeLock``), on every node:
/// writers run one at a time, as on SQLite. That is what keeps log positions in commit order: a
/// position is drawn from the sequence while the lock is held, and the lock is let go only after the
/// commit is visible, so no reader can see position 12 while 11 is still uncommitted and pass over it.
/// Reads run in `REPEATABLE READ` transactions: one consistent state, as a SQLite read transaction.
final class PostgresEngine: SQLEngine {
    /// The advisory lock every write transaction holds ("Veld" in ASCII).
    static let writeLock: Int64 = 0x5665_6C64

    let dialect = SQLDialect.postgres
    private let configuration: PostgresConnection.Configuration
    private let threads: NIOThreadPool
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)
    private let logger: Logger
    /// Runs between a write's last statement and its commit, inside the transaction (tests force interleavings with it).
    let beforeCommit: (@Sendable (any SQLDatabase) throws -> Void)?

    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`); at most `connections` at once.
    init(url: PostgresURL, connections: Int = 8, logger: Logger = Logger(label: "veldwerk.postgres"), beforeCommit: (@Sendable (any SQLDatabase) throws -> Void)? = nil) throws {
        configuration = try url.configuration()
        threads = NIOThreadPool(numberOfThreads: connections)
        threads.start()
        self.logger = logger
        self.beforeCommit = beforeCommit
    }

    deinit {
        for connection in idle.withLock({ $0 }) { Self.close(connection) }
        threads.shutdownGracefully { _ in }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await threads.runIfActive {
            try self.transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        }
    }

    func write<T: Sendable>(durable: Bool, _ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await threads.runIfActive {
            try self.transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED") { db in
                try db.run("SELECT pg_advisory_xact_lock(\(Self.writeLock))")
                // A write that may be lost in a power cut (a laptop's last sync time) does not wait for the disk.
                if !durable { try db.run("SET LOCAL synchronous_commit = off") }
                let result = try body(db)
                try self.beforeCommit?(db)
                return result
            }
        }
    }

    func snapshot() async throws -> any SQLSnapshot {
        try await threads.runIfActive {
            let connection = try self.checkOut()
            let db = PostgresTransaction(connection: connection, logger: self.logger)
            do {
                try db.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                // The snapshot is taken at the first query, not at BEGIN.
                try db.run("SELECT 1")
            } catch {
                self.discard(connection)
                throw error
            }
            return Snapshot(engine: self, db: db)
        }
    }

    func compact() async throws {
        try await threads.runIfActive {
            let connection = try self.checkOut()
            let db = PostgresTransaction(connection: connection, logger: self.logger)
            // Rewrites the tables that hold values, so no dead row version keeps an old value (VACUUM runs outside a transaction).
            for table in ["change_log", "field_state", "quarantine", "conflict"] { try db.run("VACUUM FULL \(table)") }
            self.checkIn(connection)
        }
    }

    /// Runs `body` between `begin` and `COMMIT` on a connection of this thread's own; rolls back when it throws.
    private func transaction<T>(begin: String, _ body: (any SQLDatabase) throws -> T) throws -> T {
        let connection = try checkOut()
        let db = PostgresTransaction(connection: connection, logger: logger)
        do {
            try db.run(begin)
            let result = try body(db)
            try db.run("COMMIT")
            checkIn(connection)
            return result
        } catch {
            if (try? db.run("ROLLBACK")) != nil {
                checkIn(connection)
            } else {
                discard(connection)
            }
            throw error
        }
    }

    private func checkOut() throws -> PostgresConnection {
        while let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        do {
            return try PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger).wait()
        } catch {
            throw DomainError.unavailable(
                "The PostgreSQL database at \(configuration.host ?? "?") cannot be reached (\(String(reflecting: error))); check that it runs and that the URL is right."
            )
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        idle.withLock { $0.append(connection) }
    }

    private func discard(_ connection: PostgresConnection) {
        Self.close(connection)
    }

    /// Closes a connection, holding on to it until it is closed (PostgresNIO asks that a connection is closed before it goes).
    private static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// A read transaction held open on a connection of its own until closed.
    private final class Snapshot: SQLSnapshot, @unchecked Sendable {
        private let engine: PostgresEngine
        private let db: PostgresTransaction
        /// One read at a time: the connection answers one query after another.
        private let lock = Mutex(false)

        init(engine: PostgresEngine, db: PostgresTransaction) {
            self.engine = engine
            self.db = db
        }

        func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
            try await engine.threads.runIfActive {
                try self.lock.withLock { closed in
                    guard !closed else { throw DomainError.unavailable("This export's read of the database was closed.") }
                    return try body(self.db)
                }
            }
        }

        func close() async {
            let open = lock.withLock { closed in
                defer { closed = true }
                return !closed
            }
            guard open else { return }
            _ = try? await engine.threads.runIfActive {
                if (try? self.db.run("ROLLBACK")) != nil { self.engine.checkIn(self.db.connection) } else { self.engine.discard(self.db.connection) }
            }
        }

        deinit {
            // An export that ended without closing its read (an error, a dropped download) gives its connection back here.
            if !lock.withLock({ $0 }) {
                let db = self.db
                let engine = self.engine
                Task { _ = try? await engine.threads.runIfActive { if (try? db.run("ROLLBACK")) != nil { engine.checkIn(db.connection) } } }
            }
        }
    }
}

/// Where the PostgreSQL database is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=FILE]`.
///
/// The password may be left out of the URL (it would show in `ps` and in shell histories) and given in
/// `PGPASSWORD`, as for `psql`. `sslmode` follows libpq: `disable`, `prefer`, `require` (encrypted, the
/// certificate not checked), `verify-full` (encrypted, the certificate checked against `sslrootcert` or
/// the system's trust store, and its name against the host). Without it, a database on this machine
/// (`localhost`, `127.0.0.0/8`, `::1`, a Unix socket's host) is reached in clear and any other with
/// `verify-full`: answers and names must not cross a network readable.
struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String
    var tls: TLSMode
    /// A PEM file of the certificate authorities to trust for `verify-full` (default: the system's).
    var rootCertificate: String?

    /// Parses a URL; nil when it is not `postgres://` or `postgresql://` with a user, a host and a
    /// database, or names an `sslmode` there is not.
    init?(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let user = components.user, !user.isEmpty, let host = components.host, !host.isEmpty
        else { return nil }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { return nil }
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 } ?? environment["PGPASSWORD"]
        self.host = host
        port = components.port ?? 5432
        self.database = database.removingPercentEncoding ?? database
        let query = components.queryItems ?? []
        if let mode = query.last(where: { $0.name == "sslmode" })?.value {
            guard let known = TLSMode(rawValue: mode) else { return nil }
            tls = known
        } else {
            tls = Loopback.isHost(host) ? .disable : .verifyFull
        }
        rootCertificate = query.last(where: { $0.name == "sslrootcert" })?.value
    }

    /// How to connect; throws when `sslrootcert` cannot be read.
    func configuration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var unchecked = TLSConfiguration.makeClientConfiguration()
            unchecked.certificateVerification = .none
            let context = try NIOSSLContext(configuration: unchecked)
            tls = self.tls == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            var checked = TLSConfiguration.makeClientConfiguration()
            checked.certificateVerification = .fullVerification
            if let rootCertificate {
                do {
                    checked.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(rootCertificate))
                } catch {
                    throw PostgresURLError(description: "The certificate authorities in sslrootcert=\(rootCertificate) cannot be read (\(error)).")
                }
            }
            tls = .require(try NIOSSLContext(configuration: checked))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// The URL without its password, for messages and logs.
    var description: String {
        let mode = tls == (Loopback.isHost(host) ? .disable : .verifyFull) ? "" : "?sslmode=\(tls.rawValue)"
        return "postgres://\(user)@\(host):\(port)/\(database)\(mode)"
    }

    /// What a valid URL looks like, for the sentence that refuses one.
    static let shape = "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-full]"
}

struct PostgresURLError: Error, CustomStringConvertible {
    var description: String
}

/// One open transaction on a PostgreSQL connection: statements block this thread until answered.
final class PostgresTransaction: SQLDatabase, @unchecked Sendable {
    let connection: PostgresConnection
    private let logger: Logger
    private var savepoints = 0

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var dialect: SQLDialect { .postgres }

    @discardableResult
    func run(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try query(sql, arguments).metadata.rows ?? 0
    }

    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let result = try query(sql, arguments)
        guard let first = result.rows.first else { return [] }
        let columns = first.map(\.columnName)
        return try result.rows.map { row in SQLRow(columns: columns, values: try row.map(Self.value)) }
    }

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepoints += 1
        let name = "s\(savepoints)"
        try run("SAVEPOINT \(name)")
        do {
            let result = try body()
            try run("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            try run("ROLLBACK TO SAVEPOINT \(name)")
            try run("RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    private func query(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        let statement = PostgresQuery(unsafeSQL: Self.numberedPlaceholders(sql), binds: bindings)
        do {
            return try connection.query(statement, logger: logger).wait()
        } catch let error as PSQLError {
            throw PostgresStatementError(error)
        }
    }

    /// SQL with `?` placeholders turned into PostgreSQL's `$1`, `$2`, … (not inside quotes). SQLite's
    /// numbered `?NNN` means the same as PostgreSQL's `$NNN`, and as in SQLite a plain `?` after it takes
    /// the number one past the largest so far.
    static func numberedPlaceholders(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        let characters = Array(sql)
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                var digits = ""
                while index < characters.count, characters[index].isASCII, characters[index].isNumber {
                    digits.append(characters[index])
                    index += 1
                }
                if let explicit = Int(digits) {
                    number = max(number, explicit)
                    result += "$\(explicit)"
                } else {
                    number += 1
                    result += "$\(number)"
                }
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A cell as SQLite's storage classes: booleans and integers as integers, text and JSON as text.
    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric:
            let number = try cell.decode(Decimal.self)
            if let whole = Int64(exactly: NSDecimalNumber(decimal: number).doubleValue), Decimal(whole) == number { return .integer(whole) }
            return .real(NSDecimalNumber(decimal: number).doubleValue)
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// PostgreSQL refused a statement: its own message, with the SQLSTATE code.
struct PostgresStatementError: Error, CustomStringConvertible {
    var code: String
    var message: String
    var query: String

    init(_ error: PSQLError) {
        code = error.serverInfo?[.sqlState] ?? "?"
        message = error.serverInfo?[.message] ?? String(reflecting: error.code)
        query = error.query?.sql ?? ""
    }

    var description: String { "PostgreSQL refused a statement (\(code)): \(message) — \(query.prefix(200))" }
}
