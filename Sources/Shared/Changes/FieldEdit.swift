import Foundation

/// An edit someone makes, before it becomes a ``Change`` (which adds the id, clock, base and author).
public struct FieldEdit: Equatable, Sendable {
    public var scope: Scope
    public var entity: Entity
    public var entityId: String
    public var field: String
    public var value: JSONValue?

    public init(scope: Scope, entity: Entity, entityId: String, field: String, value: JSONValue?) {
        self.scope = scope
        self.entity = entity
        self.entityId = entityId
        self.field = field
        self.value = value
    }

    public var key: FieldKey { FieldKey(entity: entity, entityId: entityId, field: field) }
}
