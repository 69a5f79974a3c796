import Testing

@testable import VeldwerkClient

@Suite("Sync session state machine")
struct SyncSessionTests {
    @Test("start sends a first round")
    func start() {
        var session = SyncSession(pushLimit: 100)
        #expect(session.handle(.start(outboxCount: 5)) == .sendRound(pushLimit: 100))
        #expect(session.state == .waiting(round: 1))
    }

    @Test("a round that leaves nothing waiting and nothing more to pull finishes")
    func finishes() {
        var session = SyncSession()
        _ = session.handle(.start(outboxCount: 3))
        let action = session.handle(.committed(pushed: 3, acknowledged: 3, rejected: 0, pulled: 10, more: false, outboxCount: 0))
        guard case .finish(let summary) = action else {
            Issue.record("expected finish, got \(action)")
            return
        }
        #expect(summary.acknowledged == 3)
        #expect(summary.pulled == 10)
        #expect(session.state == .finished)
    }

    @Test("more to pull or more waiting: another round")
    func continues() {
        var session = SyncSession(pushLimit: 2)
        _ = session.handle(.start(outboxCount: 5))
        #expect(session.handle(.committed(pushed: 2, acknowledged: 2, rejected: 0, pulled: 0, more: false, outboxCount: 3)) == .sendRound(pushLimit: 2))
        #expect(session.handle(.committed(pushed: 2, acknowledged: 2, rejected: 0, pulled: 500, more: true, outboxCount: 1)) == .sendRound(pushLimit: 2))
        #expect(session.state == .waiting(round: 3))
    }

    @Test("a round without progress stops instead of looping")
    func noProgressFails() {
        var session = SyncSession()
        _ = session.handle(.start(outboxCount: 4))
        let action = session.handle(.committed(pushed: 4, acknowledged: 0, rejected: 0, pulled: 0, more: false, outboxCount: 4))
        guard case .fail = action else {
            Issue.record("expected fail, got \(action)")
            return
        }
        #expect(session.state == .failed)
    }

    @Test("a transport failure fails the session; events after the end are refused")
    func transportFailure() {
        var session = SyncSession()
        _ = session.handle(.start(outboxCount: 1))
        guard case .fail = session.handle(.transportFailed) else {
            Issue.record("expected fail")
            return
        }
        guard case .fail = session.handle(.start(outboxCount: 1)) else {
            Issue.record("a finished session must not restart")
            return
        }
    }
}

@Suite("Sync session: pushes too slow to merge")
struct SyncSessionPushTooSlowTests {
    @Test("a push the server found too slow is sent again with half the changes, down to one")
    func halves() {
        var session = SyncSession(pushLimit: 500)
        #expect(session.handle(.start(outboxCount: 5_000)) == .sendRound(pushLimit: 500))
        #expect(session.handle(.pushTooSlow(pushed: 500)) == .sendRound(pushLimit: 250))
        #expect(session.state == .waiting(round: 1), "the same round again")
        #expect(session.handle(.pushTooSlow(pushed: 250)) == .sendRound(pushLimit: 125))
        #expect(session.handle(.committed(pushed: 125, acknowledged: 125, rejected: 0, pulled: 0, more: false, outboxCount: 4_875)) == .sendRound(pushLimit: 125))
        #expect(session.handle(.pushTooSlow(pushed: 3)) == .sendRound(pushLimit: 1))
        guard case .fail = session.handle(.pushTooSlow(pushed: 1)) else {
            Issue.record("one change alone too slow: the session must stop")
            return
        }
    }
}
