import Foundation

/// Identifies a person: an interviewer, coordinator, researcher or admin.
public struct UserID: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The server itself, author of loads from files.
    public static let system = UserID("system")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One field-level edit, on either side: the unit of the log, of sync and of the merge rule.
///
/// `base` is the timestamp of the version of this field the author saw when editing (nil when
/// they saw none). A change whose base is at or after another's timestamp has seen it.
public struct Change: Codable, Hashable, Sendable {
    public var id: ChangeID
    public var scope: Scope
    public var entity: Entity
    public var entityId: String
    public var field: String
    /// The new value; `nil` clears the field.
    public var value: JSONValue?
    public var hlc: HLC
    public var base: HLC?
    public var author: UserID

    public init(
        id: ChangeID, scope: Scope, entity: Entity, entityId: String, field: String,
        value: JSONValue?, hlc: HLC, base: HLC?, author: UserID
    ) {
        self.id = id
        self.scope = scope
        self.entity = entity
        self.entityId = entityId
        self.field = field
        self.value = value == .null ? nil : value
        self.hlc = hlc
        self.base = base
        self.author = author
    }

    public var key: FieldKey { FieldKey(entity: entity, entityId: entityId, field: field) }

    /// The part of the change the merge rule looks at.
    public var version: FieldVersion { FieldVersion(id: id, hlc: hlc, base: base, value: value) }

    enum CodingKeys: String, CodingKey {
        case id, scope, entity, entityId, field, value, hlc, base, author
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let value = try container.decodeIfPresent(JSONValue.self, forKey: .value)
        self.init(
            id: try container.decode(ChangeID.self, forKey: .id),
            scope: try container.decode(Scope.self, forKey: .scope),
            entity: try container.decode(Entity.self, forKey: .entity),
            entityId: try container.decode(String.self, forKey: .entityId),
            field: try container.decode(String.self, forKey: .field),
            value: value,
            hlc: try container.decode(HLC.self, forKey: .hlc),
            base: try container.decodeIfPresent(HLC.self, forKey: .base),
            author: try container.decode(UserID.self, forKey: .author)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(scope, forKey: .scope)
        try container.encode(entity, forKey: .entity)
        try container.encode(entityId, forKey: .entityId)
        try container.encode(field, forKey: .field)
        try container.encode(value ?? .null, forKey: .value)
        try container.encode(hlc, forKey: .hlc)
        try container.encodeIfPresent(base, forKey: .base)
        try container.encode(author, forKey: .author)
    }
}
