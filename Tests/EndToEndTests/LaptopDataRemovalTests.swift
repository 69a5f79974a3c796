import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient
@testable import VeldwerkServer

/// A lost laptop and a finished study: the study's data leaves the laptop, and nothing unsent is lost
/// on the way without someone deciding so.
@Suite("Laptop data removal end to end", .serialized)
struct LaptopDataRemovalTests {
    struct StatusOutput: Decodable {
        var pendingChanges: Int
    }

    /// An enrolled, synced laptop with one interview and a contact attempt; returns the interview id.
    private func fieldwork(_ server: TestServer, _ laptop: Laptop, name: String) async throws -> String {
        let person = try await server.interviewer(name, municipalities: ["11001"])
        try await laptop.run(["enrol", "--server", server.url, "--code", person.code])
        try await laptop.run(["sync"])
        let id = try await laptop.run(["interview", "new", "--municipality", "11001"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await laptop.run(["interview", "set", id, "a_modus=telefonisch"])
        try await laptop.run(["contact", "log", "11001", "--mode", "phone", "--outcome", "appointment", "--appointment", "2025-01-14 10:30", "--note", "Mevr. Janssens"])
        try await laptop.run(["sync"])
        return id
    }

    private func databaseFilesLeft(_ laptop: Laptop) -> [String] {
        ClientStore.databaseFiles(home: laptop.home.url).map(\.path).filter { FileManager.default.fileExists(atPath: $0) }
    }

    @Test("a revoked laptop hands its unsent changes to the quarantine at its next sync, deletes the study's data and says so")
    func revokedLaptopWipesItself() async throws {
        try await TestServer.with { server in
            let laptop = try Laptop()
            defer { laptop.remove() }
            let id = try await fieldwork(server, laptop, name: "Els Wouters")
            // Offline work the server has not seen when the laptop is reported lost.
            try await laptop.run(["interview", "set", id, "a_modus=video"])
            try await laptop.run(["contact", "log", "11001", "--mode", "email", "--outcome", "no-answer", "--note", "Tweede poging"])
            let unsent = try await laptop.json(StatusOutput.self, ["status"]).pendingChanges
            #expect(unsent > 0)
            let device = try laptop.store().requireProfile().device
            #expect(!databaseFilesLeft(laptop).isEmpty)

            try await server.store.revokeDevice(device, now: Date())
            let last = try await laptop.run(["sync"], check: false)
            #expect(last.status == 5, "\(last.stderr)")
            #expect(last.stdout.contains("revoked by a coordinator"))
            #expect(last.stdout.contains("\(unsent) unsent changes were handed to the server"), "\(last.stdout)")
            #expect(last.stdout.contains("has been deleted"))
            #expect(databaseFilesLeft(laptop).isEmpty, "the laptop's database, WAL and shared memory are gone")

            // Nothing unsent was lost: it waits in the quarantine for a coordinator, none of it merged.
            let held = try await server.store.quarantine().filter { $0.change.id.device == device }
            #expect(held.count == unsent)
            #expect(held.allSatisfy { $0.reason.contains("after it was revoked") })
            #expect(try await server.store.interviewDetail(try #require(UUID(uuidString: id)))?.interview.answers["a_modus"] == .string("telefonisch"))

            // The laptop is no longer enrolled.
            let after = try await laptop.run(["status"], check: false)
            #expect(after.status == 3)
        }
    }

    @Test("a revoked laptop in hands without the passphrase still deletes the study's data at its next sync")
    func revokedLaptopWithoutPassphrase() async throws {
        try await TestServer.with { server in
            let laptop = try Laptop()
            defer { laptop.remove() }
            _ = try await fieldwork(server, laptop, name: "Wim Maes")
            // An unsent contact note: personal, sealed, so sending it needs the passphrase.
            try await laptop.run(["contact", "log", "11001", "--mode", "visit", "--outcome", "callback", "--note", "Terugbellen na vier uur"])
            try await server.store.revokeDevice(try laptop.store().requireProfile().device, now: Date())
            let last = try await laptop.run(["sync"], check: false, environment: ["VELDWERK_PASSPHRASE": ""])
            #expect(last.status == 5, "\(last.stderr)")
            #expect(last.stdout.contains("could not be handed over without the passphrase"), "\(last.stdout)")
            #expect(databaseFilesLeft(laptop).isEmpty)
        }
    }

    @Test("purge refuses while changes wait to be synced, removes everything after a sync, and --force removes unsynced work too")
    func purge() async throws {
        try await TestServer.with { server in
            let laptop = try Laptop()
            let other = try Laptop()
            defer {
                laptop.remove()
                other.remove()
            }
            let id = try await fieldwork(server, laptop, name: "Rik Peeters")
            try await laptop.run(["interview", "set", id, "a_modus=video"])
            let refused = try await laptop.run(["purge"], check: false)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("have not reached the server yet"), "\(refused.stderr)")
            #expect(refused.stderr.contains("veldwerk sync"))
            #expect(!databaseFilesLeft(laptop).isEmpty, "nothing was removed")

            try await laptop.run(["sync"])
            let purged = try await laptop.run(["purge"])
            #expect(purged.stdout.contains("Removed the study's data"), "\(purged.stdout)")
            #expect(databaseFilesLeft(laptop).isEmpty)
            #expect(try await laptop.run(["status"], check: false).status == 3)

            let otherID = try await fieldwork(server, other, name: "Nele Claes")
            try await other.run(["interview", "set", otherID, "a_modus=video"])
            let forced = try await other.run(["purge", "--force"])
            #expect(forced.stdout.contains("unsynced changes were deleted"), "\(forced.stdout)")
            #expect(databaseFilesLeft(other).isEmpty)
        }
    }
}
