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
            let store = try SQLiteServerStore(path: directory.appending("server.sqlite").path)
            await #expect { _ = try await store.createUser(name: "lap\0top", role: .interviewer, email: nil, now: Date()) } throws: { error in
                (error as? APIError)?.message.contains("U+0000 (NUL)") == true
            }
            await #expect(throws: APIError.self) {
                _ = try await store.createUser(name: "Ann", role: .interviewer, email: "ann\u{1B}[8m@example.org", now: Date())
            }
            await #expect { _ = try await store.createUsers(csv: "name,email\nBert,bert@example.org\nCe\u{1B}[2Jlien,\n", codeLifetime: 3600, now: Date()) } throws: { error in
                guard let error = error as? APIError else { return false }
                return error.status == .unprocessableContent && error.message.contains("Row 3") && error.message.contains("U+001B")
            }
            #expect(try await store.users().isEmpty)
        }
    }
}
