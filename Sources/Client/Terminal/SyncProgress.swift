import Foundation
import Shared

/// A one-line progress bar for long syncs, on stderr and only on a terminal.
///
/// The bar measures the push (what waited in the outbox at the start); pulled changes are counted
/// beside it, since the server only says whether more follow.
struct SyncProgress {
    let terminal: Terminal
    let initialOutbox: Int
    private var drawn = false

    init(terminal: Terminal, initialOutbox: Int) {
        self.terminal = terminal
        self.initialOutbox = initialOutbox
    }

    /// The bar for the running totals, e.g. `Syncing [#########-----------]  450/1000 sent, 120 received`.
    static func line(sent: Int, total: Int, received: Int, rounds: Int, width: Int = 24) -> String {
        let fraction = total == 0 ? 1 : min(1, Double(sent) / Double(total))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return localized(
            nl: "Synchroniseren [\(bar)] \(sent)/\(total) verstuurd, \(received) ontvangen (ronde \(rounds))",
            en: "Syncing [\(bar)] \(sent)/\(total) sent, \(received) received (round \(rounds))"
        )
    }

    /// Redraws after a round (only on a terminal, and only once the sync takes more than one round).
    mutating func update(_ summary: SyncSession.Summary) {
        guard terminal.stderrIsTTY, summary.rounds > 1 || drawn else { return }
        drawn = true
        let text = Self.line(sent: summary.acknowledged + summary.rejected, total: initialOutbox, received: summary.pulled, rounds: summary.rounds)
        Terminal.writeError("\r\u{1B}[2K" + text)
    }

    /// Clears the bar line.
    func finish() {
        guard drawn else { return }
        Terminal.writeError("\r\u{1B}[2K")
    }
}

extension SyncCommand {
    /// Runs a sync, drawing ``SyncProgress`` on stderr while it takes more than one round.
    static func runWithProgress(_ runner: SyncRunner, outbox: Int) async throws -> SyncSession.Summary {
        /// Holds the bar's state for the `onRound` closure, which SyncRunner calls on the sync's own task.
        final class Box {
            var progress: SyncProgress
            init(_ progress: SyncProgress) { self.progress = progress }
        }
        let box = Box(SyncProgress(terminal: .current(), initialOutbox: outbox))
        var runner = runner
        runner.onRound = { box.progress.update($0) }
        defer { box.progress.finish() }
        return try await runner.run()
    }
}
