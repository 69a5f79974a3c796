import Foundation

/// One open transaction on a SQL database, whatever the engine: SQLite through GRDB (``GRDB/Database``
/// conforms) or PostgreSQL. The change log and the server's store are written once against it.
///
/// Statements are written in the SQL both engines accept (`?` placeholders, `ON CONFLICT … DO
/// NOTHING`, `RETURNING`, `TRUE`, quoted `"user"`); the few places where the engines differ
/// (JSON functions, pattern matching) ask ``dialect``. Calls block the calling thread, as GRDB's do:
/// engines run transactions on threads of their own, never on an event loop.
public protocol SQLDatabase: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: SQLArguments) throws -> Int
    /// Runs a query and returns its rows.
    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]
    /// Runs `body` in a savepoint: its writes are undone when it throws, and the transaction goes on.
    func savepoint<T>(_ body: () throws -> T) throws -> T
}

/// The SQL engines Veldwerk's stores run on.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// The text of a JSON object's member `key` in the JSON text `column` (nil when absent or not text).
    public func jsonText(_ column: String, _ key: String) -> String {
        switch self {
        case .sqlite: return "json_extract(\(column), '$.\(key)')"
        case .postgres: return "((\(column))::jsonb ->> '\(key)')"
        }
    }

    /// Whether the JSON text `column` holds a string.
    public func isJSONString(_ column: String) -> String {
        switch self {
        case .sqlite: return "json_type(\(column)) = 'text'"
        case .postgres: return "jsonb_typeof((\(column))::jsonb) = 'string'"
        }
    }

    /// The length in UTF-8 bytes of the string the JSON text `column` holds.
    public func jsonStringBytes(_ column: String) -> String {
        switch self {
        case .sqlite: return "length(CAST(json_extract(\(column), '$') AS BLOB))"
        case .postgres: return "octet_length((\(column))::jsonb #>> '{}')"
        }
    }

    /// The greater of two texts compared byte by byte (`max` in SQLite; PostgreSQL's `GREATEST` in the
    /// "C" collation, whatever the database's own).
    public func greater(_ first: String, _ second: String) -> String {
        switch self {
        case .sqlite: return "max(\(first), \(second))"
        case .postgres: return "GREATEST(\(first) COLLATE \"C\", \(second) COLLATE \"C\")"
        }
    }

    /// Where `needle` first starts in `haystack` (1-based; 0 when it is not there).
    public func position(of needle: String, in haystack: String) -> String {
        switch self {
        case .sqlite: return "instr(\(haystack), \(needle))"
        case .postgres: return "strpos(\(haystack), \(needle))"
        }
    }
}

extension SQLDatabase {
    @discardableResult
    public func run(_ sql: String) throws -> Int { try run(sql, []) }

    public func fetchAll(_ sql: String) throws -> [SQLRow] { try fetchAll(sql, []) }

    /// Sets an SQLite pragma for this connection (`secure_delete = ON`, `cache_size = …`); PostgreSQL has
    /// no pragmas, and what they tune there is the server's own configuration, so it is a no-op there.
    public func sqlitePragma(_ setting: String) throws {
        guard dialect == .sqlite else { return }
        try run("PRAGMA \(setting)")
    }

    /// The first row of a query, if any.
    public func fetchOne(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? {
        try fetchAll(sql, arguments).first
    }

    /// The first column of the first row, if any and not NULL.
    public func value<T: SQLValueConvertible>(_ type: T.Type = T.self, _ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        guard let row = try fetchOne(sql, arguments), let first = row.values.first, first != .null else { return nil }
        return try row.decode(T.self, from: first, column: row.columns[0])
    }

    /// The first column of every row, leaving out NULLs.
    public func values<T: SQLValueConvertible>(_ type: T.Type = T.self, _ sql: String, _ arguments: SQLArguments = []) throws -> [T] {
        try fetchAll(sql, arguments).compactMap { row in
            guard let first = row.values.first, first != .null else { return nil }
            return try row.decode(T.self, from: first, column: row.columns[0])
        }
    }

    /// Whether a query (an `EXISTS (…)`, a count) gives a true, non-zero first column.
    public func exists(_ sql: String, _ arguments: SQLArguments = []) throws -> Bool {
        try value(Bool.self, sql, arguments) ?? false
    }
}

/// A value a statement binds or a row holds: SQLite's storage classes, which PostgreSQL's values map onto.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that binds as, and reads back from, a ``SQLValue``.
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
    /// The value a row holds, or nil when it cannot be this type.
    static func fromSQL(_ value: SQLValue) -> Self?
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public static func fromSQL(_ value: SQLValue) -> String? {
        switch value {
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .null: return nil
        }
    }
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    public static func fromSQL(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): return number
        case .real(let number): return number.rounded(.towardZero) == number ? Int64(exactly: number) : nil
        case .text(let text): return Int64(text)
        default: return nil
        }
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public static func fromSQL(_ value: SQLValue) -> Int? { Int64.fromSQL(value).flatMap { Int(exactly: $0) } }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
    public static func fromSQL(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let number): return number
        case .integer(let number): return Double(number)
        case .text(let text): return Double(text)
        default: return nil
        }
    }
}

extension Bool: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public static func fromSQL(_ value: SQLValue) -> Bool? {
        switch value {
        case .integer(let number): return number != 0
        case .real(let number): return number != 0
        default: return nil
        }
    }
}

extension Array: SQLValueConvertible where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
    public static func fromSQL(_ value: SQLValue) -> [UInt8]? {
        switch value {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        default: return nil
        }
    }
}

extension Data: SQLValueConvertible {
    public var sqlValue: SQLValue { .blob(Array(self)) }
    public static func fromSQL(_ value: SQLValue) -> Data? { [UInt8].fromSQL(value).map { Data($0) } }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
    public static func fromSQL(_ value: SQLValue) -> Wrapped?? {
        if value == .null { return .some(nil) }
        return Wrapped.fromSQL(value).map { .some($0) }
    }
}

/// The values a statement binds, in placeholder order: `[a, b, nil]`, as GRDB's `StatementArguments`.
public struct SQLArguments: ExpressibleByArrayLiteral, Sendable {
    public var values: [SQLValue]

    public init(_ values: [SQLValue]) {
        self.values = values
    }

    public init(_ values: [(any SQLValueConvertible)?]) {
        self.values = values.map { $0?.sqlValue ?? .null }
    }

    public init(arrayLiteral elements: (any SQLValueConvertible)?...) {
        self.init(elements)
    }

    public static func += (lhs: inout SQLArguments, rhs: SQLArguments) {
        lhs.values += rhs.values
    }

    public static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments {
        SQLArguments(lhs.values + rhs.values)
    }
}

/// One row of a query, read by column name or position: `let name: String = row["name"]`.
///
/// Reading NULL or a value of another type as a non-optional type is a programming error (as in
/// GRDB); reading the stored log's own values goes through typed checks that throw.
public struct SQLRow: Sendable, Equatable, CustomStringConvertible {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript<T: SQLValueConvertible>(_ name: String) -> T {
        guard let index = columns.firstIndex(of: name) else { preconditionFailure("no column \(name) in \(columns)") }
        return self[index]
    }

    public subscript<T: SQLValueConvertible>(_ index: Int) -> T {
        guard let value = T.fromSQL(values[index]) else {
            preconditionFailure("column \(columns[index]) holds \(values[index]), not \(T.self)")
        }
        return value
    }

    public var description: String {
        "[" + zip(columns, values).map { column, value in "\(column):\(value)" }.joined(separator: " ") + "]"
    }

    /// Whether the row has this column.
    public func hasColumn(_ name: String) -> Bool { columns.contains(name) }

    func decode<T: SQLValueConvertible>(_ type: T.Type, from value: SQLValue, column: String) throws -> T {
        guard let decoded = T.fromSQL(value) else { throw SQLValueError(column: column, value: value, type: "\(T.self)") }
        return decoded
    }
}

/// A column held a value of another type than the one asked for.
public struct SQLValueError: Error, CustomStringConvertible {
    public var column: String
    public var value: SQLValue
    public var type: String

    public var description: String { "The database's column \(column) holds \(value), where \(type) was expected." }
}
