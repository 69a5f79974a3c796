import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// Personal data at rest on the laptop: sealed in its database under a key locked by the interviewer's
/// passphrase, readable with it, sent to the server as it was typed, and found in no byte of the
/// laptop's files.
@Suite("Personal data encrypted on the laptop", .serialized)
struct LaptopEncryptionTests {
    static let personal = ["Griet Vandenbroucke", "0478 12 34 56", "Goedele Verstraeten", "0499 88 77 66"]

    /// The laptop's database, WAL and shared-memory file, copied while no program has them open.
    private func copiedFiles(_ laptop: Laptop) throws -> Data {
        let copy = try TemporaryDirectory(prefix: "veldwerk-copy")
        defer { copy.remove() }
        var bytes = Data()
        for file in ClientStore.databaseFiles(home: laptop.home.url) where FileManager.default.fileExists(atPath: file.path) {
            let target = copy.appending(file.lastPathComponent)
            try FileManager.default.copyItem(at: file, to: target)
            bytes.append(try Data(contentsOf: target))
        }
        return bytes
    }

    private func found(_ text: String, in bytes: Data) -> Bool { bytes.range(of: Data(text.utf8)) != nil }

    @Test("after an interview with personal data no personal value is in any byte of the laptop's files; the passphrase opens them, a wrong one is a clear error")
    func personalValuesSealed() async throws {
        try await TestServer.with { server in
            // The study's next version declares its closing remarks personal data.
            var form = try XLSFormCompiler.defaultStudy()
            form.version = "2"
            form.personalDataQuestions = ["f_opmerkingen"]
            _ = try await server.store.publishQuestionnaire(form, by: hostOperator, now: Date())
            let ine = try await server.interviewer("Ine Maes", municipalities: ["11001"])
            let laptop = try Laptop()
            defer { laptop.remove() }

            try await laptop.run(["enrol", "--server", server.url, "--code", ine.code])
            try await laptop.run(["sync"])
            let id = try await laptop.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await laptop.run(["interview", "set", id, "a_modus=telefonisch", "f_opmerkingen=Griet Vandenbroucke, bel 0478 12 34 56"])
            try await laptop.run(["contact", "log", "11001", "--mode", "phone", "--outcome", "callback", "--note", "Goedele Verstraeten, gsm 0499 88 77 66"])

            var bytes = try copiedFiles(laptop)
            #expect(found("telefonisch", in: bytes), "the scan reads the data: a non-personal answer is there")
            for value in Self.personal { #expect(!found(value, in: bytes), "\(value) is not in the laptop's files") }

            // With the passphrase the values read as typed.
            let shown = try await laptop.run(["interview", "show", id, "--json"])
            #expect(shown.stdout.contains("Griet Vandenbroucke, bel 0478 12 34 56"))
            let contacts = try await laptop.run(["contact", "history", "11001", "--json"])
            #expect(contacts.stdout.contains("Goedele Verstraeten"))

            // A wrong passphrase is an error, never an empty value; what needs no personal data still works.
            let wrong = try await laptop.run(["interview", "show", id], check: false, environment: ["VELDWERK_PASSPHRASE": "not-the-passphrase"])
            #expect(wrong.status == 9, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("does not open"))
            #expect(!wrong.stdout.contains("Griet"))
            let none = try await laptop.run(["interview", "show", id], check: false, environment: ["VELDWERK_PASSPHRASE": ""])
            #expect(none.status == 9)
            #expect(none.stderr.contains("VELDWERK_PASSPHRASE"))
            try await laptop.run(["status"], environment: ["VELDWERK_PASSPHRASE": ""])

            // The server gets the values as typed (over the wire, which TLS protects).
            try await laptop.run(["sync"])
            let uuid = try #require(UUID(uuidString: id))
            let detail = try #require(await server.store.interviewDetail(uuid))
            #expect(detail.interview.answers["f_opmerkingen"] == .string("Griet Vandenbroucke, bel 0478 12 34 56"))
            #expect(detail.interview.answers["a_modus"] == .string("telefonisch"))

            // A new passphrase seals everything again under a new key: the old one opens nothing.
            let changed = try await laptop.run(["passphrase", "change"], environment: ["VELDWERK_NEW_PASSPHRASE": "een nieuwe zin"])
            #expect(changed.stdout.contains("encrypted again"), "\(changed.stdout) \(changed.stderr)")
            let old = try await laptop.run(["interview", "show", id], check: false)
            #expect(old.status == 9)
            let renewed = try await laptop.run(["interview", "show", id, "--json"], environment: ["VELDWERK_PASSPHRASE": "een nieuwe zin"])
            #expect(renewed.stdout.contains("Griet Vandenbroucke"))
            bytes = try copiedFiles(laptop)
            for value in Self.personal { #expect(!found(value, in: bytes), "\(value) is not in the files after the change") }
        }
    }
}
