import Foundation
import Shared

/// The kind of record a change edits. Kept open (a string) so a newer peer's kinds still decode.
public struct Entity: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// An interview; fields `municipality`, `state`, `answers.<question>`, `flags.<question>`, …
    public static let interview = Entity(rawValue: "interview")
    /// The case of a sampled municipality (entity id: NIS); field `status` when a coordinator sets it.
    public static let caseFile = Entity(rawValue: "case")
    /// A contact attempt (entity id: UUID).
    public static let contactAttempt = Entity(rawValue: "contactAttempt")
    /// Who works a municipality (entity id: NIS); field `interviewer`.
    public static let assignment = Entity(rawValue: "assignment")
    /// A roster row (entity id: `nis@validFrom`); field `record`.
    public static let municipality = Entity(rawValue: "municipality")
    /// A questionnaire version (entity id: `formID@version`); field `definition`.
    public static let questionnaire = Entity(rawValue: "questionnaire")
    /// An invitation to fill in an interview in a browser (entity id: UUID); fields `interview`, `tokenHash`, ….
    public static let invitation = Entity(rawValue: "invitation")
    /// A kept conflict (entity id: the losing change id); field `resolution` closes it.
    public static let conflict = Entity(rawValue: "conflict")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One field of one record: the unit the merge rule decides on.
public struct FieldKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public var entity: Entity
    public var entityId: String
    public var field: String

    public init(entity: Entity, entityId: String, field: String) {
        self.entity = entity
        self.entityId = entityId
        self.field = field
    }

    public var description: String { "\(entity.rawValue)/\(entityId)/\(field)" }
}
