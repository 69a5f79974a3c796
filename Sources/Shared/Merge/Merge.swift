import Foundation

/// The merge rule, one pure function used by server and client alike.
///
/// Per field the version with the greatest clock is the value. A version is kept as a
/// **conflict** (a loser a coordinator must look at) when some newer version overrules it:
/// neither author saw the other's edit and the values differ. Both the value and the set of
/// losers are functions of the *set* of versions received, so applying the same changes in
/// any order, any number of times, gives the same state and the same conflicts.
public enum Merge {
    /// What to do with one incoming version of a field, given every version of that field stored so far.
    ///
    /// `losers`, when the caller keeps them, are the history's kept conflicts (``losers(_:)`` of
    /// `history`); without them they are worked out here. O(n log n) in the history's size.
    public static func decide(_ incoming: FieldVersion, history: [FieldVersion], losers: Set<ChangeID>? = nil) -> MergeDecision {
        if history.contains(where: { $0.id == incoming.id }) {
            return .duplicate
        }
        let becomesCurrent = current(history).map { incoming.hlc > $0.hlc } ?? true
        let incomingLoses = history.contains { $0.overrules(incoming) }
        let losersBefore = losers ?? Self.losers(history)
        let newLosers = history.filter { version in
            incoming.overrules(version) && !losersBefore.contains(version.id)
        }.map(\.id).sorted()
        return MergeDecision(isDuplicate: false, becomesCurrent: becomesCurrent, incomingLoses: incomingLoses, newLosers: newLosers)
    }
}

/// The outcome of ``Merge/decide(_:history:)`` for a store to carry out.
public struct MergeDecision: Equatable, Sendable {
    /// The version was stored before: nothing to do.
    public var isDuplicate: Bool
    /// The version is now the field's value.
    public var becomesCurrent: Bool
    /// The version is overruled by one stored before: keep it as a conflict.
    public var incomingLoses: Bool
    /// Stored versions that the incoming one overrules and that were not conflicts yet.
    public var newLosers: [ChangeID]

    public static let duplicate = MergeDecision(isDuplicate: true, becomesCurrent: false, incomingLoses: false, newLosers: [])
}
