import Foundation
import Shared

extension ChangeLog {
    /// A run of changes merged into the log inside one transaction (a push, a pull page).
    ///
    /// Each change is appended and, when it becomes a field's value, written to `field_state` at
    /// once, so checks that read the state between changes see the earlier ones. Conflicts are
    /// worked out once per field in ``finish(in:)``: the losers of everything stored plus the
    /// batch, minus the losers before it (losers only grow as versions are added). The fields'
    /// stored versions are read once, when the batch starts. O(n log n) per field in all.
    public struct Batch {
        private struct Field {
            /// Every version stored before the batch.
            var history: [FieldVersion]
            /// The field's value so far.
            var current: FieldVersion?
            /// The versions the batch added.
            var added: [FieldVersion] = []
        }

        private var fields: [FieldKey: Field]

        /// Starts a batch that may touch these fields (others are read when first touched).
        public init(keys: Set<FieldKey>, in db: any SQLDatabase) throws {
            fields = try ChangeLog.versions(of: keys, in: db).mapValues { Field(history: $0, current: Merge.current($0)) }
            for key in keys where fields[key] == nil {
                fields[key] = Field(history: [], current: nil)
            }
        }

        /// The clock of the field's value so far (what ``ChangeLog/currentClock(of:in:)`` reads from
        /// `field_state`), for a field the batch was started with or has touched.
        public func currentClock(of key: FieldKey) -> HLC? {
            fields[key]?.current?.hlc
        }

        /// Appends one change and, when it becomes its field's value, writes that value.
        @discardableResult
        public mutating func apply(_ change: Change, in db: any SQLDatabase) throws -> Outcome {
            let valueText = change.value?.canonicalJSON
            let index: Dictionary<FieldKey, Field>.Index
            var history: [FieldVersion]?
            if let known = fields.index(forKey: change.key) {
                index = known
            } else {
                // A field the batch was not started with: its stored versions (this change's id, if a
                // client reused it, is not one of them).
                history = try ChangeLog.versions(of: change.key, in: db).filter { $0.id != change.id }
                index = fields.endIndex
            }
            let version = change.version
            let current = history.map { Merge.current($0) } ?? fields.values[index].current
            // Whether this change becomes the field's value (when it is new to the log).
            let wins = current.map { version.hlc > $0.hlc } ?? true
            let arguments: SQLArguments = [
                change.id.device.rawValue, change.id.seq, change.scope.rawValue, change.entity.rawValue, change.entityId,
                change.field, valueText, change.hlc.encoded, change.base?.encoded, change.author.rawValue,
            ]
            let inserted: [SQLRow]
            if wins, db.dialect == .postgres {
                // One round trip: the append and the field's new value in one statement (a duplicate
                // appends nothing, so it writes no value either).
                inserted = try db.fetchAll(Self.appendWinning, arguments)
            } else {
                inserted = try db.fetchAll(Self.append, arguments)
            }
            // Stored before (under this field or, from a client that reused an id, another one).
            guard let row = inserted.first else { return .duplicate }
            let seq: Int64 = row[0]

            let position: Dictionary<FieldKey, Field>.Index
            if let history {
                fields[change.key] = Field(history: history, current: Merge.current(history))
                guard let added = fields.index(forKey: change.key) else { return .applied(seq: seq) }
                position = added
            } else {
                position = index
            }
            fields.values[position].added.append(version)
            if wins {
                fields.values[position].current = version
                if db.dialect != .postgres {
                    try db.run(
                        """
                        INSERT INTO field_state (entity, entity_id, field, scope, value, hlc, change_seq)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (entity, entity_id, field) DO UPDATE SET
                            scope = excluded.scope, value = excluded.value, hlc = excluded.hlc, change_seq = excluded.change_seq
                        """,
                        [change.entity.rawValue, change.entityId, change.field, change.scope.rawValue, valueText, change.hlc.encoded, seq]
                    )
                }
            }
            return .applied(seq: seq)
        }

        private static let append = """
            INSERT INTO change_log (device, dseq, scope, entity, entity_id, field, value, hlc, base, author)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING seq
            """

        /// ``append`` and, from what it appended, the field's value: PostgreSQL only (SQLite has no
        /// data-modifying `WITH`).
        private static let appendWinning = """
            WITH appended AS (
                INSERT INTO change_log (device, dseq, scope, entity, entity_id, field, value, hlc, base, author)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                ON CONFLICT DO NOTHING RETURNING seq, entity, entity_id, field, scope, value, hlc
            ), state AS (
                INSERT INTO field_state (entity, entity_id, field, scope, value, hlc, change_seq)
                SELECT entity, entity_id, field, scope, value, hlc, seq FROM appended
                ON CONFLICT (entity, entity_id, field) DO UPDATE SET
                    scope = excluded.scope, value = excluded.value, hlc = excluded.hlc, change_seq = excluded.change_seq
            )
            SELECT seq FROM appended
            """

        /// Keeps the conflicts the batch made: once per field it touched. Returns how many versions it kept as conflicts.
        @discardableResult
        public mutating func finish(in db: any SQLDatabase) throws -> Int {
            var kept = 0
            let keep = """
                INSERT INTO conflict (loser_seq, loser_id, scope, entity, entity_id, field)
                SELECT seq, device || ':' || dseq, scope, entity, entity_id, field FROM change_log WHERE device = ? AND dseq = ?
                ON CONFLICT DO NOTHING
                """
            for index in fields.indices where !fields.values[index].added.isEmpty {
                let field = fields.values[index]
                // Losers only grow: a field that had at most one version had none.
                let before = field.history.count > 1 ? Merge.losers(field.history) : []
                let after = Merge.losers(field.history + field.added)
                for loser in after.subtracting(before).sorted() {
                    kept += try db.run(keep, [loser.device.rawValue, loser.seq])
                }
                fields.values[index].history += field.added
                fields.values[index].added = []
            }
            return kept
        }
    }
}
