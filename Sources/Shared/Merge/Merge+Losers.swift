import Foundation

extension Merge {
    /// Every version of a field that some other version of it overrules: the field's kept conflicts.
    ///
    /// The same set as `versions.filter { u in versions.contains { $0.overrules(u) } }`, in
    /// O(n log n) instead of O(n²): versions are sorted by clock and each suffix is summarised by
    /// its smallest base (a missing base counts as the smallest) with that version's value, and
    /// the smallest base among the suffix's versions whose value differs from that one. A version
    /// `u` is overruled exactly when, among the versions newer than both its clock and its base
    /// (one binary search), one has a base older than `u`'s clock and a value other than `u`'s:
    /// one of the two summary entries answers that.
    public static func losers(_ versions: [FieldVersion]) -> Set<ChangeID> {
        guard versions.count > 1 else { return [] }
        let sorted = versions.sorted { $0.hlc < $1.hlc }
        let suffix = SuffixSummary(sorted)
        var losers: Set<ChangeID> = []
        for version in sorted {
            let seenUpTo = version.base.map { max($0, version.hlc) } ?? version.hlc
            let first = firstIndex(in: sorted, after: seenUpTo)
            guard first < sorted.count, suffix.hasOverruler(from: first, of: version) else { continue }
            losers.insert(version.id)
        }
        return losers
    }

    /// The version with the greatest clock (the first of equals, as ``decide(_:history:)`` keeps it).
    public static func current(_ versions: [FieldVersion]) -> FieldVersion? {
        var current: FieldVersion?
        for version in versions where current.map({ version.hlc > $0.hlc }) ?? true {
            current = version
        }
        return current
    }

    /// The index of the first version (sorted by clock) whose clock is after `clock`.
    private static func firstIndex(in sorted: [FieldVersion], after clock: HLC) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle].hlc > clock { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Per suffix of the clock-sorted versions: the two entries that decide whether any version
    /// in it could overrule a given older one.
    private struct SuffixSummary {
        /// A base where a missing one (the author had seen nothing) is older than every clock.
        private enum Base: Comparable {
            case none
            case clock(HLC)

            init(_ base: HLC?) { self = base.map(Base.clock) ?? .none }
        }

        private struct Entry {
            /// The smallest base in the suffix, and the value of a version that has it.
            var minBase: Base
            var minValue: JSONValue?
            /// The smallest base among the suffix's versions whose value is not `minValue` (nil: none).
            var otherBase: Base?
        }

        private var entries: [Entry]

        init(_ sorted: [FieldVersion]) {
            entries = []
            entries.reserveCapacity(sorted.count)
            var next: Entry?
            for version in sorted.reversed() {
                let base = Base(version.base)
                var entry: Entry
                if let previous = next {
                    entry = previous
                    if base < previous.minBase {
                        // The new minimum; the old one becomes the "other" candidate when its value differs.
                        entry.minBase = base
                        entry.minValue = version.value
                        entry.otherBase = previous.minValue != version.value ? previous.minBase : previous.otherBase
                    } else if version.value != previous.minValue, previous.otherBase.map({ base < $0 }) ?? true {
                        entry.otherBase = base
                    }
                } else {
                    entry = Entry(minBase: base, minValue: version.value, otherBase: nil)
                }
                entries.append(entry)
                next = entry
            }
            entries.reverse()
        }

        /// Whether some version from `index` on (all newer than `version` and than its base) had
        /// not seen `version` and holds another value.
        func hasOverruler(from index: Int, of version: FieldVersion) -> Bool {
            let entry = entries[index]
            let clock = Base.clock(version.hlc)
            if entry.minValue != version.value { return entry.minBase < clock }
            return entry.otherBase.map { $0 < clock } ?? false
        }
    }
}
