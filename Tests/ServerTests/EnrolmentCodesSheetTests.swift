import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("The printable enrolment codes list")
struct EnrolmentCodesSheetTests {
    @Test("it names the server's real address and lines the codes up under each other")
    func addressAndAlignment() async throws {
        try await withTemporaryDirectory { folder in
            let data = folder.appending("data").path
            for name in ["An", "Bartholomeus Van den Broecke", "Zoë Claes"] {
                let made = try await ProgramRunner.run("veldwerk-server", ["admin", "create-user", "--name", name, "--role", "interviewer", "--data", data])
                #expect(made.status == 0, "\(made.stderr)")
            }
            // As `serve` notes it when it starts.
            try await SQLServerStore(path: folder.appending("data/veldwerk.sqlite").path).noteAddress("https://veldwerk.example.org", now: Date())
            let sheet = try await ProgramRunner.run("veldwerk-server", ["admin", "enrolment-codes", "--data", data])
            #expect(sheet.status == 0, "\(sheet.stderr)")
            #expect(sheet.stdout.contains("veldwerk enrol --server https://veldwerk.example.org --code CODE"))
            let rows = sheet.stdout.split(separator: "\n").filter { $0.contains("valid until") }
            #expect(rows.count == 3)
            let columns = Set(rows.map { row in row.distance(from: row.startIndex, to: row.range(of: "valid until")!.lowerBound) })
            #expect(columns.count == 1, "the codes line up: \(rows)")
            let given = try await ProgramRunner.run("veldwerk-server", ["admin", "enrolment-codes", "--server", "https://veldwerk.local:8443", "--data", data])
            #expect(given.stdout.contains("--server https://veldwerk.local:8443 --code"))
        }
    }
}
