import ArgumentParser
import CommandLineOptions
import Foundation
import Shared

/// `veldwerk export`: a researcher, coordinator or admin downloads the merged dataset.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download the merged dataset: csv, csv-long, jsonl, sav, codebook, codebook-csv or quotes.",
        discussion: """
            Streams one consistent snapshot from the server into --out, with a progress counter.
            An existing file is replaced only with --force, and only once the download is complete; a folder never.
            Pseudonymised; admins may add --include-personal-data. Sign in first with `veldwerk login`.
            Examples:
              veldwerk export --format sav --out studie.sav
              veldwerk export --format csv --labels --separator semicolon --bom --out studie.csv
              veldwerk export --format jsonl --since 1234 --out wijzigingen.jsonl
            """
    )

    @OptionGroup var export: ExportArguments
    @Option(help: "The file to save (not a folder; an existing file needs --force).") var out: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    /// What the command reports.
    struct Summary: Codable {
        var file: String
        var format: String
        var bytes: Int64
        var logPosition: Int64?
        var questionnaire: String?
        var versions: [String]
    }

    func validate() throws {
        _ = try export.outputFile(out)
    }

    /// Downloads into a temporary file that replaces `--out` only when the server answered 2xx and every byte arrived.
    ///
    /// A refusal of the file found only now (a file appeared since `validate()`, the folder is not
    /// writable) is bad input, exit code 2.
    private func download(_ request: TransportRequest, security: TransportSecurity, meter: DownloadMeter) async throws -> DownloadResult {
        do {
            return try await OutputFile(path: out, force: export.force).write { handle in
                let result = try await CurlTransport(totalTimeout: 0, security: security).download(request, into: handle) { bytes in meter.update(bytes) }
                // An error answer's body went to memory, not the file; throwing removes the temporary file.
                guard (200..<300).contains(result.status) else {
                    throw ClientError.refusal(status: result.status, body: result.errorBody)
                }
                return result
            }
        } catch let error as OutputFileError {
            throw ClientError.invalidInput(error.description)
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            let login = try store.requireLogin()
            let base = login.serverURL.hasSuffix("/") ? String(login.serverURL.dropLast()) : login.serverURL
            let request = TransportRequest(
                method: "GET", url: base + "/v1/export?" + export.query, headers: [("Authorization", "Bearer \(login.token)")]
            )
            let meter = DownloadMeter(enabled: !output.json && isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
            defer { meter.finish() }
            let result = try await download(request, security: login.security ?? TransportSecurity(), meter: meter)
            let summary = Summary(
                file: out, format: export.format, bytes: result.bytes,
                logPosition: result.headers["veldwerk-log-position"].flatMap { Int64($0) },
                questionnaire: result.headers["veldwerk-questionnaire"],
                versions: result.headers["veldwerk-questionnaire-versions"].map { $0.split(separator: ",").map(String.init) } ?? []
            )
            try output.emit(summary) {
                var text = localized(nl: "\(DownloadMeter.size(result.bytes)) bewaard in \(out)", en: "Saved \(DownloadMeter.size(result.bytes)) to \(out)")
                if let questionnaire = summary.questionnaire {
                    text += ": \(questionnaire) " + localized(nl: "versie(s) ", en: "version(s) ") + summary.versions.joined(separator: ", ")
                }
                if let position = summary.logPosition {
                    text += localized(
                        nl: ", tot logpositie \(position) (volgende incrementele export: --since \(position))",
                        en: ", as of log position \(position) (next incremental export: --since \(position))"
                    )
                }
                return text + "."
            }
        }
    }
}

/// A one-line progress counter on standard error: bytes so far and the rate, redrawn at most 10 times a second.
///
/// The size of a streamed export is not known in advance, so it counts rather than fills a bar.
final class DownloadMeter: Sendable {
    private let enabled: Bool
    private let start = Date()
    private let state = LockedState()

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func update(_ bytes: Int64) {
        guard enabled else { return }
        let now = Date()
        guard state.shouldDraw(at: now) else { return }
        let seconds = max(now.timeIntervalSince(start), 0.001)
        let rate = Int64(Double(bytes) / seconds)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + localized(nl: "Downloaden… ", en: "Downloading… ") + "\(Self.size(bytes)) (\(Self.size(rate))/s)").utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// `1.2 MB`, `340 kB`, `12 bytes`.
    static func size(_ bytes: Int64) -> String {
        switch bytes {
        case ..<1000: return "\(bytes) " + localized(nl: "bytes", en: "bytes")
        case ..<1_000_000: return String(format: "%.0f kB", Double(bytes) / 1000)
        case ..<1_000_000_000: return String(format: "%.1f MB", Double(bytes) / 1_000_000)
        default: return String(format: "%.2f GB", Double(bytes) / 1_000_000_000)
        }
    }

    private final class LockedState: @unchecked Sendable {
        // Safe: every access holds `lock`.
        private let lock = NSLock()
        private var lastDraw = Date.distantPast

        func shouldDraw(at now: Date) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            guard now.timeIntervalSince(lastDraw) >= 0.1 else { return false }
            lastDraw = now
            return true
        }
    }
}
