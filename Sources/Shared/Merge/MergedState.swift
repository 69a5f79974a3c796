import Foundation

/// The merged state of a set of changes, in memory: the reference the stores are tested against,
/// and the model the convergence property is stated on.
public struct MergedState: Equatable, Sendable {
    public struct Field: Equatable, Sendable {
        public var versions: [FieldVersion] = []
        public var current: FieldVersion?
        public var losers: Set<ChangeID> = []
    }

    public private(set) var fields: [FieldKey: Field] = [:]
    public private(set) var changeCount = 0

    public init() {}

    /// Applies one change with the merge rule; returns what the rule decided.
    @discardableResult
    public mutating func apply(_ change: Change) -> MergeDecision {
        let version = change.version
        var field = fields[change.key] ?? Field()
        let decision = Merge.decide(version, history: field.versions, losers: field.losers)
        guard !decision.isDuplicate else { return decision }
        field.versions.append(version)
        changeCount += 1
        if decision.becomesCurrent { field.current = version }
        if decision.incomingLoses { field.losers.insert(version.id) }
        field.losers.formUnion(decision.newLosers)
        fields[change.key] = field
        return decision
    }

    /// The current value of every field.
    public var values: [FieldKey: JSONValue?] {
        fields.mapValues { $0.current?.value }
    }

    /// Every kept conflict: the losing change ids per field.
    public var conflicts: [FieldKey: Set<ChangeID>] {
        fields.compactMapValues { $0.losers.isEmpty ? nil : $0.losers }
    }
}
