import Foundation
import Secrets
import Shared
import Synchronization
import Testing
import TestSupport

@testable import VeldwerkServer

/// A wall clock the test moves.
final class MovableClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date) { time = Mutex(start) }

    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// API tokens, laptops and dashboard sessions: listed with their last use, never their secret, and revoked.
@Suite("Credentials over HTTP", .serialized)
struct CredentialTests {
    private func items(_ response: TestHTTPResponse) throws -> [CredentialInfo] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ListResponse<CredentialInfo>.self, from: Data(response.body.utf8)).items
    }

    private func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    @Test("a coordinator lists tokens, laptops and sessions with when each was made and last used, never the secret")
    func listing() async throws {
        try await withRunningServer { client, seed in
            let laptop = try await seed.enrolLaptop(for: seed.interviewers[0].id, name: "Lenovo van An")
            #expect(try await client.get("/v1/me", headers: bearer(laptop.token)).status == 200)
            let login = try await client.postForm("/dashboard/login", [("token", seed.coordinatorToken)])
            #expect(login.status == 303)
            let response = try await client.get("/v1/credentials", headers: bearer(seed.coordinatorToken))
            #expect(response.status == 200)
            #expect(!response.body.contains(seed.coordinatorToken))
            #expect(!response.body.contains(laptop.token))
            let list = try items(response)
            let token = try #require(list.first { $0.kind == .apiToken && $0.user == seed.coordinator.id })
            #expect(token.id.hasPrefix("t-") && token.id.count == 18)
            #expect(token.createdAt == StudySeed.now)
            #expect(token.lastUsedAt == StudySeed.now, "the listing request itself used the token")
            let device = try #require(list.first { $0.kind == .device })
            #expect(device.id == laptop.device.rawValue)
            #expect(device.name == "Lenovo van An")
            #expect(device.lastUsedAt == StudySeed.now)
            let session = try #require(list.first { $0.kind == .session })
            #expect(session.user == seed.coordinator.id)
            #expect(session.expiresAt == StudySeed.now.addingTimeInterval(DashboardSession.lifetime))
            let mine = try items(try await client.get("/v1/credentials?user=\(seed.interviewers[0].id)", headers: bearer(seed.coordinatorToken)))
            #expect(mine.map(\.id) == [laptop.device.rawValue])
            #expect(try await client.get("/v1/credentials", headers: bearer(laptop.token)).status == 403)
            #expect(try await client.get("/v1/credentials").status == 401)
        }
    }

    @Test("a revoked API token, laptop or dashboard session is refused at the very next request")
    func revokedAtOnce() async throws {
        try await withRunningServer { client, seed in
            let researcher = try await seed.store.createUser(name: "Rita", role: .researcher, email: nil, now: StudySeed.now)
            let researcherToken = try await seed.store.issueAPIToken(for: researcher.id, now: StudySeed.now)
            let laptop = try await seed.enrolLaptop(for: seed.interviewers[0].id)
            let login = try await client.postForm("/dashboard/login", [("token", seed.coordinatorToken)])
            let cookie = try #require(login.header("set-cookie")?.split(separator: ";").first.map(String.init))
            #expect(try await client.get("/v1/me", headers: bearer(researcherToken)).status == 200)
            #expect(try await client.get("/dashboard", headers: ["Cookie": cookie]).status == 200)

            let list = try items(try await client.get("/v1/credentials", headers: bearer(seed.coordinatorToken)))
            let token = try #require(list.first { $0.user == researcher.id })
            let session = try #require(list.first { $0.kind == .session })
            #expect(session.lastUsedAt == StudySeed.now, "the dashboard page was opened with it")
            for (id, kind) in [(token.id, CredentialInfo.Kind.apiToken), (laptop.device.rawValue, .device), (session.id, .session)] {
                let revoked = try await client.send("POST", "/v1/credentials/\(id)/revoke", headers: bearer(seed.coordinatorToken), body: nil)
                #expect(revoked.status == 200, "\(revoked.body)")
                let info = try JSONDecoder.iso8601.decode(CredentialInfo.self, from: Data(revoked.body.utf8))
                #expect(info.kind == kind)
                #expect(info.revokedAt == StudySeed.now)
            }
            #expect(try await client.get("/v1/me", headers: bearer(researcherToken)).status == 401)
            #expect(try await client.get("/v1/me", headers: bearer(laptop.token)).status == 401)
            let page = try await client.get("/dashboard", headers: ["Cookie": cookie])
            #expect(page.status == 303)
            #expect(page.header("location") == "/dashboard/login")
            #expect(try await client.get("/v1/me", headers: bearer(seed.coordinatorToken)).status == 200)
            let unknown = try await client.send("POST", "/v1/credentials/t-0000000000000000/revoke", headers: bearer(seed.coordinatorToken), body: nil)
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("credentials"))
        }
    }

    @Test("an admin revokes anyone's; a coordinator interviewers', researchers' and their own; nobody below coordinator")
    func authority() async throws {
        try await withRunningServer { client, seed in
            let store = seed.store
            let admin = try await store.createUser(name: "Ada Admin", role: .admin, email: nil, now: StudySeed.now)
            let adminToken = try await store.issueAPIToken(for: admin.id, now: StudySeed.now)
            let other = try await store.createUser(name: "Other Coordinator", role: .coordinator, email: nil, now: StudySeed.now)
            _ = try await store.issueAPIToken(for: other.id, now: StudySeed.now)
            let researcher = try await store.createUser(name: "Rita", role: .researcher, email: nil, now: StudySeed.now)
            let researcherToken = try await store.issueAPIToken(for: researcher.id, now: StudySeed.now)
            let laptop = try await seed.enrolLaptop(for: seed.interviewers[0].id)
            let list = try items(try await client.get("/v1/credentials", headers: bearer(adminToken)))
            func id(of user: UserID) throws -> String { try #require(list.first { $0.user == user && $0.kind == .apiToken }).id }

            func revoke(_ id: String, as token: String) async throws -> TestHTTPResponse {
                try await client.send("POST", "/v1/credentials/\(id)/revoke", headers: bearer(token), body: nil)
            }
            let refused = try await revoke(try id(of: admin.id), as: seed.coordinatorToken)
            #expect(refused.status == 403)
            #expect(refused.body.contains("Ask an admin"))
            #expect(try await revoke(try id(of: other.id), as: seed.coordinatorToken).status == 403)
            #expect(try await client.send("POST", "/v1/devices/\(laptop.device)/revoke", headers: bearer(researcherToken), body: nil).status == 403)
            #expect(try await revoke(laptop.device.rawValue, as: laptop.token).status == 403)
            #expect(try await revoke(try id(of: researcher.id), as: researcherToken).status == 403)
            #expect(try await revoke(laptop.device.rawValue, as: seed.coordinatorToken).status == 200)
            #expect(try await revoke(try id(of: researcher.id), as: seed.coordinatorToken).status == 200)
            #expect(try await revoke(try id(of: other.id), as: adminToken).status == 200)
            #expect(try await revoke(try id(of: seed.coordinator.id), as: seed.coordinatorToken).status == 200)
            #expect(try await client.get("/v1/me", headers: bearer(seed.coordinatorToken)).status == 401)
            #expect(try await client.get("/v1/me", headers: bearer(adminToken)).status == 200)
        }
    }

    @Test("last use is written at most once a minute per token, however often it is used")
    func lastUseOncePerMinute() async throws {
        let clock = MovableClock(StudySeed.now)
        try await withRunningServer(configure: { $0.now = { clock.now } }) { client, seed async throws in
            let store = seed.store
            func lastUse() async throws -> Date? {
                try await store.credentials(user: seed.coordinator.id, now: clock.now).first { $0.kind == .apiToken }?.lastUsedAt
            }
            #expect(try await lastUse() == nil)
            #expect(try await client.get("/v1/me", headers: bearer(seed.coordinatorToken)).status == 200)
            #expect(try await lastUse() == StudySeed.now)
            clock.advance(30)
            for _ in 0..<5 { #expect(try await client.get("/v1/me", headers: bearer(seed.coordinatorToken)).status == 200) }
            #expect(try await lastUse() == StudySeed.now, "within the minute nothing more is written")
            clock.advance(31)
            #expect(try await client.get("/v1/me", headers: bearer(seed.coordinatorToken)).status == 200)
            #expect(try await lastUse() == StudySeed.now.addingTimeInterval(61))
        }
    }

    @Test("issuing a new enrolment code ends the person's unused older codes")
    func newCodeEndsOlder() async throws {
        try await withRunningServer { client, seed in
            let user = seed.interviewers[2].id
            let first = try await seed.store.issueEnrolmentCode(for: user, lifetime: 3600, now: StudySeed.now)
            let second = try await seed.store.issueEnrolmentCode(for: user, lifetime: 3600, now: StudySeed.now)
            let other = try await seed.store.issueEnrolmentCode(for: seed.interviewers[3].id, lifetime: 3600, now: StudySeed.now)
            let old = try await client.postJSON("/v1/enrol", #"{"code": "\#(first.code)", "deviceName": "x"}"#)
            #expect(old.status == 401)
            #expect(old.body.contains("newer code"))
            #expect(try await client.postJSON("/v1/enrol", #"{"code": "\#(second.code)", "deviceName": "x"}"#).status == 200)
            #expect(try await client.postJSON("/v1/enrol", #"{"code": "\#(other.code)", "deviceName": "y"}"#).status == 200, "another person's code is untouched")
        }
    }

    @Test("new tokens never begin with '-', which a command line would take for an option")
    func tokensNeverStartWithDash() {
        for _ in 0..<3000 {
            let token = Secret.newToken()
            #expect(!token.hasPrefix("-"))
            #expect(token.count == 43)
        }
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
