import Foundation
import Shared

/// The steps of one sync, as a pure state machine: events in, the next action out, no I/O.
///
/// A sync pushes the outbox in batches and pulls until the server says there is no more. It
/// ends when a round pushed everything that was waiting and pulled everything new, and stops
/// early when a round makes no progress (so a server that keeps refusing cannot loop forever).
struct SyncSession: Equatable {
    enum State: Equatable {
        case ready
        case waiting(round: Int)
        case finished
        case failed
    }

    enum Event: Equatable {
        case start(outboxCount: Int)
        /// A response was stored; `outboxCount` is what still waits. `restamped` changes were refused
        /// for a clock too far ahead and wait again under new ids.
        case committed(pushed: Int, acknowledged: Int, rejected: Int, pulled: Int, more: Bool, outboxCount: Int, restamped: Int = 0)
        case transportFailed
        /// The server refused a round of `pushed` changes as too slow to merge in one push
        /// (`push_too_slow`) and stored none of it: send it again in smaller batches.
        case pushTooSlow(pushed: Int)
    }

    enum Action: Equatable {
        /// Send one request pushing at most this many changes.
        case sendRound(pushLimit: Int)
        case finish(Summary)
        case fail(Summary)
    }

    struct Summary: Equatable, Codable, Sendable {
        var rounds = 0
        var pushed = 0
        var acknowledged = 0
        var rejected = 0
        var pulled = 0
        var waiting = 0
        /// Changes stamped again because the laptop's clock was too far ahead.
        var restamped = 0
        /// The server said this laptop was revoked: what was unsent is handed over, the study's data must go.
        var revoked = false
    }

    /// Most changes one round pushes; halved each time the server finds a push too slow to merge.
    private(set) var pushLimit: Int
    let maxRounds: Int
    private(set) var state: State = .ready
    private(set) var summary = Summary()

    init(pushLimit: Int = 500, maxRounds: Int = 10_000) {
        self.pushLimit = pushLimit
        self.maxRounds = maxRounds
    }

    mutating func handle(_ event: Event) -> Action {
        switch (state, event) {
        case (.ready, .start(let waiting)):
            summary.waiting = waiting
            state = .waiting(round: 1)
            return .sendRound(pushLimit: pushLimit)
        case (.waiting(let round), .committed(let pushed, let acknowledged, let rejected, let pulled, let more, let waiting, let restamped)):
            summary.rounds = round
            summary.pushed += pushed
            summary.acknowledged += acknowledged
            summary.rejected += rejected
            summary.pulled += pulled
            summary.restamped += restamped
            let progressed = acknowledged + rejected + pulled > 0 || waiting < summary.waiting || restamped > 0
            summary.waiting = waiting
            if !more && waiting == 0 {
                state = .finished
                return .finish(summary)
            }
            guard progressed, round < maxRounds else {
                state = .failed
                return .fail(summary)
            }
            state = .waiting(round: round + 1)
            return .sendRound(pushLimit: pushLimit)
        case (.waiting, .transportFailed):
            state = .failed
            return .fail(summary)
        case (.waiting(let round), .pushTooSlow(let pushed)):
            // Nothing was stored: the same round again with half as many changes, until one change alone is too slow.
            guard pushed > 1 else {
                state = .failed
                return .fail(summary)
            }
            pushLimit = max(1, min(pushLimit, pushed) / 2)
            state = .waiting(round: round)
            return .sendRound(pushLimit: pushLimit)
        case (.ready, _), (.waiting, .start), (.finished, _), (.failed, _):
            return .fail(summary)
        }
    }
}
