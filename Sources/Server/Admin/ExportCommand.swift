import LogStore
import ArgumentParser
import CommandLineOptions
import Foundation
import GRDB
import Shared

/// `veldwerk-server export`: the dataset straight from the database on the server host.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the merged dataset: csv, csv-long, jsonl, sav, codebook, codebook-csv or quotes.",
        discussion: """
            Reads one consistent snapshot and streams it to --out (or standard output with --out -).
            An existing file is replaced only with --force, and only once the new one is complete; a folder never.
            Pseudonymised unless --include-personal-data (the host operator is an admin).
            Example: veldwerk-server export --format sav --out study.sav --data /srv/veldwerk
            """
    )

    @OptionGroup var export: ExportArguments
    @Option(help: "The file to write (not a folder; an existing file needs --force); - for standard output.") var out: String
    @Flag(help: "Print the export's manifest (log position, versions, interviews) as JSON.") var json = false
    @OptionGroup var data: DataOptions
    @Flag(help: .hidden) var referenceScan = false

    func validate() throws {
        _ = try export.options()
        if out != "-" { _ = try export.outputFile(out) }
    }

    func run() async throws {
        let options = try export.options()
        let store = try await openAdminStore(data)
        if referenceScan {
            try await Self.referenceScan(store)
            return
        }
        let exporter: Exporter
        do {
            exporter = try await Exporter.prepare(store: store, options: options)
        } catch let error as ExportError {
            // A repeat the questionnaire does not have is a usage error (exit 64), as a bad option is.
            guard case .unknownRepeat = error else { throw error }
            throw ValidationError(error.description)
        }
        let manifest: ExportManifest
        if out == "-" {
            let handle = FileHandle.standardOutput
            manifest = try await exporter.write { chunk in try handle.write(contentsOf: chunk) }
        } else {
            manifest = try await export.outputFile(out).write { handle in
                try await exporter.write { chunk in try handle.write(contentsOf: chunk) }
            }
        }
        if json {
            try printJSON(manifest)
        } else {
            FileHandle.standardError.write(Data((Self.summary(manifest, to: out) + "\n").utf8))
        }
    }

    /// What an export wrote, in a sentence: how many interviews (or instances of a repeat), where, and the log position.
    static func summary(_ manifest: ExportManifest, to out: String) -> String {
        var count = manifest.interviews.map { counted($0, nl: ("interview", "interviews"), en: ("interview", "interviews")) }
            ?? localized(nl: "het codeboek", en: "the codebook")
        if let instances = manifest.instances, let group = manifest.repeatGroup {
            count = counted(instances, nl: ("instantie", "instanties"), en: ("instance", "instances"))
                + localized(nl: " van \(group) uit ", en: " of \(group) from ") + count
        }
        let target = out == "-" ? localized(nl: "de standaarduitvoer", en: "standard output") : out
        let versions = manifest.versions.joined(separator: ", ")
        let position = manifest.logPosition
        return localized(
            nl: "\(count) geschreven naar \(target): \(manifest.questionnaire) versie(s) \(versions), tot logpositie \(position) (volgende aanvullende export: --since \(position)).",
            en: "Wrote \(count) to \(target): \(manifest.questionnaire) version(s) \(versions), as of log position \(position) (next incremental export: --since \(position))."
        )
    }

    /// The benchmark's reference: a raw scan of the same `field_state` rows in one read transaction,
    /// touching every value, with no decoding or writing.
    static func referenceScan(_ store: SQLServerStore) async throws {
        let start = ContinuousClock.now
        let (rows, bytes) = try await store.engine.read { db -> (Int, Int) in
            let cursor = try db.fetchAll("SELECT entity_id, field, value FROM field_state WHERE entity = 'interview' ORDER BY entity_id, field")
            var rows = 0
            var bytes = 0
            for row in cursor {
                rows += 1
                let value: String? = row["value"]
                bytes += value?.utf8.count ?? 0
            }
            return (rows, bytes)
        }
        print("reference scan: \(rows) rows, \(bytes) value bytes, \(ContinuousClock.now - start)")
    }
}

extension ExportArguments {
    /// The options as the exporter reads them; a ValidationError names a bad one.
    func options() throws -> ExportOptions {
        do {
            return try ExportOptions(parameters: parameters)
        } catch let error as ExportError {
            throw ValidationError(error.description)
        }
    }
}
