import Foundation

extension SyncResponse {
    /// Reads a sync response as `JSONDecoder` would, but through ``JSONValueParser``: a first sync
    /// pulls thousands of changes, and decoding each value through `Codable` cost a laptop more
    /// than the whole server spent answering. Tested against `JSONDecoder` on random responses.
    public init(wireJSON data: Data) throws {
        let root = try WireReader.object(JSONValueParser.parse(bytes: Array(data), envelope: 3), "the sync response")
        self.init(
            accepted: try WireReader.array(root["accepted"], "accepted").map { try WireReader.changeID($0, "accepted") },
            rejected: try WireReader.array(root["rejected"], "rejected").map { item in
                let object = try WireReader.object(item, "a rejection")
                guard let code = Rejection.Code(rawValue: try WireReader.string(object["code"], "rejection code")) else {
                    throw WireReader.Failure(what: "rejection code", expected: "invalid, quarantined or clockSkew")
                }
                return Rejection(
                    changeId: try WireReader.changeID(object["changeId"], "rejection changeId"), code: code,
                    reason: try WireReader.string(object["reason"], "rejection reason")
                )
            },
            pull: try WireReader.array(root["pull"], "pull").map(WireReader.change),
            cursors: try WireReader.object(root["cursors"], "cursors").mapValues { try WireReader.int($0, "a cursor") },
            more: try WireReader.bool(root["more"], "more"),
            serverTime: try WireReader.int(root["serverTime"], "serverTime"),
            revoked: try root["revoked"].map { try WireReader.bool($0, "revoked") },
            logEpoch: try root["logEpoch"].flatMap { $0 == .null ? nil : $0 }.map { try WireReader.string($0, "logEpoch") }
        )
    }
}

/// Typed access to a parsed JSON tree, with errors that say which member was wrong.
package enum WireReader {
    package struct Failure: Error, CustomStringConvertible {
        package var what: String
        package var expected: String
        package var description: String { "\(what): expected \(expected)" }
    }

    static func object(_ value: JSONValue?, _ what: String) throws -> [String: JSONValue] {
        guard let members = value?.objectValue else { throw Failure(what: what, expected: "an object") }
        return members
    }

    static func array(_ value: JSONValue?, _ what: String) throws -> [JSONValue] {
        guard case .array(let items)? = value else { throw Failure(what: what, expected: "an array") }
        return items
    }

    static func string(_ value: JSONValue?, _ what: String) throws -> String {
        guard let text = value?.stringValue else { throw Failure(what: what, expected: "a string") }
        return text
    }

    static func int(_ value: JSONValue?, _ what: String) throws -> Int64 {
        guard case .int(let number)? = value else { throw Failure(what: what, expected: "an integer") }
        return number
    }

    static func bool(_ value: JSONValue?, _ what: String) throws -> Bool {
        guard case .bool(let flag)? = value else { throw Failure(what: what, expected: "true or false") }
        return flag
    }

    static func changeID(_ value: JSONValue?, _ what: String) throws -> ChangeID {
        guard let id = ChangeID(try string(value, what)) else { throw Failure(what: what, expected: "a change id (device:seq)") }
        return id
    }

    static func clock(_ value: JSONValue?, _ what: String) throws -> HLC {
        guard let clock = HLC(encoded: try string(value, what)) else { throw Failure(what: what, expected: "a clock timestamp") }
        return clock
    }

    /// A change as ``Change``'s `Codable` conformance reads it: `value` null or absent is no value, `base` optional.
    static func change(_ item: JSONValue) throws -> Change {
        let object = try object(item, "a change")
        guard let scope = Scope(rawValue: try string(object["scope"], "change scope")) else {
            throw Failure(what: "change scope", expected: "global or municipality:<nis>")
        }
        let value = object["value"].flatMap { $0 == .null ? nil : $0 }
        let base = object["base"].flatMap { $0 == .null ? nil : $0 }
        return Change(
            id: try changeID(object["id"], "change id"), scope: scope, entity: Entity(rawValue: try string(object["entity"], "change entity")),
            entityId: try string(object["entityId"], "change entityId"), field: try string(object["field"], "change field"), value: value,
            hlc: try clock(object["hlc"], "change hlc"), base: try base.map { try clock($0, "change base") },
            author: UserID(try string(object["author"], "change author"))
        )
    }
}
