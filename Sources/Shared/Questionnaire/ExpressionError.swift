import Foundation

/// An expression that cannot be parsed or evaluated.
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// What is wrong, e.g. `expected ")"`.
    public var message: String
    /// The 0-based character offset in the source where it went wrong, for syntax errors.
    public var offset: Int?
    /// The expression's source text.
    public var source: String

    /// Creates an error.
    public init(message: String, offset: Int? = nil, source: String) {
        self.message = message
        self.offset = offset
        self.source = source
    }

    /// E.g. `expected ")" at character 12 of "${a} = (1"`.
    public var description: String {
        if let offset { return "\(message) at character \(offset + 1) of \"\(source)\"" }
        return "\(message) in \"\(source)\""
    }

    public var errorDescription: String? { description }
}
