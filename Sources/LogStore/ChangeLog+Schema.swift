import GRDB

extension ChangeLog {
    /// Registers the change-log tables with a store's migrator.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("changelog-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE change_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        device TEXT NOT NULL,
                        dseq INTEGER NOT NULL CHECK (dseq > 0),
                        scope TEXT NOT NULL,
                        entity TEXT NOT NULL,
                        entity_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        value TEXT,
                        hlc TEXT NOT NULL,
                        base TEXT,
                        author TEXT NOT NULL,
                        UNIQUE (device, dseq)
                    );
                    CREATE INDEX change_log_by_field ON change_log (entity, entity_id, field);
                    CREATE INDEX change_log_by_scope ON change_log (scope, seq);
                    CREATE TABLE field_state (
                        entity TEXT NOT NULL,
                        entity_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        value TEXT,
                        hlc TEXT NOT NULL,
                        change_seq INTEGER NOT NULL,
                        PRIMARY KEY (entity, entity_id, field)
                    ) WITHOUT ROWID;
                    CREATE INDEX field_state_by_scope ON field_state (scope, entity);
                    CREATE TABLE conflict (
                        loser_seq INTEGER PRIMARY KEY REFERENCES change_log (seq),
                        loser_id TEXT NOT NULL UNIQUE,
                        scope TEXT NOT NULL,
                        entity TEXT NOT NULL,
                        entity_id TEXT NOT NULL,
                        field TEXT NOT NULL
                    );
                    CREATE INDEX conflict_by_field ON conflict (entity, entity_id, field);
                    """
            )
        }
    }
}
