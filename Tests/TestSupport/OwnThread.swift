import Foundation

/// Runs blocking work (a child process waited for, a pseudo-terminal polled with `usleep`) on a thread
/// of its own and awaits its result.
///
/// Swift's cooperative pool has one thread per core: two tests blocking it at once on this 2-core
/// machine would stall every other test in the process, among them the servers other tests run in
/// process, whose laptops then time out. Blocking work never runs on the pool.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
