import LogStore
import Synchronization

/// Runs concurrent writes together: the writes waiting when the database writer becomes free go
/// into one transaction, each in its own savepoint, so they share one commit (one fsync).
///
/// With `synchronous = FULL` every commit waits for the disk. Sixty-four laptops pushing at once
/// would queue sixty-four fsyncs; grouped, they wait for one or two. A write that throws rolls
/// back its own savepoint and gets its error; the others in the group still commit. No caller is
/// answered before the transaction holding its write has committed, so an acknowledged change is
/// on disk, as before.
final class GroupCommit: Sendable {
    private struct Job: Sendable {
        /// Whether the caller needs the write on disk before its answer (false: a note that may be lost in a power cut).
        let durable: Bool
        /// Runs the write inside the shared transaction; returns how to answer the caller once it commits.
        let run: @Sendable (any SQLDatabase) -> @Sendable () -> Void
        /// Answers the caller with an error (the shared transaction failed).
        let fail: @Sendable (any Error) -> Void
        /// When the write arrived, for the time it waited for the writer.
        let arrived = ContinuousClock.now
    }

    private struct Queue {
        var waiting: [Job] = []
        var flushing = false
    }

    private let engine: any SQLEngine
    private let queue = Mutex(Queue())
    /// At most this many writes share a transaction (a bound on how long the first waits for the last).
    private let maxGroup: Int

    /// Where group sizes and waits are counted (`GET /metrics`).
    private let metrics: ServerMetrics?

    init(engine: any SQLEngine, maxGroup: Int = 256, metrics: ServerMetrics? = nil) {
        self.engine = engine
        self.maxGroup = maxGroup
        self.metrics = metrics
    }

    /// Runs `body` in a savepoint of the next group transaction and returns its result once that transaction committed.
    ///
    /// - Parameter durable: false for writes that may be lost in a power cut (a laptop's last sync
    ///   time): a group of only such writes commits without waiting for the disk (`synchronous =
    ///   NORMAL` in WAL mode); the next durable commit puts them on disk with its own.
    func write<T: Sendable>(durable: Bool = true, _ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                durable: durable,
                run: { db in
                    do {
                        let value = try db.savepoint { try body(db) }
                        return { continuation.resume(returning: value) }
                    } catch {
                        return { continuation.resume(throwing: error) }
                    }
                },
                fail: { error in continuation.resume(throwing: error) }
            )
            let startFlushing = queue.withLock { queue in
                queue.waiting.append(job)
                guard !queue.flushing else { return false }
                queue.flushing = true
                return true
            }
            if startFlushing {
                Task { await self.flush() }
            }
        }
    }

    /// Writes groups until nothing waits.
    private func flush() async {
        while true {
            let group: [Job] = queue.withLock { queue in
                let taken = Array(queue.waiting.prefix(maxGroup))
                queue.waiting.removeFirst(taken.count)
                if taken.isEmpty { queue.flushing = false }
                return taken
            }
            guard !group.isEmpty else { return }
            let durable = group.contains { $0.durable }
            do {
                let answers = try await engine.write(durable: durable) { db in
                    self.record(group)
                    return group.map { $0.run(db) }
                }
                for answer in answers { answer() }
            } catch {
                for job in group { job.fail(error) }
            }
        }
    }

    /// Counts a group that holds the writer now: its size, and how long each of its writes waited.
    private func record(_ group: [Job]) {
        guard let metrics else { return }
        metrics.groupCommitSize.record(Double(group.count))
        let now = ContinuousClock.now
        for job in group { metrics.databaseWait.record(now - job.arrived) }
    }
}
