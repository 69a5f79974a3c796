import ArgumentParser
import Foundation
import GRDB
import LogStore
import Shared

/// `veldwerk-server generate-interviews` (hidden): fills a database with generated interviews, for
/// load tests and the export benchmark. Never run it on a real study's database.
struct GenerateInterviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-interviews",
        abstract: "Add generated interviews to a test database (benchmarks only).",
        shouldDisplay: false
    )

    @Option(help: "How many interviews.") var count = 1000
    @Option(help: "Seed of the generator.") var seed: UInt64 = 42
    @Option(help: "How many interviewers to create.") var interviewers = 102
    @OptionGroup var data: DataOptions

    func run() async throws {
        let store = try await openAdminStore(data)
        let form = try XLSFormCompiler.defaultStudy()
        let nisCodes = try Roster.defaultStudy().municipalities(validOn: "2024-12-31").map(\.nis)
        var people: [UserID] = []
        for number in 1...max(1, interviewers) {
            people.append(try await store.createUser(name: "Interviewer \(number)", role: .interviewer, email: nil, now: Date()).id)
        }
        var generator = SampleInterviews(form: form, municipalities: nisCodes, interviewers: people, random: SplitMix64(seed: seed))
        var made = 0
        let start = ContinuousClock.now
        while made < count {
            let batch = min(1000, count - made)
            var edits: [FieldEdit] = []
            for _ in 0..<batch { edits += generator.next().edits }
            let frozen = edits
            try await store.engine.write { [sealing = store.sealing] db in
                // Random interview ids insert all over the indexes: a large page cache keeps that fast.
                try db.sqlitePragma("cache_size = -262144")
                _ = try SQLServerStore.author(frozen, by: .system, now: Date(), sealing: sealing, in: db)
            }
            made += batch
            FileHandle.standardError.write(Data("\r\(made)/\(count) interviews".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        print("Generated \(made) interviews in \(ContinuousClock.now - start).")
    }
}

/// SplitMix64: a small seedable generator, so a seed replays the same data.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
