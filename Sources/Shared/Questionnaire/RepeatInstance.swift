import Foundation

/// One instance of a repeat (`begin_repeat`) in an interview, as the merged interview fields hold it.
///
/// An instance is made by a change on the interview field `repeats.<id>` whose value is a
/// ``Marker`` (its repeat, its parent instance for a nested repeat, and an order key), and deleted
/// by a change writing the same marker with `"deleted": true` (a tombstone that keeps the repeat, so
/// a late answer to a deleted instance can still be checked, and an undo is one more change). Its answers are the fields `repeats.<id>.<question>`,
/// one field each, so two people adding instances or answering in different instances never touch
/// the same field. Ids are random, never positions: instances made on two laptops offline both
/// survive the merge, and every replica orders them the same way (by order key, then id).
public struct RepeatInstance: Codable, Equatable, Sendable {
    /// The random instance id (8 to 32 of `a-z0-9`).
    public var id: String
    /// The repeat's group name.
    public var group: String
    /// The enclosing repeat's instance, for a nested repeat.
    public var parent: String?
    /// Orders instances; the creating change's clock.
    public var order: String
    /// Answers by question name.
    public var answers: [String: JSONValue]

    /// Creates an instance.
    public init(id: String, group: String, parent: String? = nil, order: String, answers: [String: JSONValue] = [:]) {
        self.id = id
        self.group = group
        self.parent = parent
        self.order = order
        self.answers = answers
    }

    /// The value of `repeats.<id>`: what an instance is, written once when it is made.
    public struct Marker: Equatable, Sendable {
        public var group: String
        public var parent: String?
        public var order: String
        /// Whether the instance was deleted.
        public var deleted: Bool

        public init(group: String, parent: String?, order: String, deleted: Bool = false) {
            self.group = group
            self.parent = parent
            self.order = order
            self.deleted = deleted
        }

        /// Reads a marker value; nil for another shape.
        public init?(_ value: JSONValue?) {
            guard let object = value?.objectValue, let group = object["group"]?.stringValue, let order = object["order"]?.stringValue,
                  Set(object.keys).isSubset(of: ["group", "parent", "order", "deleted"])
            else { return nil }
            let parent = object["parent"]?.stringValue
            guard object["parent"] == nil || parent != nil, object["deleted"] == nil || object["deleted"] == .bool(true) else { return nil }
            self.init(group: group, parent: parent, order: order, deleted: object["deleted"] == .bool(true))
        }

        /// The JSON value stored in `repeats.<id>`.
        public var value: JSONValue {
            var object: [String: JSONValue] = ["group": .string(group), "order": .string(order)]
            if let parent { object["parent"] = .string(parent) }
            if deleted { object["deleted"] = .bool(true) }
            return .object(object)
        }

        /// The same instance, deleted.
        public var tombstone: Marker {
            var marker = self
            marker.deleted = true
            return marker
        }
    }

    /// Whether `id` is a well-formed instance id: 8 to 32 of `a-z0-9`.
    public static func isValidID(_ id: some StringProtocol) -> Bool {
        (8...32).contains(id.utf8.count) && id.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// A new random instance id (16 of `a-z0-9`).
    public static func newID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// A repeat field name taken apart: `repeats.<instance>` (question nil) or `repeats.<instance>.<question>`.
    /// Nil when the field is not a repeat field or its instance id is malformed.
    public static func parseField(_ field: String) -> (instance: String, question: String?)? {
        guard field.hasPrefix(Interview.Field.repeatPrefix) else { return nil }
        let rest = field.dropFirst(Interview.Field.repeatPrefix.count)
        let instance = rest.prefix { $0 != "." }
        guard isValidID(instance) else { return nil }
        let question = rest.dropFirst(instance.count + 1)
        if instance.count == rest.count { return (String(instance), nil) }
        return question.isEmpty ? nil : (String(instance), String(question))
    }

    /// The live instances in an interview's fields, by repeat, each in order. Deleted instances, answers
    /// of instances never made, and instances whose parent instance is gone are left out.
    public static func instances(inFields fields: [String: JSONValue]) -> [String: [RepeatInstance]] {
        var byID: [String: RepeatInstance] = [:]
        var answers: [String: [String: JSONValue]] = [:]
        for (field, value) in fields {
            guard let (id, question) = parseField(field) else { continue }
            if let question {
                if value != .null { answers[id, default: [:]][question] = value }
            } else if let marker = Marker(value), !marker.deleted {
                byID[id] = RepeatInstance(id: id, group: marker.group, parent: marker.parent, order: marker.order)
            }
        }
        func isLive(_ instance: RepeatInstance, depth: Int = 0) -> Bool {
            guard let parent = instance.parent else { return true }
            guard depth < 32, let enclosing = byID[parent] else { return false }
            return isLive(enclosing, depth: depth + 1)
        }
        var result: [String: [RepeatInstance]] = [:]
        for var instance in byID.values where isLive(instance) {
            instance.answers = answers[instance.id] ?? [:]
            result[instance.group, default: []].append(instance)
        }
        for group in result.keys { result[group]?.sort { ($0.order, $0.id) < ($1.order, $1.id) } }
        return result
    }
}
