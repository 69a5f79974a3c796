import Foundation
import Shared

/// The change log: where server and client alike append changes and carry out the merge rule, on
/// SQLite or (the server's second engine) PostgreSQL.
///
/// Three tables: `change_log` (every change received, once, in arrival order: `seq` is the log
/// position), `field_state` (the current value of every field, derived) and `conflict` (the
/// overruled versions kept for review, derived). The derived tables can be rebuilt from the log
/// with ``rebuildDerivedState(_:)``. All functions run inside the caller's transaction.
public enum ChangeLog {
    /// What happened to one change handed to ``apply(_:in:)``.
    public enum Outcome: Equatable, Sendable {
        /// Stored at this log position.
        case applied(seq: Int64)
        /// Stored before; nothing changed.
        case duplicate
    }

    /// Appends the changes to the log and merges them into the derived state.
    ///
    /// Duplicates (same change id) are ignored, so a retried push is harmless. Each field's
    /// stored versions are read once, and its conflicts worked out once, whatever the batch size.
    @discardableResult
    public static func apply(_ changes: [Change], in db: any SQLDatabase) throws -> [Outcome] {
        var batch = try Batch(keys: Set(changes.lazy.map(\.key)), in: db)
        for change in changes { try batch.add(change, in: db) }
        return try batch.finish(in: db).outcomes
    }

    /// Appends one change and merges it; see ``apply(_:in:)``.
    @discardableResult
    public static func apply(_ change: Change, in db: any SQLDatabase) throws -> Outcome {
        try apply([change], in: db)[0]
    }

    /// Every version of one field stored so far.
    public static func versions(of key: FieldKey, in db: any SQLDatabase) throws -> [FieldVersion] {
        try db.fetchAll(
            "SELECT device, dseq, hlc, base, value FROM change_log WHERE entity = ? AND entity_id = ? AND field = ?",
            [key.entity.rawValue, key.entityId, key.field]
        ).map(fieldVersion)
    }

    /// Every version stored so far of each of these fields, for the fields that have any.
    ///
    /// The keys go in as `VALUES` lists (see ``inRuns(of:_:in:_:)``) that meet the log's field index.
    public static func versions(of keys: Set<FieldKey>, in db: any SQLDatabase) throws -> [FieldKey: [FieldVersion]] {
        var result: [FieldKey: [FieldVersion]] = [:]
        var values: [SQLValue] = []
        values.reserveCapacity(keys.count * 3)
        for key in keys { values += [.text(key.entity.rawValue), .text(key.entityId), .text(key.field)] }
        try inRuns(of: 3, values, in: db) { rows, arguments in
            for row in try db.fetchAll(versionsStatement.text(rows: rows), arguments) {
                let key = FieldKey(entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"], field: row["field"])
                result[key, default: []].append(try fieldVersion(row))
            }
        }
        return result
    }

    private static let versionsStatement = RunStatement { rows in
        """
        SELECT l.entity, l.entity_id, l.field, l.device, l.dseq, l.hlc, l.base, l.value
        FROM (VALUES \(RunStatement.placeholders(rows: rows, columns: 3))) AS k
        JOIN change_log l ON l.entity = k.column1 AND l.entity_id = k.column2 AND l.field = k.column3
        """
    }

    /// Runs `body` on runs of rows of `width` values each, for statements that take many rows at once
    /// (`VALUES (?, ?), (?, ?)`).
    ///
    /// On SQLite, where a statement is prepared once per text and kept, runs are sized as powers of two
    /// up to 64 (64, …, 2, 1): at most seven texts per statement, whatever the number of rows. On
    /// PostgreSQL, where a statement's cost is its round trip, a run is up to 1,000 rows (well inside
    /// its 65,535 parameters): a push of 48 changes appends in one statement.
    static func inRuns(of width: Int, _ values: [SQLValue], in db: any SQLDatabase, _ body: (Int, SQLArguments) throws -> Void) throws {
        var start = 0
        while start < values.count {
            let left = (values.count - start) / width
            var rows: Int
            switch db.dialect {
            case .sqlite:
                rows = 64
                while rows > left { rows /= 2 }
            case .postgres:
                rows = min(left, 1_000)
            }
            let end = start + rows * width
            try body(rows, SQLArguments(Array(values[start..<end])))
            start = end
        }
    }

    /// Empties the derived tables and merges the whole log again.
    public static func rebuildDerivedState(_ db: any SQLDatabase) throws {
        try db.run("DELETE FROM field_state")
        try db.run("DELETE FROM conflict")
        var fields: [FieldKey: [Logged]] = [:]
        for row in try db.fetchAll("SELECT * FROM change_log ORDER BY seq") {
            let change = try ChangeLog.change(row)
            fields[change.key, default: []].append(Logged(change: change, seq: row["seq"]))
        }
        for (key, logged) in fields {
            try writeDerivedState(of: key, from: logged, in: db)
        }
    }

    /// A change as the log holds it, with its log position.
    struct Logged {
        var change: Change
        var seq: Int64
    }

    /// Writes one field's value and kept conflicts, merged from every version of it in log order.
    ///
    /// The value is the version with the greatest clock (the first logged of equals) and the
    /// conflicts are ``Merge/losers(_:)``: the same as merging change by change, as the rule's
    /// result depends only on the set of versions. O(n log n) in the field's versions.
    static func writeDerivedState(of key: FieldKey, from logged: [Logged], in db: any SQLDatabase) throws {
        let versions = logged.map(\.change.version)
        let byID = Dictionary(logged.map { ($0.change.id, $0) }, uniquingKeysWith: { first, _ in first })
        if let current = Merge.current(versions), let entry = byID[current.id] {
            try db.run(
                "INSERT INTO field_state (entity, entity_id, field, scope, value, hlc, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    key.entity.rawValue, key.entityId, key.field, entry.change.scope.rawValue, current.value?.canonicalJSON, current.hlc.encoded,
                    entry.seq,
                ]
            )
        }
        for loser in Merge.losers(versions) {
            if let entry = byID[loser] {
                try db.run(
                    "INSERT INTO conflict (loser_seq, loser_id, scope, entity, entity_id, field) VALUES (?, ?, ?, ?, ?, ?)",
                    [entry.seq, loser.description, entry.change.scope.rawValue, key.entity.rawValue, key.entityId, key.field]
                )
            }
        }
    }

    static func fieldVersion(_ row: SQLRow) throws -> FieldVersion {
        let device: String = row["device"]
        let hlcText: String = row["hlc"]
        guard let deviceID = DeviceID(rawValue: device), let hlc = HLC(encoded: hlcText) else {
            throw ChangeLogError.corruptRow("device \(device), clock \(hlcText)")
        }
        let baseText: String? = row["base"]
        let valueText: String? = row["value"]
        return FieldVersion(
            id: ChangeID(device: deviceID, seq: row["dseq"]),
            hlc: hlc,
            base: try baseText.map { text in
                guard let base = HLC(encoded: text) else { throw ChangeLogError.corruptRow("base \(text)") }
                return base
            },
            value: try valueText.map { try JSONValue(json: $0) }
        )
    }

    /// Decodes a full `change_log` row.
    public static func change(_ row: SQLRow) throws -> Change {
        let version = try fieldVersion(row)
        let scopeText: String = row["scope"]
        guard let scope = Scope(rawValue: scopeText) else { throw ChangeLogError.corruptRow("scope \(scopeText)") }
        return Change(
            id: version.id, scope: scope, entity: Entity(rawValue: row["entity"]), entityId: row["entity_id"],
            field: row["field"], value: version.value, hlc: version.hlc, base: version.base, author: UserID(row["author"] as String)
        )
    }
}

/// The stored log could not be read back.
public enum ChangeLogError: Error, CustomStringConvertible {
    case corruptRow(String)

    public var description: String {
        switch self {
        case .corruptRow(let what): return "The change log holds a row that cannot be read (\(what)); restore from a backup."
        }
    }
}

/// A statement that takes a run of rows (see ``ChangeLog/inRuns(of:_:in:_:)``): its text for a number
/// of rows, made once for the run sizes SQLite uses (its statement cache finds them by their text).
struct RunStatement: Sendable {
    private let make: @Sendable (Int) -> String
    private let made: [Int: String]

    init(_ make: @escaping @Sendable (Int) -> String) {
        self.make = make
        made = Dictionary(uniqueKeysWithValues: [1, 2, 4, 8, 16, 32, 64].map { ($0, make($0)) })
    }

    func text(rows: Int) -> String { made[rows] ?? make(rows) }

    /// `(?, ?), (?, ?)`: `rows` rows of `columns` placeholders.
    static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
