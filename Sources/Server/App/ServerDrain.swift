import Shared
import ServiceLifecycle
import Synchronization

/// Whether this process is stopping (SIGTERM or SIGINT). A running push checks it as it checks its
/// budget, every 64 changes, and when set rolls back and answers 503 `server_stopping`: the laptop
/// sends the same changes again, to this server once it is back or to another node. So a drain ends
/// within a fraction of a second of work, not when the longest push would have finished.
enum ServerDrain {
    private static let draining = Atomic<Bool>(false)

    static var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// A service that waits for its group's graceful shutdown and marks the drain. Listed after the
    /// application, it is told first (a group shuts its services down in reverse order).
    struct Watcher: Service {
        func run() async throws {
            try? await gracefulShutdown()
            ServerDrain.draining.store(true, ordering: .relaxed)
        }
    }
}

extension DomainError {
    /// A push cut off because the server is stopping: rolled back, to be sent again in a moment.
    static let serverStopping = DomainError(
        kind: .busy, code: "server_stopping",
        message: localized(
            nl: "De server stopt; er werd niets van deze verzending bewaard. Synchroniseer over enkele ogenblikken opnieuw.",
            en: "The server is stopping; nothing of this push was stored. Sync again in a moment."
        ),
        retryAfter: 5
    )
}
