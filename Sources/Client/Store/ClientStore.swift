import Foundation
import GRDB
import LogStore
import Shared

/// The laptop's database: the change log, the outbox of changes the server has not acknowledged, and the profile.
///
/// Every edit is one transaction that appends to the log, merges, and queues the change in the
/// outbox; an outbox row goes only when the server acknowledged the change. `synchronous = FULL`
/// so a saved answer survives a dead battery.
final class ClientStore: Sendable {
    let pool: DatabasePool
    let path: String
    /// Opens the key of personal values when one must be sealed or opened (see `ClientStore+Vault.swift`).
    let vaultAccess: VaultAccess

    /// Opens (creating if needed) the database in `home`.
    init(home: URL) throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        path = home.appendingPathComponent("veldwerk.sqlite").path
        vaultAccess = VaultAccess(home: home)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool.durable(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        ChangeLog.registerMigrations(&migrator)
        migrator.registerMigration("client-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE profile (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        server_url TEXT NOT NULL,
                        token TEXT NOT NULL,
                        device TEXT NOT NULL,
                        user_id TEXT NOT NULL,
                        user_name TEXT NOT NULL,
                        role TEXT NOT NULL,
                        last_seq INTEGER NOT NULL DEFAULT 0,
                        clock TEXT,
                        clock_offset_ms INTEGER NOT NULL DEFAULT 0,
                        last_sync_at REAL
                    );
                    CREATE TABLE outbox (
                        device TEXT NOT NULL,
                        dseq INTEGER NOT NULL,
                        PRIMARY KEY (device, dseq)
                    ) WITHOUT ROWID;
                    CREATE TABLE cursor (
                        scope TEXT PRIMARY KEY,
                        seq INTEGER NOT NULL
                    );
                    CREATE TABLE rejected (
                        change_id TEXT PRIMARY KEY,
                        code TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        at REAL NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("client-v1-login") { db in
            try db.execute(sql: "CREATE TABLE api_login (id INTEGER PRIMARY KEY CHECK (id = 1), login TEXT NOT NULL)")
        }
        registerVaultMigrations(&migrator)
        migrator.registerMigration("client-v2-transport-security") { db in
            // JSON of TransportSecurity; an older profile has none and gets the strict defaults.
            try db.execute(sql: "ALTER TABLE profile ADD COLUMN transport_security TEXT")
        }
        registerLogEpochMigrations(&migrator)
        return migrator
    }

    // MARK: API sign-in (coordinators, researchers, admins)

    func login() throws -> APILogin? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT login FROM api_login WHERE id = 1").map { try JSONDecoder().decode(APILogin.self, from: Data($0.utf8)) }
        }
    }

    func saveLogin(_ login: APILogin) throws {
        let text = String(decoding: try JSONEncoder().encode(login), as: UTF8.self)
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO api_login (id, login) VALUES (1, ?)", arguments: [text])
        }
    }

    // MARK: Profile

    func profile() throws -> Profile? {
        try pool.read { db in try Self.profile(db) }
    }

    private static func profile(_ db: Database) throws -> Profile? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM profile WHERE id = 1"),
            let device = DeviceID(rawValue: row["device"]), let role = Role(rawValue: row["role"])
        else { return nil }
        let lastSync: Double? = row["last_sync_at"]
        let securityText: String? = row["transport_security"]
        let security = try securityText.map { try JSONDecoder().decode(TransportSecurity.self, from: Data($0.utf8)) } ?? TransportSecurity()
        return Profile(
            serverURL: row["server_url"], token: row["token"], device: device, user: UserID(row["user_id"] as String),
            userName: row["user_name"], role: role, lastSyncAt: lastSync.map(Date.init(timeIntervalSince1970:)),
            clockOffsetMs: row["clock_offset_ms"], security: security
        )
    }

    /// The profile, or an error telling the person to enrol first.
    func requireProfile() throws -> Profile {
        guard let profile = try profile() else { throw ClientError.notEnrolled }
        return profile
    }

    /// Stores the result of an enrolment; refuses to overwrite another enrolment with unsynced work.
    func saveEnrolment(server: String, response: EnrolResponse, security: TransportSecurity = TransportSecurity()) throws {
        let securityText = String(decoding: try JSONEncoder().encode(security), as: UTF8.self)
        try pool.write { db in
            if try Self.profile(db) != nil {
                throw ClientError.alreadyEnrolled
            }
            try db.execute(
                sql: """
                    INSERT INTO profile (id, server_url, token, device, user_id, user_name, role, clock_offset_ms, transport_security)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    server, response.token, response.device.rawValue, response.user.id.rawValue, response.user.name, response.user.role.rawValue,
                    response.serverTime - Date().millisecondsSince1970, securityText,
                ]
            )
        }
    }

    // MARK: Edits

    /// Records edits as changes of this laptop in one transaction: log, merge, outbox.
    @discardableResult
    func record(_ edits: [FieldEdit], now: Date = Date()) throws -> [Change] {
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT device, user_id, role, last_seq, clock, clock_offset_ms FROM profile WHERE id = 1"),
                let device = DeviceID(rawValue: row["device"]), let role = Role(rawValue: row["role"])
            else { throw ClientError.notEnrolled }
            // The server checks every change against the same table; what it would refuse is never recorded here.
            let user = UserID(row["user_id"] as String)
            for edit in edits {
                switch WriteAuthority.check(scope: edit.scope, entity: edit.entity, field: edit.field, value: edit.value, role: role, author: user) {
                case .allowed: continue
                case .forbidden(let reason), .invalid(let reason): throw ClientError.invalidInput(localized(nl: "Niet bewaard: ", en: "Not saved: ") + reason)
                }
            }
            var lastSeq: Int64 = row["last_seq"]
            let clockText: String? = row["clock"]
            var clock = HybridClock(device: device, last: clockText.flatMap(HLC.init(encoded:)))
            let offset: Int64 = row["clock_offset_ms"]
            // Personal values reach the database sealed; the caller gets its changes as it made them.
            var sealer = try sealer(db)
            // A new repeat instance's marker written without an order gets the clock of its own change
            // (``RepeatInstance/Marker/order``): the clock ticks once per edit, in order, as below.
            var upcoming = clock
            let physical = now.millisecondsSince1970 + offset
            let edits = edits.map { edit in
                var edit = edit
                let hlc = upcoming.tick(physical: physical)
                if edit.entity == .interview, let (_, question) = RepeatInstance.parseField(edit.field), question == nil,
                   var marker = RepeatInstance.Marker(edit.value), marker.order.isEmpty {
                    marker.order = hlc.encoded
                    edit.value = marker.value
                }
                return edit
            }
            let sealed = try edits.map { edit in
                var edit = edit
                edit.value = try sealer.seal(edit.value, entity: edit.entity, entityId: edit.entityId, field: edit.field)
                return edit
            }
            var changes = try ChangeLog.author(
                sealed, lastSeq: &lastSeq, clock: &clock, author: user,
                physical: physical, in: db
            )
            changes = try changes.map { try sealer.open($0) }
            let queue = try db.cachedStatement(sql: "INSERT INTO outbox (device, dseq) VALUES (?, ?)")
            for change in changes {
                try queue.execute(arguments: [change.id.device.rawValue, change.id.seq])
            }
            try db.execute(sql: "UPDATE profile SET last_seq = ?, clock = ? WHERE id = 1", arguments: [lastSeq, clock.last.encoded])
            return changes
        }
    }

    // MARK: Sync

    /// The changes waiting in the outbox, joined outbox first: the outbox is small and the log may
    /// hold every change of the laptop's scopes, which SQLite would otherwise scan.
    static let outboxChanges = "outbox o CROSS JOIN change_log l ON l.device = o.device AND l.dseq = o.dseq"

    /// The oldest changes waiting for the server, at most `limit`.
    func outbox(limit: Int) throws -> [Change] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT l.* FROM \(ClientStore.outboxChanges)
                    ORDER BY o.dseq LIMIT ?
                    """,
                arguments: [limit]
            )
            // The server gets the values themselves (over TLS); only this laptop's files hold them sealed.
            var sealer = try sealer(db)
            return try rows.map { try sealer.open(try ChangeLog.change($0)) }
        }
    }

    func outboxCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
    }

    func cursors() throws -> [String: Int64] {
        try pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT scope, seq FROM cursor").map { ($0["scope"], $0["seq"]) })
        }
    }

    /// Carries out a sync response in one transaction: drop acknowledged changes from the outbox,
    /// set rejected ones aside (kept in the log, listed by `status`), merge pulled changes, move the
    /// cursors (a scope no longer listed is no longer readable), and correct the clock.
    func commit(_ response: SyncResponse, clockOffsetMs: Int64, now: Date = Date()) throws {
        try pool.write { db in
            let dequeue = try db.cachedStatement(sql: "DELETE FROM outbox WHERE device = ? AND dseq = ?")
            for id in response.accepted {
                try dequeue.execute(arguments: [id.device.rawValue, id.seq])
            }
            // Refused for a clock too far ahead: stamped again below, not set aside.
            for rejection in response.rejected where rejection.code != .clockSkew {
                try dequeue.execute(arguments: [rejection.changeId.device.rawValue, rejection.changeId.seq])
                try db.execute(
                    sql: "INSERT OR REPLACE INTO rejected (change_id, code, reason, at) VALUES (?, ?, ?, ?)",
                    arguments: [rejection.changeId.description, rejection.code.rawValue, rejection.reason, now.timeIntervalSince1970]
                )
            }
            var sealer = try sealer(db, arriving: response.pull)
            try ChangeLog.apply(try response.pull.map { try sealer.seal($0) }, in: db)
            try Self.follow(logEpoch: response.logEpoch, in: db)
            try db.execute(sql: "DELETE FROM cursor")
            for (scope, seq) in response.cursors {
                try db.execute(sql: "INSERT INTO cursor (scope, seq) VALUES (?, ?)", arguments: [scope, seq])
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT device, clock, clock_offset_ms FROM profile WHERE id = 1"),
                let device = DeviceID(rawValue: row["device"])
            else { throw ClientError.notEnrolled }
            let clockText: String? = row["clock"]
            var clock = HybridClock(device: device, last: clockText.flatMap(HLC.init(encoded:)))
            let physical = now.millisecondsSince1970 + clockOffsetMs
            if response.rejected.contains(where: { $0.code == .clockSkew }) || ClockSkew.isTooFarAhead(clock.last, now: physical) {
                // The clock ran ahead before the offset was known: stamp the unsent changes again and set the clock back.
                let previousOffset: Int64 = row["clock_offset_ms"]
                _ = try Self.restampTooFarAhead(correctedNow: physical, shiftMs: clockOffsetMs - previousOffset, in: db)
                clock = HybridClock(device: device, last: try ChangeLog.maxClock(in: db))
            }
            if let newest = response.pull.map(\.hlc).max() {
                clock.receive(newest, physical: physical)
            }
            try db.execute(
                sql: "UPDATE profile SET clock = ?, clock_offset_ms = ?, last_sync_at = ? WHERE id = 1",
                arguments: [clock.last.encoded, clockOffsetMs, now.timeIntervalSince1970]
            )
        }
    }

    /// Changes the server refused or quarantined, with the reasons.
    func rejections() throws -> [Rejection] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rejected ORDER BY at").compactMap { row in
                guard let id = ChangeID(row["change_id"]), let code = Rejection.Code(rawValue: row["code"]) else { return nil }
                return Rejection(changeId: id, code: code, reason: row["reason"])
            }
        }
    }

    // MARK: Reads

    /// The municipalities this laptop holds (from the last sync), with their roster rows when known.
    func assignedMunicipalities() throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT scope FROM cursor WHERE scope LIKE 'municipality:%' ORDER BY scope")
                .compactMap { Scope(rawValue: $0)?.municipalityNIS }
        }
    }

    /// Roster rows by NIS code, newest row per code.
    func roster() throws -> [String: Municipality] {
        try pool.read { db in
            var byNIS: [String: Municipality] = [:]
            for (_, fields) in try ChangeLog.records(of: .municipality, in: db) {
                guard let record = fields["record"], let municipality = try? record.decode(as: Municipality.self) else { continue }
                if let existing = byNIS[municipality.nis], existing.validFrom > municipality.validFrom { continue }
                byNIS[municipality.nis] = municipality
            }
            return byNIS
        }
    }

    /// The `default_language` of the newest questionnaire on the laptop in `home`, read without creating or
    /// migrating anything; nil when there is no profile or no questionnaire yet.
    static func studyLanguage(home: URL) -> String? {
        let path = home.appendingPathComponent("veldwerk.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(2)
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return nil }
        let forms = try? queue.read { db in
            try ChangeLog.records(of: .questionnaire, in: db).values.compactMap { fields in
                try fields["definition"].map { try $0.decode(as: Questionnaire.self) }
            }
        }
        return forms?.max { Questionnaire.versionOrder($0.version, $1.version) }?.defaultLanguage
    }

    /// Every questionnaire version on this laptop.
    func questionnaires() throws -> [Questionnaire] {
        try pool.read { db in
            try ChangeLog.records(of: .questionnaire, in: db).values.compactMap { fields in
                try fields["definition"].map { try $0.decode(as: Questionnaire.self) }
            }
        }
    }

    /// Every invitation on this laptop (the ones of its municipalities).
    ///
    /// - Parameter withEmail: open the address each was meant for (personal data: may ask for the
    ///   passphrase); without it, a sealed address reads as absent.
    func invitations(withEmail: Bool = true) throws -> [Invitation] {
        try pool.read { db in
            var sealer = try sealer(db)
            return try ChangeLog.records(of: .invitation, in: db).compactMap { id, fields in
                guard let uuid = UUID(uuidString: id) else { return nil }
                var fields = fields
                if withEmail {
                    fields = try sealer.open(fields, entity: .invitation, entityId: id)
                } else if Vault.isSealed(fields[Invitation.Field.email]) {
                    fields[Invitation.Field.email] = nil
                }
                return Invitation(id: uuid, fields: fields)
            }
        }
    }

    func interview(_ id: Interview.ID) throws -> Interview? {
        try pool.read { db in
            let key = id.uuidString.lowercased()
            let fields = try ChangeLog.fields(of: .interview, id: key, in: db)
            var sealer = try sealer(db)
            return fields.isEmpty ? nil : Interview(id: id, fields: try sealer.open(fields, entity: .interview, entityId: key))
        }
    }

    func interviews() throws -> [Interview] {
        try pool.read { db in
            var sealer = try sealer(db)
            return try ChangeLog.records(of: .interview, in: db).compactMap { id, fields in
                guard let uuid = UUID(uuidString: id) else { return nil }
                return Interview(id: uuid, fields: try sealer.open(fields, entity: .interview, entityId: id))
            }
        }
    }

    /// Kept conflicts on one interview (open and resolved).
    func conflicts(interview id: Interview.ID) throws -> [KeptConflict] {
        try pool.read { db in
            var sealer = try sealer(db)
            return try ChangeLog.conflicts(openOnly: false, entity: .interview, entityId: id.uuidString.lowercased(), in: db).map { conflict in
                var conflict = conflict
                conflict.loser = try sealer.open(conflict.loser)
                conflict.current = try conflict.current.map { try sealer.open($0) }
                return conflict
            }
        }
    }

    /// Whether any of this interview's changes still wait in the outbox.
    func hasPendingChanges(interview id: Interview.ID) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM \(ClientStore.outboxChanges)
                    WHERE l.entity = 'interview' AND l.entity_id = ?)
                    """,
                arguments: [id.uuidString.lowercased()]
            ) ?? false
        }
    }
}
