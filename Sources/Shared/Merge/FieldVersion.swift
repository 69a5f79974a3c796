import Foundation

/// What the merge rule needs to know of one change to a field.
public struct FieldVersion: Hashable, Sendable {
    public var id: ChangeID
    public var hlc: HLC
    public var base: HLC?
    public var value: JSONValue?

    public init(id: ChangeID, hlc: HLC, base: HLC?, value: JSONValue?) {
        self.id = id
        self.hlc = hlc
        self.base = base
        self.value = value
    }

    /// Whether the author of this version had seen `other` when writing it (its base is at or after other's timestamp).
    public func hasSeen(_ other: FieldVersion) -> Bool {
        guard let base else { return false }
        return base >= other.hlc
    }

    /// Whether this version makes `other` a kept conflict: it is newer, its author had not seen
    /// `other`, `other`'s author had not seen it either, and the values differ.
    public func overrules(_ other: FieldVersion) -> Bool {
        hlc > other.hlc && !hasSeen(other) && !other.hasSeen(self) && value != other.value
    }
}
