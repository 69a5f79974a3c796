import Foundation
import GRDB
import Shared

/// SQLite through GRDB as a ``SQLDatabase``: statements are prepared once per connection (GRDB's cache).
extension Database: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }

    @discardableResult
    public func run(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        let statement = try cachedStatement(sql: sql)
        try statement.execute(arguments: StatementArguments(arguments))
        return changesCount
    }

    public func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try cachedStatement(sql: sql)
        let columns = statement.columnNames
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
        var rows: [SQLRow] = []
        while let row = try cursor.next() {
            rows.append(SQLRow(columns: columns, values: (0..<columns.count).map { SQLValue(row[$0] as DatabaseValue) }))
        }
        return rows
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

extension StatementArguments {
    /// One array, filled by a plain loop: a key-path `map` here was a tenth of a merge's time.
    init(_ arguments: SQLArguments) {
        var values = [(any DatabaseValueConvertible)?]()
        values.reserveCapacity(arguments.values.count)
        for value in arguments.values { values.append(value.databaseValue) }
        self.init(values)
    }
}
