import Foundation
import GRDB
import Shared

extension ChangeLog {
    /// A run of changes merged into the log inside one transaction (a push, a pull page, local edits).
    ///
    /// ``add(_:in:)`` queues a change and keeps the batch's own view of each field's value (what
    /// ``currentClock(of:)`` reads); ``finish(in:)`` writes everything in a few statements per run
    /// of changes (``ChangeLog/inRuns(of:_:in:_:)``): the appends, then each touched field's new value
    /// once, then the conflicts the batch made. Nothing the batch adds is in the tables before
    /// ``finish(in:)``: a caller that checks later changes against earlier ones of the same batch
    /// keeps its own view of them (as the server's `ChangeValidator` does). Conflicts are worked out once per field: the losers of
    /// everything stored plus the batch, minus the losers before it (losers only grow as versions are
    /// added). The fields' stored versions are read once, when the batch starts. O(n log n) per field.
    ///
    /// Statements are few and large because each costs a round trip on PostgreSQL and a prepared
    /// statement's overhead on SQLite: a push of 48 new answers is two statements on PostgreSQL (four on
    /// SQLite), not a hundred.
    public struct Batch {
        private struct Field {
            /// Every version stored before the batch.
            var history: [FieldVersion]
            /// The field's value so far, counting the queued changes.
            var current: FieldVersion?
            /// The queued changes of this field (indices into `queued`), in the order they were added.
            var added: [Int] = []
        }

        /// What ``finish(in:)`` stored.
        public struct Summary: Equatable, Sendable {
            /// One outcome per added change, in the order they were added.
            public var outcomes: [Outcome] = []
            /// How many versions became kept conflicts.
            public var conflictsKept = 0

            /// How many of the added changes were new to the log.
            public var merged: Int {
                outcomes.reduce(0) { count, outcome in if case .applied = outcome { count + 1 } else { count } }
            }
        }

        private var fields: [FieldKey: Field]
        private var queued: [Change] = []

        /// Starts a batch that may touch these fields (others are read when first touched).
        public init(keys: Set<FieldKey>, in db: any SQLDatabase) throws {
            fields = try ChangeLog.versions(of: keys, in: db).mapValues { Field(history: $0, current: Merge.current($0)) }
            for key in keys where fields[key] == nil {
                fields[key] = Field(history: [], current: nil)
            }
        }

        /// The clock of the field's value so far, counting the changes added to the batch (what
        /// `field_state` will hold after ``finish(in:)``), for a field the batch was started with or has touched.
        public func currentClock(of key: FieldKey) -> HLC? {
            fields[key]?.current?.hlc
        }

        /// Queues one change; ``finish(in:)`` stores it.
        public mutating func add(_ change: Change, in db: any SQLDatabase) throws {
            let index: Dictionary<FieldKey, Field>.Index
            if let known = fields.index(forKey: change.key) {
                index = known
            } else {
                // A field the batch was not started with: its stored versions (this change's id, if a
                // client reused it, is not one of them).
                let history = try ChangeLog.versions(of: change.key, in: db).filter { $0.id != change.id }
                fields[change.key] = Field(history: history, current: Merge.current(history))
                guard let added = fields.index(forKey: change.key) else { preconditionFailure("a field was added and is not there") }
                index = added
            }
            fields.values[index].added.append(queued.count)
            queued.append(change)
            if fields.values[index].current.map({ change.hlc > $0.hlc }) ?? true {
                fields.values[index].current = change.version
            }
        }

        /// Stores the queued changes: appends them to the log, writes each touched field's new value
        /// and keeps the conflicts they made. The batch can take more changes afterwards.
        @discardableResult
        public mutating func finish(in db: any SQLDatabase) throws -> Summary {
            var summary = Summary()
            let positions = try append(queued, in: db)
            summary.outcomes.reserveCapacity(queued.count)
            for position in positions { summary.outcomes.append(position.map { .applied(seq: $0) } ?? .duplicate) }
            var winners: [Int64] = []
            var losers: [ChangeID] = []
            for index in fields.indices where !fields.values[index].added.isEmpty {
                let field = fields.values[index]
                if field.history.isEmpty, field.added.count == 1 {
                    // A new field with one version (most of a push): its value, and no conflict.
                    let only = field.added[0]
                    if case .applied(let seq) = summary.outcomes[only] {
                        winners.append(seq)
                        fields.values[index] = Field(history: [queued[only].version], current: queued[only].version)
                    } else {
                        fields.values[index] = Field(history: [], current: nil)
                    }
                    continue
                }
                let stored = field.added.filter { if case .applied = summary.outcomes[$0] { true } else { false } }
                let versions = field.history + stored.map { queued[$0].version }
                let before = Merge.current(field.history)
                let after = Merge.current(versions)
                if let after, after.id != before?.id, let winner = stored.first(where: { queued[$0].id == after.id }),
                    case .applied(let seq) = summary.outcomes[winner]
                {
                    winners.append(seq)
                }
                // Losers only grow: a field that had at most one version had none.
                let losersBefore = field.history.count > 1 ? Merge.losers(field.history) : []
                losers += Merge.losers(versions).subtracting(losersBefore)
                fields.values[index] = Field(history: versions, current: after)
            }
            // Each field's new value is copied from its winning change's log row (bound as its
            // position alone, not its seven values again), in log order.
            queued = []
            try ChangeLog.inRuns(of: 1, winners.sorted().map { .integer($0) }, in: db) { rows, arguments in
                try db.run(Self.writeStates.text(rows: rows), arguments)
            }
            losers.sort { ($0.device.rawValue, $0.seq) < ($1.device.rawValue, $1.seq) }
            try ChangeLog.inRuns(of: 2, losers.flatMap { [SQLValue.text($0.device.rawValue), .integer($0.seq)] }, in: db) { rows, arguments in
                summary.conflictsKept += try db.run(Self.keepConflicts.text(rows: rows), arguments)
            }
            return summary
        }

        /// Appends the changes to the log; returns, for each, its position, or nil when the log held it
        /// already (or an earlier change of the batch had its id).
        private func append(_ changes: [Change], in db: any SQLDatabase) throws -> [Int64?] {
            var arguments: [SQLValue] = []
            arguments.reserveCapacity(changes.count * 10)
            for change in changes {
                arguments += [
                    .text(change.id.device.rawValue), .integer(change.id.seq), .text(change.scope.rawValue), .text(change.entity.rawValue),
                    .text(change.entityId), .text(change.field), change.value.map { .text($0.canonicalJSON) } ?? .null,
                    .text(change.hlc.encoded), change.base.map { .text($0.encoded) } ?? .null, .text(change.author.rawValue),
                ]
            }
            var positions = [Int64?](repeating: nil, count: changes.count)
            var first = 0
            /// Gives each change of the run the position a row read back names (the first change with an id, if twice).
            func assign(_ rows: [SQLRow], run: Range<Int>) throws {
                var stored: [ChangeID: Int64] = [:]
                for row in rows {
                    let device: String = row[1]
                    guard let id = DeviceID(rawValue: device) else { throw ChangeLogError.corruptRow("device \(device)") }
                    stored[ChangeID(device: id, seq: row[2])] = row[0]
                }
                for index in run { positions[index] = stored.removeValue(forKey: changes[index].id) }
            }
            // SQLite numbers new rows past the highest number it ever gave (AUTOINCREMENT), one after
            // the other in the order of a statement's VALUES, and says how many a statement stored and
            // the last one's number: when it stored every row, their numbers follow from those, and no
            // row is read back (RETURNING would build one per change). A skipped row may use up a
            // number, so when some were skipped, the stored ones are read back: those numbered past
            // the highest before the statement.
            let sqlite = db as? Database
            var highest = try sqlite.map { try $0.value(Int64.self, "SELECT MAX(seq) FROM change_log") ?? 0 } ?? 0
            try ChangeLog.inRuns(of: 10, arguments, in: db) { rows, run in
                let range = first..<(first + rows)
                first += rows
                guard let sqlite else {
                    try assign(db.fetchAll(Self.append.text(rows: rows) + " RETURNING seq, device, dseq", run), run: range)
                    return
                }
                let stored = try sqlite.run(Self.append.text(rows: rows), run)
                guard stored > 0 else { return }
                let last = sqlite.lastInsertedRowID
                if stored == rows {
                    for (offset, index) in range.enumerated() { positions[index] = last - Int64(rows - 1 - offset) }
                } else {
                    try assign(sqlite.fetchAll("SELECT seq, device, dseq FROM change_log WHERE seq > ? AND seq <= ?", [highest, last]), run: range)
                }
                highest = last
            }
            return positions
        }

        private static let append = RunStatement { rows in
            """
            INSERT INTO change_log (device, dseq, scope, entity, entity_id, field, value, hlc, base, author)
            VALUES \(RunStatement.placeholders(rows: rows, columns: 10))
            ON CONFLICT DO NOTHING
            """
        }

        private static let writeStates = RunStatement { rows in
            """
            INSERT INTO field_state (entity, entity_id, field, scope, value, hlc, change_seq)
            SELECT entity, entity_id, field, scope, value, hlc, seq FROM change_log WHERE seq IN \(RunStatement.placeholders(rows: 1, columns: rows))
            ON CONFLICT (entity, entity_id, field) DO UPDATE SET
                scope = excluded.scope, value = excluded.value, hlc = excluded.hlc, change_seq = excluded.change_seq
            """
        }

        private static let keepConflicts = RunStatement { rows in
            """
            INSERT INTO conflict (loser_seq, loser_id, scope, entity, entity_id, field)
            SELECT l.seq, l.device || ':' || l.dseq, l.scope, l.entity, l.entity_id, l.field
            FROM (VALUES \(RunStatement.placeholders(rows: rows, columns: 2))) AS k
            JOIN change_log l ON l.device = k.column1 AND l.dseq = k.column2
            ON CONFLICT DO NOTHING
            """
        }
    }
}
