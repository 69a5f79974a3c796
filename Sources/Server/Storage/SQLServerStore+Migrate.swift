import Foundation
import GRDB
import LogStore
import Shared

/// What `veldwerk-server migrate` copied.
struct MigrationSummary: Codable, Equatable, Sendable {
    var from: String
    var to: String
    /// Rows copied, by table.
    var tables: [String: Int]
    /// The last log position, the same on both sides: laptops keep their cursors.
    var logPosition: Int64
    var logEpoch: String
}

extension SQLServerStore {
    /// Copies a study from the SQLite file at `source` into the PostgreSQL database at `target`, with
    /// the server stopped: every row of every table, as it is (log positions, the log's epoch, sealed
    /// values sealed), in one transaction, then checked table by table. The PostgreSQL database must
    /// hold no study yet; it gets Veldwerk's schema first.
    static func migrate(sqlite source: URL, to target: PostgresURL) async throws -> MigrationSummary {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let pool = try DatabasePool(path: source.path, configuration: configuration)
        // The file is brought to the current schema first, so that both sides have the same tables and columns.
        try migrator.migrate(pool)
        let engine = try PostgresEngine(url: target, connections: 2)
        try await PostgresSchema.migrate(engine)

        let tables = try await pool.read { db in
            try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY rowid
                    """)
        }
        return try await engine.write(durable: true) { pg in
            let present = Set(try pg.values(String.self, """
                    SELECT table_name::text FROM information_schema.tables
                    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'veldwerk_migrations'
                    """))
            guard present == Set(tables) else {
                throw MigrationError.schemaMismatch(sqliteOnly: Set(tables).subtracting(present).sorted(), postgresOnly: present.subtracting(tables).sorted())
            }
            let held = try pg.value(Int64.self, "SELECT (SELECT count(*) FROM change_log) + (SELECT count(*) FROM \"user\")") ?? 0
            guard held == 0 else { throw MigrationError.targetHoldsAStudy(target.description) }
            // What the schema's own migrations put there (the new database's epoch) makes way for the study's.
            for table in tables.reversed() { try pg.run("DELETE FROM \(quoted(table))") }

            var copied: [String: Int] = [:]
            try pool.read { sqlite in
                for table in tables {
                    copied[table] = try copy(table, from: sqlite, to: pg)
                    let counted = try pg.value(Int.self, "SELECT count(*) FROM \(quoted(table))") ?? -1
                    guard counted == copied[table] else { throw MigrationError.countMismatch(table: table, sqlite: copied[table] ?? 0, postgres: counted) }
                }
            }
            // Identity columns continue after the copied rows.
            let identities = try pg.fetchAll("""
                    SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND is_identity = 'YES'
                    """)
            for identity in identities {
                let table: String = identity["table_name"]
                let column: String = identity["column_name"]
                _ = try pg.fetchAll(
                    "SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(\(quoted(column))) FROM \(quoted(table))), 0) + 1, false)",
                    [quoted(table), column]
                )
            }
            return MigrationSummary(
                from: source.path, to: target.description, tables: copied, logPosition: try ChangeLog.lastSeq(in: pg), logEpoch: try logEpoch(in: pg)
            )
        }
    }

    /// Copies one table's rows, many to a statement.
    private static func copy(_ table: String, from sqlite: Database, to pg: any SQLDatabase) throws -> Int {
        let info = try Row.fetchAll(sqlite, sql: "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
        let columns = info.map { $0["name"] as String }
        // In the order the rows were stored: by rowid, or by the primary key of a WITHOUT ROWID table.
        let withoutRowID = try Bool.fetchOne(
            sqlite, sql: "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]
        ) ?? false
        let order = withoutRowID
            ? info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { quoted($0["name"]) }.joined(separator: ", ")
            : "rowid"
        let list = columns.map(quoted).joined(separator: ", ")
        let rowsPerStatement = max(1, 20_000 / max(columns.count, 1))
        var pending: [SQLValue] = []
        var pendingRows = 0
        var total = 0
        func flush() throws {
            guard pendingRows > 0 else { return }
            let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            try pg.run(
                "INSERT INTO \(quoted(table)) (\(list)) VALUES \(Array(repeating: row, count: pendingRows).joined(separator: ", "))",
                SQLArguments(pending)
            )
            total += pendingRows
            pending.removeAll(keepingCapacity: true)
            pendingRows = 0
        }
        let cursor = try Row.fetchCursor(sqlite, sql: "SELECT \(list) FROM \(quoted(table)) ORDER BY \(order.isEmpty ? "1" : order)")
        while let row = try cursor.next() {
            for index in columns.indices { pending.append(SQLValue(row[index] as DatabaseValue)) }
            pendingRows += 1
            if pendingRows == rowsPerStatement { try flush() }
        }
        try flush()
        return total
    }

    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

enum MigrationError: Error, CustomStringConvertible {
    case targetHoldsAStudy(String)
    case schemaMismatch(sqliteOnly: [String], postgresOnly: [String])
    case countMismatch(table: String, sqlite: Int, postgres: Int)

    var description: String {
        switch self {
        case .targetHoldsAStudy(let target):
            return localized(
                nl: "\(target) bevat al een studie (gebruikers of wijzigingen); migreer naar een lege databank (createdb) — er is niets gekopieerd.",
                en: "\(target) already holds a study (users or changes); migrate into an empty database (createdb); nothing was copied."
            )
        case .schemaMismatch(let sqliteOnly, let postgresOnly):
            return localized(
                nl: "De tabellen verschillen (alleen in SQLite: \(sqliteOnly), alleen in PostgreSQL: \(postgresOnly)); gebruik dezelfde versie van veldwerk-server aan beide kanten — er is niets gekopieerd.",
                en: "The tables differ (only in SQLite: \(sqliteOnly), only in PostgreSQL: \(postgresOnly)); use the same veldwerk-server version for both sides; nothing was copied."
            )
        case .countMismatch(let table, let sqlite, let postgres):
            return localized(
                nl: "Tabel \(table): \(sqlite) rijen gelezen maar \(postgres) in PostgreSQL; de migratie is teruggedraaid.",
                en: "Table \(table): \(sqlite) rows read but \(postgres) in PostgreSQL; the migration was rolled back."
            )
        }
    }
}
