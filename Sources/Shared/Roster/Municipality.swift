import Foundation

/// A Flemish municipality in one period of its existence: the unit the study samples.
///
/// The 2025 mergers mean a NIS code alone is not unique (Antwerpen, 11002, has a row for
/// 2019–2024 and one from 2025), so a municipality is identified by its ``Key``: NIS code and start date.
public struct Municipality: Codable, Equatable, Hashable, Sendable {
    /// Identifies one row of the roster: the NIS code and the first day it is valid.
    public struct Key: Hashable, Codable, Sendable, CustomStringConvertible {
        /// The five-digit NIS (REFNIS) code.
        public var nis: String
        /// The first day of validity, `YYYY-MM-DD`.
        public var validFrom: String

        /// Creates a key.
        public init(nis: String, validFrom: String) {
            self.nis = nis
            self.validFrom = validFrom
        }

        /// `nis@validFrom`, e.g. `11002@2025-01-01`.
        public var description: String { "\(nis)@\(validFrom)" }
    }

    /// The five-digit NIS (REFNIS) code, e.g. `11002`.
    public var nis: String
    /// The municipality's name, e.g. `Antwerpen`.
    public var name: String
    /// The province, e.g. `Antwerpen`, `West-Vlaanderen`.
    public var province: String
    /// The administrative arrondissement.
    public var arrondissement: String
    /// The first day the municipality exists in this form, `YYYY-MM-DD`.
    public var validFrom: String
    /// The last day it exists in this form, `YYYY-MM-DD`, or `nil` while it still exists.
    public var validTo: String?
    /// The NIS code of the municipality it merged into, for one that ended in a merger.
    public var mergedInto: String?
    /// The NIS codes of the municipalities it was formed from, for one that a merger created.
    public var predecessors: [String]

    /// Creates a municipality.
    public init(
        nis: String, name: String, province: String, arrondissement: String,
        validFrom: String, validTo: String? = nil, mergedInto: String? = nil, predecessors: [String] = []
    ) {
        self.nis = nis
        self.name = name
        self.province = province
        self.arrondissement = arrondissement
        self.validFrom = validFrom
        self.validTo = validTo
        self.mergedInto = mergedInto
        self.predecessors = predecessors
    }

    /// The (NIS, validFrom) pair that identifies this row.
    public var key: Key { Key(nis: nis, validFrom: validFrom) }

    /// Whether the municipality exists in this form on `date` (`YYYY-MM-DD`), both ends inclusive.
    public func isValid(on date: String) -> Bool {
        validFrom <= date && (validTo.map { date <= $0 } ?? true)
    }
}
