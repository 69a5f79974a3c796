import Foundation
import GRDB
import GRDBSQLite
import Shared

/// SQLite through GRDB as a ``SQLDatabase``: statements are prepared once per connection (GRDB's cache),
/// values are bound straight from ``SQLValue``s and rows read straight from the statement (the change
/// log's merge runs every statement through here; GRDB's own argument and row types would be a copy of
/// each value more, and the merge's throughput is measured against raw SQLite).
extension Database: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }

    @discardableResult
    public func run(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        let statement = try cachedStatement(sql: sql)
        try Self.bind(arguments, to: statement)
        try statement.execute()
        return changesCount
    }

    public func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try cachedStatement(sql: sql)
        let columns = statement.columnNames
        try Self.bind(arguments, to: statement)
        let cursor = try Row.fetchCursor(statement)
        let handle = statement.sqliteStatement
        var rows: [SQLRow] = []
        while try cursor.next() != nil {
            var values: [SQLValue] = []
            values.reserveCapacity(columns.count)
            for column in 0..<CInt(columns.count) { values.append(Self.value(handle, column)) }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    /// Binds the values to the statement's placeholders (`?` or `?NNN`), after GRDB has reset it.
    private static func bind(_ arguments: SQLArguments, to statement: Statement) throws {
        let handle = statement.sqliteStatement
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard arguments.values.count == expected else {
            throw SQLArgumentCountError(sql: statement.sql, expected: expected, given: arguments.values.count)
        }
        // Resets the statement, clears its bindings and marks them valid for GRDB's execute() and cursors.
        statement.setUncheckedArguments(StatementArguments())
        for (offset, value) in arguments.values.enumerated() {
            let index = CInt(offset + 1)
            let code: CInt
            switch value {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                code = sqlite3_bind_double(handle, index, number)
            case .text(var text):
                code = text.withUTF8 { bytes in
                    // An empty buffer may have no address, which SQLite would bind as NULL.
                    guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { sqlite3_bind_text(handle, index, $0, CInt(bytes.count), transient) }
                }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { buffer in
                    guard let base = buffer.baseAddress, !buffer.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
                    return sqlite3_bind_blob(handle, index, base, CInt(buffer.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "could not bind argument \(index)", sql: statement.sql) }
        }
    }

    /// The value in one column of the row the statement is on.
    private static func value(_ handle: SQLiteStatement, _ column: CInt) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes = sqlite3_column_blob(handle, column), count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        try inSavepoint {
            result = try body()
            return .commit
        }
        // inSavepoint runs the block once and rethrows its error, so the result is set here.
        guard let result else { preconditionFailure("a savepoint returned without running its body") }
        return result
    }
}

/// SQLite copies a bound text or blob (`SQLITE_TRANSIENT`), so the Swift value may go away at once.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A statement was given more or fewer values than it has placeholders: a programming error, caught
/// before SQLite would quietly bind the missing ones as NULL.
struct SQLArgumentCountError: Error, CustomStringConvertible {
    var sql: String
    var expected: Int
    var given: Int

    var description: String { "The statement takes \(expected) values and was given \(given): \(sql)" }
}

extension SQLRow {
    /// A row GRDB read.
    public init(_ row: Row) {
        let columns = Array(row.columnNames)
        self.init(columns: columns, values: (0..<columns.count).map { SQLValue(row[$0] as DatabaseValue) })
    }
}

extension ChangeLog {
    /// Decodes a full `change_log` row GRDB read.
    public static func change(_ row: Row) throws -> Change {
        try change(SQLRow(row))
    }
}

extension SQLValue {
    public init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(Array(data))
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let number): return number.databaseValue
        case .real(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        case .blob(let bytes): return Data(bytes).databaseValue
        }
    }
}
