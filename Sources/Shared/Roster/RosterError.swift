import Foundation

/// A municipality roster that cannot be loaded, with the place in the file and what is wrong.
public struct RosterError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The 1-based line of the CSV file (the header is line 1), when the problem is in one record.
    public var row: Int?
    /// The column concerned, e.g. `valid_from`.
    public var column: String?
    /// What is wrong, as a sentence fragment.
    public var reason: String

    /// Creates an error.
    public init(row: Int?, column: String?, reason: String) {
        self.row = row
        self.column = column
        self.reason = reason
    }

    /// E.g. `municipalities row 12, column "valid_from": "2025-02-30" is not a date (YYYY-MM-DD)`.
    public var description: String {
        var place = "municipalities"
        if let row { place += " row \(row)" }
        if let column { place += (row == nil ? " " : ", ") + "column \"\(column)\"" }
        return "\(place): \(reason)"
    }

    public var errorDescription: String? { description }
}
