import GRDB
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
        /// Runs the write inside the shared transaction; returns how to answer the caller once it commits.
        let run: @Sendable (Database) -> @Sendable () -> Void
        /// Answers the caller with an error (the shared transaction failed).
        let fail: @Sendable (any Error) -> Void
    }

    private struct Queue {
        var waiting: [Job] = []
        var flushing = false
    }

    private let writer: any DatabaseWriter
    private let queue = Mutex(Queue())
    /// At most this many writes share a transaction (a bound on how long the first waits for the last).
    private let maxGroup: Int

    init(writer: any DatabaseWriter, maxGroup: Int = 256) {
        self.writer = writer
        self.maxGroup = maxGroup
    }

    /// Runs `body` in a savepoint of the next group transaction and returns its result once that transaction committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        guard let value else { return { continuation.resume(throwing: CancellationError()) } }
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
            do {
                let answers = try await writer.write { db in group.map { $0.run(db) } }
                for answer in answers { answer() }
            } catch {
                for job in group { job.fail(error) }
            }
        }
    }
}
