import Foundation

/// A CSV text that cannot be read as RFC 4180 records.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A quoted field opened on `line` (1-based) is never closed.
    case unterminatedQuote(line: Int)

    public var description: String {
        switch self {
        case .unterminatedQuote(let line):
            return "line \(line): a quoted field starts here but its closing quote (\") is missing"
        }
    }

    public var errorDescription: String? { description }
}
