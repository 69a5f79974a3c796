import GRDB

extension DatabasePool {
    /// Opens a pool in WAL mode whose writer commits with `synchronous = FULL`: a transaction is on
    /// disk when its commit returns, through a power cut as well as a crash.
    ///
    /// GRDB sets `synchronous = NORMAL` on a pool's writer when it turns WAL mode on, after
    /// `prepareDatabase` has run, so the level is set here, once the pool is open.
    public static func durable(path: String, configuration: Configuration = Configuration()) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }
}
