import Testing

@testable import VeldwerkServer

/// The SQL is written once with SQLite's `?` placeholders; PostgreSQL numbers its own (`$1`, `$2`, …).
@Suite("PostgreSQL placeholders")
struct PostgresPlaceholderTests {
    @Test("plain ? are numbered in order, outside quotes only")
    func plain() {
        #expect(PostgresTransaction.numberedPlaceholders("SELECT 1") == "SELECT 1")
        #expect(
            PostgresTransaction.numberedPlaceholders("UPDATE t SET a = ?, b = ? WHERE c = ?")
                == "UPDATE t SET a = $1, b = $2 WHERE c = $3"
        )
        #expect(
            PostgresTransaction.numberedPlaceholders("SELECT '?' AS q, \"who?\" FROM t WHERE x = ?")
                == "SELECT '?' AS q, \"who?\" FROM t WHERE x = $1"
        )
        #expect(PostgresTransaction.numberedPlaceholders("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', $1")
    }

    @Test("?NNN keeps its number and a later ? continues past the largest, as in SQLite")
    func numbered() {
        #expect(
            PostgresTransaction.numberedPlaceholders("SELECT * FROM u WHERE id = ?1 OR email = ?1")
                == "SELECT * FROM u WHERE id = $1 OR email = $1"
        )
        #expect(PostgresTransaction.numberedPlaceholders("VALUES (?2, ?1, ?)") == "VALUES ($2, $1, $3)")
        #expect(PostgresTransaction.numberedPlaceholders("VALUES (?12)") == "VALUES ($12)")
    }
}

/// `--database` URLs: what they mean, and that a password or a mistyped TLS mode is never taken silently.
@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("the parts, with percent-encoding and the default port")
    func parts() throws {
        let url = try #require(PostgresURL("postgres://veld%40werk:s%2Fcret@db.example.org/studie%201", environment: [:]))
        #expect(url.user == "veld@werk")
        #expect(url.password == "s/cret")
        #expect(url.host == "db.example.org")
        #expect(url.port == 5432)
        #expect(url.database == "studie 1")
        #expect(!url.description.contains("cret"), "a printed URL never shows the password")
    }

    @Test("a password left out of the URL comes from PGPASSWORD, as for psql")
    func passwordFromEnvironment() throws {
        #expect(try #require(PostgresURL("postgres://veldwerk@127.0.0.1:5433/v", environment: ["PGPASSWORD": "geheim"])).password == "geheim")
        #expect(try #require(PostgresURL("postgres://veldwerk:url@127.0.0.1/v", environment: ["PGPASSWORD": "geheim"])).password == "url")
        #expect(try #require(PostgresURL("postgres://veldwerk@127.0.0.1/v", environment: [:])).password == nil)
    }

    @Test("TLS: clear on this machine, verified elsewhere, and sslmode as libpq names it")
    func tlsModes() throws {
        #expect(try #require(PostgresURL("postgres://v@localhost/v", environment: [:])).tls == .disable)
        #expect(try #require(PostgresURL("postgres://v@127.0.0.1/v", environment: [:])).tls == .disable)
        #expect(try #require(PostgresURL("postgres://v@db.example.org/v", environment: [:])).tls == .verifyFull)
        #expect(try #require(PostgresURL("postgres://v@127.db.example.org/v", environment: [:])).tls == .verifyFull, "a name that starts with 127. is not this machine")
        #expect(try #require(PostgresURL("postgres://v@db.example.org/v?sslmode=require", environment: [:])).tls == .require)
        #expect(try #require(PostgresURL("postgres://v@localhost/v?sslmode=verify-full", environment: [:])).tls == .verifyFull)
        #expect(PostgresURL("postgres://v@db.example.org/v?sslmode=yes", environment: [:]) == nil, "a mistyped mode is refused, not taken as clear")
        let unreadable = try #require(PostgresURL("postgres://v@db.example.org/v?sslrootcert=/nonexistent/ca.pem", environment: [:]))
        #expect(throws: PostgresURLError.self) { try unreadable.configuration() }
    }

    @Test("what is not a PostgreSQL URL is refused")
    func refused() {
        for text in ["", "veldwerk.sqlite", "mysql://v@h/d", "postgres://h/d", "postgres://v@h", "postgres://v@h/", "postgres://v@h/a/b"] {
            #expect(PostgresURL(text, environment: [:]) == nil, "\(text)")
        }
    }
}
