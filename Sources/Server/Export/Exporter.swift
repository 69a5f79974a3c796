import Foundation
import Shared

/// What an export reflects, known before the first byte is sent: the download route puts it in
/// headers, the commands print it.
struct ExportManifest: Codable, Equatable, Sendable {
    var format: ExportFormat
    /// The last change-log position the export reflects; pass it as `since` for the next incremental export.
    var logPosition: Int64
    var questionnaire: String
    /// The questionnaire versions whose questions make the columns, oldest first.
    var versions: [String]
    var fileName: String
    /// The repeat whose file this is (`repeat=NAME`); nil for the main file.
    var repeatGroup: String?
    /// Interviews written; known once the export is done.
    var interviews: Int?
    /// Repeat instances written, for a repeat's file; known once the export is done.
    var instances: Int?
}

/// An export that has opened its snapshot and planned its columns, ready to stream.
///
/// ``prepare(store:options:)`` does everything that can fail with a clear message (options, roles are
/// checked by the caller, the questionnaire, the snapshot), so a download fails before its first
/// byte rather than halfway; ``write(to:)`` then streams the file page by page.
struct Exporter: Sendable {
    let options: ExportOptions
    let manifest: ExportManifest
    private let reading: any ExportReading
    private let study: ExportStudy
    private let schema: ExportSchema
    /// The repeat whose file to write; nil for the main file.
    private let repeatGroup: ExportSchema.Repeat?
    /// Interviews read per page: the most held in memory at once.
    var pageSize = 500

    static func prepare(store: some ExportStore, options: ExportOptions) async throws -> Exporter {
        let reading = try await store.beginExport()
        let study = try await reading.study()
        let metadata = MetadataColumn.columns(includePersonalData: true).map(\.rawValue)
        let schema = try ExportSchema(questionnaires: study.questionnaires, reservedNames: metadata)
        let repeatGroup = try options.repeatGroup.map(schema.repeatGroup(named:))
        return Exporter(options: options, reading: reading, study: study, schema: schema, repeatGroup: repeatGroup)
    }

    private init(options: ExportOptions, reading: any ExportReading, study: ExportStudy, schema: ExportSchema, repeatGroup: ExportSchema.Repeat?) {
        self.options = options
        self.reading = reading
        self.study = study
        self.schema = schema
        self.repeatGroup = repeatGroup
        manifest = ExportManifest(
            format: options.format, logPosition: study.logPosition, questionnaire: schema.questionnaireID, versions: schema.versions,
            fileName: options.format.fileName(logPosition: study.logPosition, repeatGroup: repeatGroup?.name), repeatGroup: repeatGroup?.name
        )
    }

    /// Streams the file to `sink` in chunks of about 64 KiB; returns the manifest with the interview count.
    func write(to sink: ([UInt8]) async throws -> Void) async throws -> ExportManifest {
        var writer = try await makeWriter()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.chunkSize + 16 * 1024)
        writer.begin(into: &buffer)
        var count = 0
        var instances = 0
        if options.format.readsInterviews {
            var builder = ExportRecordBuilder(schema: schema, study: study, options: options)
            var after: String?
            while true {
                let page = try await reading.interviews(after: after, limit: pageSize, changedAfter: options.since)
                guard let last = page.last else { break }
                after = last.id
                for stored in page {
                    guard let record = builder.record(stored) else { continue }
                    writer.write(record, into: &buffer)
                    count += 1
                    instances += repeatGroup.map { record.instances[$0.name]?.count ?? 0 } ?? 0
                    if buffer.count >= Self.chunkSize {
                        try await sink(buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                if page.count < pageSize { break }
            }
        }
        writer.finish(into: &buffer)
        if !buffer.isEmpty { try await sink(buffer) }
        var done = manifest
        done.interviews = options.format.readsInterviews ? count : nil
        done.instances = repeatGroup == nil ? nil : instances
        return done
    }

    static let chunkSize = 64 * 1024

    private func makeWriter() async throws -> any ExportWriter {
        switch options.format {
        case .csv: return WideCSVWriter(schema: schema, options: options, repeatGroup: repeatGroup)
        case .csvLong: return LongCSVWriter(schema: schema, options: options)
        case .jsonl: return JSONLinesWriter(schema: schema, options: options)
        case .codebook, .codebookCSV: return CodebookWriter(schema: schema, options: options, logPosition: study.logPosition)
        case .quotes: return QuotesWriter(schema: schema, options: options)
        case .sav:
            let metadata = MetadataColumn.columns(includePersonalData: options.includePersonalData)
            let longest = try await reading.longestStrings(of: SAVWriter.measuredFields(schema: schema, metadata: metadata, repeatGroup: repeatGroup))
            return SAVWriter(schema: schema, options: options, study: study, longest: longest, repeatGroup: repeatGroup)
        }
    }
}
