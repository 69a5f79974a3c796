import Foundation
import GRDB
import Gzip
import LogStore
import Shared

/// A simulated interviewer's laptop: its own SQLite store carrying the same change log
/// (LogStore), outbox and cursors as `veldwerk`, and the same sync rounds and wire format
/// (SyncRequest as JSON, gzipped from 256 bytes). Blocking, so the harness runs laptops on
/// threads of its own.
///
/// `veldwerk` itself is an executable target, which another executable cannot link; this is
/// the client's sync path restated in ~100 lines on the shared libraries. The real program's
/// path is covered by the end-to-end tests.
final class BenchLaptop {
    let pool: DatabasePool
    let server: String
    let token: String
    let device: DeviceID
    let user: UserID

    struct Round {
        var sent = 0
        var received = 0
        var latencies: [Double] = []
        var pushed = 0
        var pulled = 0
    }

    init(home: URL, server: String, token: String, device: DeviceID, user: UserID) throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool.durable(path: home.appendingPathComponent("laptop.sqlite").path, configuration: configuration)
        var migrator = DatabaseMigrator()
        ChangeLog.registerMigrations(&migrator)
        migrator.registerMigration("bench-laptop-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE profile (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL, clock TEXT);
                    INSERT INTO profile (id, last_seq) VALUES (1, 0);
                    CREATE TABLE outbox (device TEXT NOT NULL, dseq INTEGER NOT NULL, PRIMARY KEY (device, dseq)) WITHOUT ROWID;
                    CREATE TABLE cursor (scope TEXT PRIMARY KEY, seq INTEGER NOT NULL);
                    """
            )
        }
        try migrator.migrate(pool)
        self.server = server
        self.token = token
        self.device = device
        self.user = user
    }

    /// Records edits as this laptop's changes in one transaction: log, merge, outbox.
    @discardableResult
    func record(_ edits: [FieldEdit], now: Date = Date()) throws -> [Change] {
        try pool.write { db in
            var lastSeq = try Int64.fetchOne(db, sql: "SELECT last_seq FROM profile") ?? 0
            var clock = HybridClock(device: device, last: try String.fetchOne(db, sql: "SELECT clock FROM profile").flatMap(HLC.init(encoded:)))
            let changes = try ChangeLog.author(edits, lastSeq: &lastSeq, clock: &clock, author: user, physical: now.millisecondsSince1970, in: db)
            for change in changes {
                try db.execute(sql: "INSERT INTO outbox (device, dseq) VALUES (?, ?)", arguments: [change.id.device.rawValue, change.id.seq])
            }
            try db.execute(sql: "UPDATE profile SET last_seq = ?, clock = ?", arguments: [lastSeq, clock.last.encoded])
            return changes
        }
    }

    /// A `POST /v1/sync` as the laptop sends it: its token and body.
    struct Request {
        var token: String
        var body: Data
        var gzip: Bool
    }

    /// The sync request this laptop would send now: what waits in its outbox (up to `pushLimit`
    /// changes) and its cursors, as JSON, gzipped from 256 bytes.
    func request(pushLimit: Int = 500) throws -> Request {
        let (batch, cursors) = try pool.read { db in
            (
                try Row.fetchAll(
                    db, sql: "SELECT l.* FROM outbox o CROSS JOIN change_log l ON l.device = o.device AND l.dseq = o.dseq ORDER BY o.dseq LIMIT ?",
                    arguments: [pushLimit]
                ).map(ChangeLog.change),
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT scope, seq FROM cursor").map { ($0["scope"] as String, $0["seq"] as Int64) })
            )
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let plain = try encoder.encode(SyncRequest(device: device, push: batch, cursors: cursors, clientTime: Date().millisecondsSince1970))
        let gzip = plain.count >= 256
        return Request(token: token, body: gzip ? try Gzip.compress(plain) : plain, gzip: gzip)
    }

    /// Syncs until nothing waits and nothing more is to pull.
    func sync(pushLimit: Int = 500) throws -> Round {
        var round = Round()
        for _ in 0..<10_000 {
            let request = try request(pushLimit: pushLimit)
            let response = try CurlClient.perform("POST", server + "/v1/sync", token: token, body: request.body, gzip: request.gzip)
            round.sent += response.sent
            round.received += response.received
            round.latencies.append(response.seconds)
            guard response.status == 200 else {
                throw BenchError("sync answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
            }
            let answer = try SyncResponse(wireJSON: response.body)
            let waiting = try pool.write { db in
                for id in answer.accepted + answer.rejected.map(\.changeId) {
                    try db.execute(sql: "DELETE FROM outbox WHERE device = ? AND dseq = ?", arguments: [id.device.rawValue, id.seq])
                }
                try ChangeLog.apply(answer.pull, in: db)
                try db.execute(sql: "DELETE FROM cursor")
                for (scope, seq) in answer.cursors {
                    try db.execute(sql: "INSERT INTO cursor (scope, seq) VALUES (?, ?)", arguments: [scope, seq])
                }
                if let newest = answer.pull.map(\.hlc).max() {
                    var clock = HybridClock(device: device, last: try String.fetchOne(db, sql: "SELECT clock FROM profile").flatMap(HLC.init(encoded:)))
                    clock.receive(newest, physical: Date().millisecondsSince1970)
                    try db.execute(sql: "UPDATE profile SET clock = ?", arguments: [clock.last.encoded])
                }
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
            }
            round.pushed += answer.accepted.count
            round.pulled += answer.pull.count
            if !answer.more && waiting == 0 { return round }
            guard !answer.accepted.isEmpty || !answer.rejected.isEmpty || !answer.pull.isEmpty else {
                throw BenchError("a sync round made no progress with \(waiting) changes waiting")
            }
        }
        throw BenchError("sync did not finish")
    }

    /// The laptop's field states in the given scopes, for comparison with the server's.
    func state(scopes: [String]) throws -> [String] {
        try pool.read { db in try Study.state(scopes, db) }
    }

    func outboxCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
    }
}
