import Crypto
import Foundation
import GRDB
import LogStore
import Secrets
import Shared

/// The server's store, on SQLite (one file through GRDB: WAL, `synchronous = FULL`, so an acknowledged
/// change is on disk) or PostgreSQL (several server nodes on one database). Its SQL is written once,
/// against ``SQLDatabase``; the ``SQLEngine`` opens the transactions.
///
/// Several processes may open the same database (the server's nodes and `veldwerk-server admin …`):
/// every write is one transaction, writes run one at a time, and server-authored changes take their
/// sequence number and clock inside it.
final class SQLServerStore: ServerStore {
    /// Where every transaction runs.
    let engine: any SQLEngine
    /// The SQLite file's pool, on SQLite (backups, VACUUM); nil on PostgreSQL.
    let sqlitePool: DatabasePool?
    /// Pushes arriving together share one transaction and one fsync (notes of a credential's last use join them).
    let pushes: GroupCommit
    private let questionnaires = QuestionnaireCache()
    /// Longest one push may spend merging (see ``ServerConfig/pushBudget``).
    let pushBudget: TimeInterval
    /// The change log's history this database holds (see `SQLServerStore+Backup.swift`).
    let logEpoch: String
    /// Seals personal values on their way in and opens them on their way out (nothing without a key).
    let sealing: PersonalDataSealing

    private init(
        engine: any SQLEngine, sqlitePool: DatabasePool?, logEpoch: String, pushBudget: TimeInterval, metrics: ServerMetrics?, sealing: PersonalDataSealing
    ) {
        self.engine = engine
        self.sqlitePool = sqlitePool
        self.logEpoch = logEpoch
        self.pushBudget = pushBudget
        self.sealing = sealing
        pushes = GroupCommit(engine: engine, metrics: metrics)
    }

    /// Opens (and migrates) the SQLite database at `path`.
    ///
    /// - Parameters:
    ///   - metrics: where the group commit counts its sizes and waits (`GET /metrics`).
    ///   - personalDataKey: the server's personal-data key (`--personal-data-key`): personal values are stored sealed under it.
    ///   - sealingClearValues: true for `admin encrypt-personal-data` only: a first key is accepted while values are in clear.
    /// - Throws: ``PersonalDataKeyError`` when the key is wrong, missing while values are sealed, or new while values are in clear.
    convenience init(
        path: String, pushBudget: TimeInterval = ServerConfig.defaultPushBudget, metrics: ServerMetrics? = nil, personalDataKey: SymmetricKey? = nil,
        sealingClearValues: Bool = false
    ) throws {
        let sealing = PersonalDataSealing(seal: personalDataKey.map(PersonalValueSeal.init(dataKey:)))
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool.durable(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        // Changed only by a restore, which no running server sees (``ServeLock``).
        let epoch = try pool.read { db in try Self.logEpoch(in: db) }
        if let seal = sealing.seal {
            try pool.write { db in try Self.checkPersonalDataKey(seal, sealingClearValues: sealingClearValues, in: db) }
        } else {
            try pool.read { db in try Self.checkPersonalDataKey(nil, sealingClearValues: false, in: db) }
        }
        self.init(engine: SQLiteEngine(pool: pool), sqlitePool: pool, logEpoch: epoch, pushBudget: pushBudget, metrics: metrics, sealing: sealing)
    }

    /// Opens the store on PostgreSQL when `postgres` is given, and otherwise on the SQLite file at `sqlitePath`.
    static func open(
        sqlitePath: String, postgres: PostgresURL?, connections: Int = 8, pushBudget: TimeInterval = ServerConfig.defaultPushBudget,
        metrics: ServerMetrics? = nil, personalDataKey: SymmetricKey? = nil, sealingClearValues: Bool = false
    ) async throws -> SQLServerStore {
        if let postgres {
            return try await connect(
                postgres: postgres, connections: connections, pushBudget: pushBudget, metrics: metrics, personalDataKey: personalDataKey,
                sealingClearValues: sealingClearValues
            )
        }
        return try SQLServerStore(
            path: sqlitePath, pushBudget: pushBudget, metrics: metrics, personalDataKey: personalDataKey, sealingClearValues: sealingClearValues
        )
    }

    /// Connects to (and migrates) the PostgreSQL database at `url`; the parameters as for SQLite.
    ///
    /// - Parameter connections: at most this many connections (and transactions) at once from this process.
    static func connect(
        postgres url: PostgresURL, connections: Int = 8, pushBudget: TimeInterval = ServerConfig.defaultPushBudget, metrics: ServerMetrics? = nil,
        personalDataKey: SymmetricKey? = nil, sealingClearValues: Bool = false, beforeCommit: (@Sendable (any SQLDatabase) throws -> Void)? = nil
    ) async throws -> SQLServerStore {
        let sealing = PersonalDataSealing(seal: personalDataKey.map(PersonalValueSeal.init(dataKey:)))
        let engine = try PostgresEngine(url: url, connections: connections, beforeCommit: beforeCommit)
        try await PostgresSchema.migrate(engine)
        let epoch = try await engine.read { db in try Self.logEpoch(in: db) }
        if let seal = sealing.seal {
            try await engine.write { db in try Self.checkPersonalDataKey(seal, sealingClearValues: sealingClearValues, in: db) }
        } else {
            try await engine.read { db in try Self.checkPersonalDataKey(nil, sealingClearValues: false, in: db) }
        }
        return SQLServerStore(engine: engine, sqlitePool: nil, logEpoch: epoch, pushBudget: pushBudget, metrics: metrics, sealing: sealing)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        ChangeLog.registerMigrations(&migrator)
        migrator.registerMigration("server-v1") { db in
            try db.execute(sql: """
                    CREATE TABLE "user" (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL CHECK (length(name) > 0),
                        email TEXT,
                        role TEXT NOT NULL CHECK (role IN ('interviewer', 'coordinator', 'researcher', 'admin')),
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE device (
                        id TEXT PRIMARY KEY,
                        user_id TEXT NOT NULL REFERENCES "user" (id),
                        name TEXT NOT NULL,
                        token_hash TEXT NOT NULL UNIQUE,
                        created_at REAL NOT NULL,
                        last_sync_at REAL,
                        clock_offset_ms INTEGER,
                        revoked_at REAL
                    );
                    CREATE TABLE api_token (
                        token_hash TEXT PRIMARY KEY,
                        user_id TEXT NOT NULL REFERENCES "user" (id),
                        created_at REAL NOT NULL,
                        revoked_at REAL
                    );
                    CREATE TABLE enrolment_code (
                        code_hash TEXT PRIMARY KEY,
                        user_id TEXT NOT NULL REFERENCES "user" (id),
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL,
                        used_at REAL,
                        device_id TEXT
                    );
                    CREATE TABLE quarantine (
                        change_id TEXT PRIMARY KEY,
                        device TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        change TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        received_at REAL NOT NULL,
                        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'discarded'))
                    );
                    CREATE TABLE server_clock (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        last TEXT NOT NULL
                    );
                    """
            )
        }
        registerDashboardMigrations(&migrator)
        registerExportMigrations(&migrator)
        registerClockMigrations(&migrator)
        registerCredentialMigrations(&migrator)
        registerAddressMigrations(&migrator)
        registerPersonalDataMigrations(&migrator)
        registerBackupMigrations(&migrator)
        registerThrottleMigrations(&migrator)
        registerPersonalDataKeyMigrations(&migrator)
        return migrator
    }

    // MARK: Study

    func loadStudyIfEmpty(roster: Roster, questionnaire: Questionnaire, now: Date) async throws -> Bool {
        let definition = try JSONValue(encoding: questionnaire)
        let rows = try roster.municipalities.map { municipality in
            FieldEdit(
                scope: .global, entity: .municipality, entityId: "\(municipality.nis)@\(municipality.validFrom)",
                field: "record", value: try JSONValue(encoding: municipality)
            )
        }
        return try await engine.write { db in
            let loaded = try db.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM field_state WHERE entity = 'questionnaire')") ?? false
            guard !loaded else { return false }
            let form = FieldEdit(
                scope: .global, entity: .questionnaire, entityId: "\(questionnaire.id)@\(questionnaire.version)",
                field: "definition", value: definition
            )
            _ = try Self.author(rows + [form], by: .system, now: now, sealing: self.sealing, in: db)
            return true
        }
    }

    // MARK: People and laptops

    func principal(forTokenHash hash: String) async throws -> Principal? {
        try await engine.read { db in
            if let row = try db.fetchOne("""
                    SELECT u.id, u.name, u.role, d.id AS device FROM device d JOIN "user" u ON u.id = d.user_id
                    WHERE d.token_hash = ? AND d.revoked_at IS NULL
                    """,
                [hash]
            ) {
                return Self.principal(row)
            }
            if let row = try db.fetchOne("""
                    SELECT u.id, u.name, u.role, NULL AS device FROM api_token t JOIN "user" u ON u.id = t.user_id
                    WHERE t.token_hash = ? AND t.revoked_at IS NULL
                    """,
                [hash]
            ) {
                return Self.principal(row)
            }
            return nil
        }
    }

    private static func principal(_ row: SQLRow) -> Principal? {
        guard let role = Role(rawValue: row["role"]) else { return nil }
        let device: String? = row["device"]
        return Principal(user: UserID(row["id"] as String), name: row["name"], role: role, device: device.flatMap(DeviceID.init(rawValue:)))
    }

    func createUser(name: String, role: Role, email: String?, now: Date) async throws -> User {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError.invalid("A user needs a name.") }
        try DomainError.checkControlCharacters(name, in: "The name")
        try DomainError.checkControlCharacters(email, in: "The e-mail address")
        let user = User(id: UserID("u-" + DeviceID.random().rawValue.dropFirst(2)), name: trimmed, email: email, role: role)
        try await engine.write { db in
            try db.run("INSERT INTO \"user\" (id, name, email, role, created_at) VALUES (?, ?, ?, ?, ?)",
                [user.id.rawValue, user.name, user.email, user.role.rawValue, now.timeIntervalSince1970]
            )
        }
        return user
    }

    func user(_ id: UserID) async throws -> User? {
        try await engine.read { db in try Self.user(id, in: db) }
    }

    private static func user(_ id: UserID, in db: any SQLDatabase) throws -> User? {
        guard let row = try db.fetchOne("SELECT * FROM \"user\" WHERE id = ?", [id.rawValue]),
            let role = Role(rawValue: row["role"])
        else { return nil }
        return User(id: id, name: row["name"], email: row["email"], role: role)
    }

    func issueAPIToken(for user: UserID, now: Date) async throws -> String {
        let token = Secret.newToken()
        try await engine.write { db in
            guard try Self.user(user, in: db) != nil else { throw DomainError.notFound("There is no user \(user).") }
            try db.run("INSERT INTO api_token (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                [Secret.hash(token), user.rawValue, now.timeIntervalSince1970]
            )
        }
        return token
    }

    func issueEnrolmentCode(for user: UserID, lifetime: TimeInterval, now: Date) async throws -> EnrolmentCode {
        let code = Secret.newEnrolmentCode()
        let expiresAt = now.addingTimeInterval(lifetime)
        try await engine.write { db in
            guard try Self.user(user, in: db) != nil else {
                throw DomainError.notFound("There is no user \(user); list users or create one first.")
            }
            try Self.endUnusedEnrolmentCodes(of: user, now: now, in: db)
            try db.run("INSERT INTO enrolment_code (code_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                [Secret.hash(Secret.normalisedCode(code)), user.rawValue, now.timeIntervalSince1970, expiresAt.timeIntervalSince1970]
            )
        }
        return EnrolmentCode(code: code, user: user, expiresAt: expiresAt)
    }

    func enrol(code: String, deviceName: String, now: Date) async throws -> EnrolResponse {
        let token = Secret.newToken()
        let device = DeviceID.random()
        return try await engine.write { db in
            let hash = Secret.hash(Secret.normalisedCode(code))
            guard let row = try db.fetchOne("SELECT * FROM enrolment_code WHERE code_hash = ?", [hash]) else {
                throw DomainError.unauthorized(localized(
                    nl: "Deze aanmeldcode is onbekend. Controleer ze op tikfouten, of vraag een coördinator om een nieuwe.",
                    en: "This enrolment code is not known. Check it for typos, or ask a coordinator for a new one."
                ))
            }
            let usedAt: Double? = row["used_at"]
            guard usedAt == nil else {
                throw DomainError.unauthorized(localized(
                    nl: "Deze aanmeldcode werd al gebruikt; elke code meldt één laptop aan. Vraag een coördinator om een nieuwe.",
                    en: "This enrolment code was used already; each code enrols one laptop. Ask a coordinator for a new one."
                ))
            }
            let expiresAt: Double = row["expires_at"]
            guard now.timeIntervalSince1970 < expiresAt else {
                throw DomainError.unauthorized(localized(
                    nl: "Deze aanmeldcode is verlopen, of een nieuwere code voor dezelfde persoon verving ze; gebruik de nieuwste code, of vraag een coördinator om een nieuwe.",
                    en: "This enrolment code expired, or a newer code for the same person replaced it; use the newest code, or ask a coordinator for a new one."
                ))
            }
            let userID = UserID(row["user_id"] as String)
            guard let user = try Self.user(userID, in: db) else { throw DomainError.unauthorized(localized(nl: "De gebruiker van deze code bestaat niet meer.", en: "The user of this code no longer exists.")) }
            try db.run("UPDATE enrolment_code SET used_at = ?, device_id = ? WHERE code_hash = ?",
                [now.timeIntervalSince1970, device.rawValue, hash]
            )
            try db.run("INSERT INTO device (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                [device.rawValue, userID.rawValue, deviceName, Secret.hash(token), now.timeIntervalSince1970]
            )
            return EnrolResponse(
                user: UserSummary(id: user.id, name: user.name, role: user.role), device: device, token: token,
                serverTime: now.millisecondsSince1970
            )
        }
    }

    // MARK: Assignments

    func assign(_ nisCodes: [String], to user: UserID, by author: Principal, now: Date) async throws -> [Change] {
        try await engine.write { db in
            guard let target = try Self.user(user, in: db) else { throw DomainError.notFound("There is no user \(user).") }
            guard target.role == .interviewer else {
                throw DomainError.invalid("\(target.name) is a \(target.role.rawValue); only interviewers are assigned municipalities.")
            }
            let known = try Set(db.values(String.self, "SELECT DISTINCT \(db.dialect.jsonText("value", "nis")) FROM field_state WHERE entity = 'municipality'"))
            for nis in nisCodes where !known.contains(nis) {
                throw DomainError.invalid("Unknown municipality \(nis): use a NIS code from the roster (e.g. 11001 for Aartselaar).", code: "unknown_municipality")
            }
            let edits = nisCodes.map { nis in
                FieldEdit(scope: .municipality(nis), entity: .assignment, entityId: nis, field: "interviewer", value: .string(user.rawValue))
            }
            return try Self.author(edits, by: author.user, now: now, sealing: self.sealing, in: db)
        }
    }

    // MARK: Sync

    func push(_ changes: [Change], from principal: Principal, now: Date, clockOffsetMs: Int64?) async throws -> PushResult {
        // A sync with nothing to push only notes its time: that need not wait for the disk.
        try await pushes.write(durable: !changes.isEmpty) { [questionnaires, pushBudget, sealing] db in
            var result = PushResult()
            // Validation reads plain values; what is stored is sealed.
            var sealer = sealing.sealer(db)
            let lookup = SQLValidationLookup(db: db, cache: questionnaires, sealing: sealing)
            var validator = ChangeValidator(principal: principal, lookup: lookup)
            var maxClock: HLC?
            let stored = try Self.storedIDs(among: changes.map(\.id), in: db)
            let deadline = ContinuousClock.now + .milliseconds(Int64(pushBudget * 1000))
            var merge = try ChangeLog.Batch(keys: Set(changes.lazy.filter { !stored.contains($0.id) }.map(\.key)), in: db)
            for (index, change) in changes.enumerated() {
                if index % 64 == 63 {
                    if ContinuousClock.now > deadline { throw DomainError.pushTooSlow(changes: changes.count, budget: pushBudget) }
                    if ServerDrain.isDraining { throw DomainError.serverStopping }
                }
                if stored.contains(change.id) {
                    result.accepted.append(change.id)
                    continue
                }
                switch try validator.check(change) {
                case .accept:
                    try merge.add(try sealer.seal(change), in: db)
                    result.accepted.append(change.id)
                    maxClock = max(maxClock ?? change.hlc, change.hlc)
                case .reject(let code, let reason):
                    result.rejected.append(Rejection(changeId: change.id, code: code, reason: reason))
                case .quarantine(let reason):
                    try Self.quarantine(try sealer.seal(change), reason: reason, now: now, in: db)
                    result.rejected.append(Rejection(changeId: change.id, code: .quarantined, reason: reason))
                }
            }
            let merged = try merge.finish(in: db)
            result.merged = merged.merged
            result.conflictsKept = merged.conflictsKept
            guard ContinuousClock.now <= deadline else { throw DomainError.pushTooSlow(changes: changes.count, budget: pushBudget) }
            if let maxClock { try Self.receive(maxClock, now: now, in: db) }
            if let device = principal.device, let clockOffsetMs {
                try Self.recordSync(device: device, at: now, clockOffsetMs: clockOffsetMs, in: db)
            }
            return result
        }
    }

    /// Which of these change ids the log holds already (a retried push): one range scan of the
    /// `(device, dseq)` index per device, between the push's lowest and highest sequence numbers (a
    /// laptop's push is a run of consecutive ones), so one query instead of one per change. However far
    /// apart a device puts its numbers, the scan reads only that device's own changes.
    private static func storedIDs(among ids: [ChangeID], in db: any SQLDatabase) throws -> Set<ChangeID> {
        var stored = Set<ChangeID>()
        for (device, sequence) in Dictionary(grouping: ids, by: \.device) {
            let wanted = Set(sequence.map(\.seq))
            guard let low = wanted.min(), let high = wanted.max() else { continue }
            let found = try db.values(Int64.self, "SELECT dseq FROM change_log WHERE device = ? AND dseq BETWEEN ? AND ?", [device.rawValue, low, high])
            for seq in found where wanted.contains(seq) { stored.insert(ChangeID(device: device, seq: seq)) }
        }
        return stored
    }

    func readableScopes(for principal: Principal) async throws -> [Scope] {
        try await engine.read { db in try Self.readableScopes(for: principal, in: db) }
    }

    static func readableScopes(for principal: Principal, in db: any SQLDatabase) throws -> [Scope] {
        let nisCodes: [String]
        if principal.role.canCoordinate {
            nisCodes = try db.values(String.self, "SELECT entity_id FROM field_state WHERE entity = 'assignment' AND field = 'interviewer' ORDER BY entity_id")
        } else {
            nisCodes = try db.values(String.self, "SELECT entity_id FROM field_state WHERE entity = 'assignment' AND field = 'interviewer' AND value = ? ORDER BY entity_id",
                [JSONValue.string(principal.user.rawValue).canonicalJSON]
            )
        }
        return [.global] + nisCodes.map(Scope.municipality)
    }

    func pull(scopes: [Scope], cursors: [String: Int64], excluding device: DeviceID?, limit: Int) async throws -> PullResult {
        // Sealed values go out opened (over TLS); the laptop seals them again under its own key.
        let opened: (@Sendable (Entity, String, String, String) throws -> String)?
        if sealing.seal == nil {
            opened = nil
        } else {
            opened = { [sealing] entity, id, field, stored in try sealing.openText(entity: entity, entityId: id, field: field, stored: stored) }
        }
        return try await engine.read { db in
            var result = PullResult()
            var budget = limit
            for scope in scopes {
                let start = cursors[scope.rawValue] ?? 0
                guard budget > 0 else {
                    result.cursors[scope.rawValue] = start
                    result.more = true
                    continue
                }
                let rows = try ChangeLog.wireChanges(in: scope, after: start, limit: budget, value: opened, in: db)
                budget -= rows.count
                if budget == 0 { result.more = true }
                result.cursors[scope.rawValue] = rows.last?.seq ?? start
                result.changes += rows.lazy.filter { $0.id.device != device }
            }
            return result
        }
    }

    func recordSync(device: DeviceID, at: Date, clockOffsetMs: Int64) async throws {
        try await engine.write { db in try Self.recordSync(device: device, at: at, clockOffsetMs: clockOffsetMs, in: db) }
    }

    private static func recordSync(device: DeviceID, at: Date, clockOffsetMs: Int64, in db: any SQLDatabase) throws {
        try db.run("UPDATE device SET last_sync_at = ?, clock_offset_ms = ? WHERE id = ?",
            [at.timeIntervalSince1970, clockOffsetMs, device.rawValue]
        )
    }

    // MARK: Interviews

    func editInterview(_ id: Interview.ID, fields: [String: JSONValue?], by author: Principal, now: Date) async throws -> [Change] {
        try await engine.write { [sealing, questionnaires] db in
            let key = id.uuidString.lowercased()
            let current = try sealing.fields(of: .interview, id: key, in: db)
            guard let nis = current[Interview.Field.municipality]?.stringValue else {
                throw DomainError.notFound("There is no interview \(key) on the server (has its laptop synced?).")
            }
            let interview = Interview(id: id, fields: current)
            let lookup = SQLValidationLookup(db: db, cache: questionnaires, sealing: sealing)
            var answers = interview.answers
            for (name, value) in fields where name.hasPrefix(Interview.Field.answerPrefix) {
                answers[String(name.dropFirst(Interview.Field.answerPrefix.count))] = value ?? nil
            }
            var edited = current
            let edits = try fields.keys.sorted().map { name in
                let value = fields[name] ?? nil
                switch WriteAuthority.check(scope: .municipality(nis), entity: .interview, field: name, value: value, role: author.role, author: author.user) {
                case .allowed: break
                case .forbidden(let reason): throw DomainError.forbidden(reason)
                case .invalid(let reason): throw DomainError.invalid(reason)
                }
                try ChangeValidator.checkInterviewEdit(
                    field: name, value: value, interview: interview, answers: answers, fields: edited, lookup: lookup, scopeNIS: nis
                )
                edited[name] = value ?? .null
                return FieldEdit(scope: .municipality(nis), entity: .interview, entityId: key, field: name, value: value)
            }
            return try Self.author(edits, by: author.user, now: now, sealing: sealing, in: db)
        }
    }

    func interviewDetail(_ id: Interview.ID) async throws -> InterviewDetail? {
        try await engine.read { [sealing] db in
            let key = id.uuidString.lowercased()
            let fields = try sealing.fields(of: .interview, id: key, in: db)
            guard !fields.isEmpty else { return nil }
            let interview = Interview(id: id, fields: fields)
            return InterviewDetail(
                interview: interview, reviewStatus: try Self.reviewStatus(ofInterview: key, review: interview.review, in: db),
                conflicts: try ChangeLog.conflicts(openOnly: false, entity: .interview, entityId: key, in: db).map { try sealing.open($0) },
                history: try ChangeLog.history(of: .interview, id: key, in: db).map { try sealing.open($0) }
            )
        }
    }

    func conflicts(openOnly: Bool) async throws -> [KeptConflict] {
        try await engine.read { [sealing] db in try ChangeLog.conflicts(openOnly: openOnly, in: db).map { try sealing.open($0) } }
    }

    // MARK: Server-authored changes

    /// Writes edits as changes of the server's own device: sequence number and clock taken inside the transaction.
    ///
    /// Personal values are stored sealed under `sealing`'s key; the changes returned hold them as given.
    /// Without a key (`.none`) in a database whose values are sealed, refuses (``PersonalDataKeyError/missing``).
    static func author(_ edits: [FieldEdit], by author: UserID, now: Date, sealing: PersonalDataSealing = .none, in db: any SQLDatabase) throws -> [Change] {
        var clock = try serverClock(in: db)
        var seq = try db.value(Int64.self, "SELECT MAX(dseq) FROM change_log WHERE device = ?", [DeviceID.server.rawValue]) ?? 0
        let sealed = try sealing.sealed(edits, in: db)
        let changes = try ChangeLog.author(sealed, lastSeq: &seq, clock: &clock, author: author, physical: now.millisecondsSince1970, in: db)
        try save(clock, in: db)
        return zip(changes, edits).map { change, edit in change.withValue(edit.value) }
    }

    /// Keeps a change for a coordinator: its device no longer holds the scope, or was revoked.
    static func quarantine(_ change: Change, reason: String, now: Date, in db: any SQLDatabase) throws {
        try db.run("""
                INSERT INTO quarantine (change_id, device, scope, change, reason, received_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """,
            [
                change.id.description, change.id.device.rawValue, change.scope.rawValue,
                String(decoding: try JSONEncoder().encode(change), as: UTF8.self), reason, now.timeIntervalSince1970,
            ]
        )
    }

    private static func serverClock(in db: any SQLDatabase) throws -> HybridClock {
        let last = try db.value(String.self, "SELECT last FROM server_clock WHERE id = 1").flatMap(HLC.init(encoded:))
        return HybridClock(device: .server, last: last)
    }

    /// Moves the server's clock past a received one, in one statement (a push holds the writer while it
    /// runs): the stored clock becomes the later of itself and the received clock as this server would
    /// receive it from a clock at zero. Later than every received clock is all the next ``author(_:by:now:sealing:in:)``
    /// needs: it ticks past the stored clock. (HLC text sorts as the clocks do.)
    private static func receive(_ remote: HLC, now: Date, in db: any SQLDatabase) throws {
        var received = HybridClock(device: .server)
        received.receive(remote, physical: now.millisecondsSince1970)
        try db.run(
            "INSERT INTO server_clock (id, last) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last = \(db.dialect.greater("server_clock.last", "excluded.last"))",
            [received.last.encoded]
        )
    }

    private static func save(_ clock: HybridClock, in db: any SQLDatabase) throws {
        try db.run("INSERT INTO server_clock (id, last) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last = excluded.last",
            [clock.last.encoded]
        )
    }
}
