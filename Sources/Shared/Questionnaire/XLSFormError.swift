import Foundation

/// A form that cannot be compiled, with the sheet, row and column of the problem.
public struct XLSFormError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The sheet's file name: `survey.csv`, `choices.csv` or `settings.csv`.
    public var sheet: String
    /// The sheet row (the header is row 1), when the problem is in one row.
    public var row: Int?
    /// The column concerned, e.g. `relevant`.
    public var column: String?
    /// What is wrong, e.g. `unknown question ${b_foo}`.
    public var reason: String

    /// Creates an error.
    public init(sheet: String, row: Int?, column: String?, reason: String) {
        self.sheet = sheet
        self.row = row
        self.column = column
        self.reason = reason
    }

    /// E.g. `survey.csv row 14, column "relevant": unknown question ${b_foo}`.
    public var description: String {
        var place = sheet
        if let row { place += " row \(row)" }
        if let column { place += (row == nil ? " " : ", ") + "column \"\(column)\"" }
        return "\(place): \(reason)"
    }

    public var errorDescription: String? { description }
}
