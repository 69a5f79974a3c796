import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// Guessing enrolment codes and dashboard tokens is slowed down per source address and per target.
@Suite("Sign-in throttle", .serialized)
struct SignInThrottleTests {
    @Test("10 failures in 10 minutes pause a key for 10 minutes; each further pause doubles; other keys are untouched")
    func backoff() async throws {
        try await withTemporaryDirectory { directory in
            let clock = MovableClock(StudySeed.now)
            let throttle = AttemptThrottle("test", policy: .init(), store: try await testStore(path: directory.appending("throttle.sqlite").path), now: { clock.now })
            for attempt in 1...9 {
                #expect(try await throttle.recordFailure(["address:a"]) == nil, "failure \(attempt)")
                clock.advance(30)
            }
            #expect(try await throttle.retryAfter(["address:a"]) == nil, "nine failures: a person who mistypes is never held up")
            #expect(try await throttle.recordFailure(["address:a", "code:x"]) == 600)
            #expect(try await throttle.retryAfter(["address:a"]) == 600)
            #expect(try await throttle.retryAfter(["address:b"]) == nil)
            #expect(try await throttle.retryAfter(["address:b", "code:x"]) == nil, "the code had one failure only")
            clock.advance(599)
            #expect(try await throttle.retryAfter(["address:a"]) == 1)
            clock.advance(1)
            #expect(try await throttle.retryAfter(["address:a"]) == nil)
            for _ in 1...9 { try await throttle.recordFailure(["address:a"]) }
            #expect(try await throttle.recordFailure(["address:a"]) == 1200, "the second pause is twice the first")
            clock.advance(1200)
            for _ in 1...10 { try await throttle.recordFailure(["address:a"]) }
            #expect(try await throttle.retryAfter(["address:a"]) == 2400)
        }
    }

    @Test("a success from an address clears its failures, so a class enrolling behind one address is not paused by the sum of its typos")
    func successClearsAddress() async throws {
        try await withTemporaryDirectory { directory in
            let clock = MovableClock(StudySeed.now)
            let throttle = AttemptThrottle("test", policy: .init(), store: try await testStore(path: directory.appending("throttle.sqlite").path), now: { clock.now })
            for _ in 0..<5 {
                for _ in 0..<9 { #expect(try await throttle.recordFailure(["address:class"]) == nil) }
                try await throttle.recordSuccess(["address:class"])
            }
            #expect(try await throttle.retryAfter(["address:class"]) == nil)
            for _ in 0..<9 { try await throttle.recordFailure(["address:class"]) }
            #expect(try await throttle.recordFailure(["address:class"]) == 600, "ten in a row without a success still pause")
            try await throttle.recordSuccess(["address:class"])
            #expect(try await throttle.retryAfter(["address:class"]) == 600, "a pause once earned stays")
        }
    }

    @Test("fewer than 10 failures in any 10 minutes never pause anyone, however many in all")
    func slowFailuresPass() async throws {
        try await withTemporaryDirectory { directory in
            let clock = MovableClock(StudySeed.now)
            let throttle = AttemptThrottle("test", policy: .init(), store: try await testStore(path: directory.appending("throttle.sqlite").path), now: { clock.now })
            for _ in 0..<50 {
                #expect(try await throttle.recordFailure(["address:a"]) == nil)
                clock.advance(67)
            }
        }
    }

    @Test("two server nodes on one database count the same failures: a guesser gains nothing by spreading attempts, or by a restart")
    func sharedAcrossNodes() async throws {
        try await withTemporaryDirectory { directory in
            let clock = MovableClock(StudySeed.now)
            let path = directory.appending("veldwerk.sqlite").path
            let first = AttemptThrottle("enrol", policy: .init(), store: try await testStore(path: path), now: { clock.now })
            let second = AttemptThrottle("enrol", policy: .init(), store: try await testStore(path: path), now: { clock.now })
            for _ in 0..<5 { #expect(try await first.recordFailure(["address:a"]) == nil) }
            for _ in 0..<4 { #expect(try await second.recordFailure(["address:a"]) == nil) }
            #expect(try await second.recordFailure(["address:a"]) == 600, "the tenth failure, on the other node, pauses the address")
            #expect(try await first.retryAfter(["address:a"]) == 600)
            let restarted = AttemptThrottle("enrol", policy: .init(), store: try await testStore(path: path), now: { clock.now })
            #expect(try await restarted.retryAfter(["address:a"]) == 600, "a restart forgets nothing")
            let login = AttemptThrottle("login", policy: .init(), store: try await testStore(path: path), now: { clock.now })
            #expect(try await login.retryAfter(["address:a"]) == nil, "enrolment and login are counted apart")
        }
    }

    @Test("POST /v1/enrol answers 429 with Retry-After and a sentence after too many wrong codes from one address")
    func enrolThrottledPerAddress() async throws {
        try await withRunningServer(configure: { $0.signInThrottle.maxFailures = 3 }) { client, seed in
            for index in 0..<3 {
                let wrong = try await client.postJSON("/v1/enrol", #"{"code": "WRNG-000\#(index)", "deviceName": "x"}"#)
                #expect(wrong.status == 401)
            }
            let code = try await seed.store.issueEnrolmentCode(for: seed.interviewers[0].id, lifetime: 3600, now: StudySeed.now)
            let refused = try await client.postJSON("/v1/enrol", #"{"code": "\#(code.code)", "deviceName": "x"}"#)
            #expect(refused.status == 429)
            #expect(refused.header("retry-after") == "600")
            #expect(refused.header("content-type")?.hasPrefix("application/json") == true)
            #expect(refused.body.contains("\"too_many_attempts\""))
            #expect(refused.body.contains("try again in 10 minutes"))
            // A forged X-Forwarded-For from a peer that is no trusted proxy changes nothing.
            let forged = try await client.postJSON("/v1/enrol", #"{"code": "\#(code.code)", "deviceName": "x"}"#, headers: ["X-Forwarded-For": "203.0.113.9"])
            #expect(forged.status == 429)
        }
    }

    @Test("behind a trusted proxy each client address counts apart, and one code tried from many addresses is paused")
    func enrolThrottledPerCodeBehindProxy() async throws {
        try await withRunningServer(configure: {
            $0.signInThrottle.maxFailures = 3
            $0.trustedProxies = ["127.0.0.1"]
        }) { client, seed in
            for index in 0..<3 {
                let wrong = try await client.postJSON(
                    "/v1/enrol", #"{"code": "WRNG-0000", "deviceName": "x"}"#, headers: ["X-Forwarded-For": "198.51.100.\(index)"]
                )
                #expect(wrong.status == 401)
            }
            let sameCode = try await client.postJSON("/v1/enrol", #"{"code": "wrng0000", "deviceName": "x"}"#, headers: ["X-Forwarded-For": "198.51.100.77"])
            #expect(sameCode.status == 429, "the code is paused whatever the address, however it is written")
            let code = try await seed.store.issueEnrolmentCode(for: seed.interviewers[0].id, lifetime: 3600, now: StudySeed.now)
            let fine = try await client.postJSON(
                "/v1/enrol", #"{"code": "\#(code.code)", "deviceName": "x"}"#, headers: ["X-Forwarded-For": "198.51.100.0, 127.0.0.1"]
            )
            #expect(fine.status == 200, "another code from an address with one failure: \(fine.body)")
        }
    }

    @Test("dashboard logins: 429 with Retry-After and a page that says when to try again")
    func dashboardThrottled() async throws {
        try await withRunningServer(configure: { $0.signInThrottle.maxFailures = 3 }) { client, seed in
            for index in 0..<3 {
                #expect(try await client.postForm("/dashboard/login", [("token", "wrong-\(index)")]).status == 401)
            }
            let refused = try await client.postForm("/dashboard/login", [("token", seed.coordinatorToken)])
            #expect(refused.status == 429)
            #expect(refused.header("retry-after") == "600")
            #expect(refused.header("content-type")?.hasPrefix("text/html") == true)
            #expect(refused.body.contains("Too many failed sign-ins"))
            #expect(refused.header("set-cookie") == nil)
        }
    }
}
