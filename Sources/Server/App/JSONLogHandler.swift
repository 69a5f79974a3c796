import Foundation
import Logging
import Synchronization

/// How `serve` writes its log: lines for a person, or one JSON object per line for a log collector.
enum LogFormat: String, CaseIterable, Sendable {
    case text, json
}

/// A log handler that writes each entry as one JSON object on its own line (to standard error):
/// `{"time": …, "level": …, "label": …, "message": …, "request.id": …, …}`, metadata flattened into
/// the object, so journald, Loki or Elasticsearch can filter on any field.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let output: @Sendable (Data) -> Void

    init(label: String, output: @escaping @Sendable (Data) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.output = output
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata { merged.merge(given) { _, new in new } }
        output(Self.line(time: Date(), level: event.level, label: label, message: "\(event.message)", metadata: merged))
    }

    /// One entry as a JSON line. Hummingbird's `hb.request.id` is written as `request.id`.
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> Data {
        var object: [String: Any] = [:]
        for (key, value) in metadata {
            object[key == "hb.request.id" ? "request.id" : key] = json(value)
        }
        object["time"] = time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        object["level"] = level.rawValue
        object["label"] = label
        object["message"] = message
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return data + Data("\n".utf8)
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible as Int): return convertible
        case .stringConvertible(let convertible as Double): return convertible
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return values.map(json)
        case .dictionary(let values): return values.mapValues(json)
        }
    }

    private static let lock = Mutex(())

    /// Writes whole lines to standard error, one writer at a time, so lines never interleave.
    @Sendable static func standardError(_ line: Data) {
        lock.withLock { _ in FileHandle.standardError.write(line) }
    }
}
