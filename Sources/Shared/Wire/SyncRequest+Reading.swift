import Foundation

extension SyncRequest {
    /// Reads a sync request as `JSONDecoder` would, but through ``JSONValueParser``: in one pass
    /// over the bytes, with every pushed value's nesting limited to ``JSONValueParser/maxDepth``.
    /// Members a newer laptop adds are ignored.
    public init(wireJSON data: some Collection<UInt8>) throws {
        let root = try WireReader.object(JSONValueParser.parse(bytes: Array(data), envelope: 3), "the sync request")
        guard let device = DeviceID(rawValue: try WireReader.string(root["device"], "device")) else {
            throw WireReader.Failure(what: "device", expected: "a device id")
        }
        self.init(
            device: device,
            push: try WireReader.array(root["push"], "push").map(WireReader.change),
            cursors: try WireReader.object(root["cursors"], "cursors").mapValues { try WireReader.int($0, "a cursor") },
            clientTime: try WireReader.int(root["clientTime"], "clientTime"),
            logEpoch: try root["logEpoch"].flatMap { $0 == .null ? nil : $0 }.map { try WireReader.string($0, "logEpoch") }
        )
    }
}
