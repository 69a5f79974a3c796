import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

/// Names, e-mails, codes and comments with control characters are refused before anything is stored.
@Suite("Control characters in the server store")
struct ControlCharacterStoreTests {
    @Test("a user name or e-mail with a NUL or an escape is refused; a user list with one creates nobody")
    func users() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await testStore(path: directory.appending("server.sqlite").path)
            await #expect { _ = try await store.createUser(name: "lap\0top", role: .interviewer, email: nil, now: Date()) } throws: { error in
                (error as? DomainError)?.message.contains("U+0000 (NUL)") == true
            }
            await #expect(throws: DomainError.self) {
                _ = try await store.createUser(name: "Ann", role: .interviewer, email: "ann\u{1B}[8m@example.org", now: Date())
            }
            await #expect { _ = try await store.createUsers(csv: "name,email\nBert,bert@example.org\nCe\u{1B}[2Jlien,\n", codeLifetime: 3600, now: Date()) } throws: { error in
                guard let error = error as? DomainError else { return false }
                return error.kind == .invalid && error.message.contains("Row 3") && error.message.contains("U+001B")
            }
            #expect(try await store.users().isEmpty)
        }
    }

    @Test("a synced text answer with an escape sequence is rejected and not stored; one with newline and tab is kept")
    func syncedAnswers() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ExportFixture(directory: directory)
            var laptop = try await fixture.laptop("Ann", municipalities: ["11002"])
            let id = ExportScenario.antwerp
            let day = Int64(1_733_000_000_000)
            let meta = ExportScenario.meta("11002", state: "draft", user: laptop.principal.user, started: "2024-12-02T09:30:00Z")
            try await fixture.sync(laptop.edit(interview: id, nis: "11002", meta, at: day), from: laptop)
            let escaped = laptop.edit(interview: id, nis: "11002", [(Interview.Field.answer("f_opmerkingen"), .string("rood\u{1B}[31m"))], at: day + 1000)
            let result = try await fixture.store.push(escaped, from: laptop.principal, now: fixture.now)
            #expect(result.accepted.isEmpty)
            #expect(result.rejected.map(\.code) == [.invalid])
            #expect(result.rejected.first?.reason.contains("U+001B") == true)
            let kept = "Eerste regel\n\tingesprongen"
            try await fixture.sync(laptop.edit(interview: id, nis: "11002", [(Interview.Field.answer("f_opmerkingen"), .string(kept))], at: day + 2000), from: laptop)
            let merged = try await fixture.mergedInterviews()
            #expect(merged[id]?["answers.f_opmerkingen"] == .string(kept))
        }
    }
}
