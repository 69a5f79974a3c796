import Foundation

/// What an expression is evaluated against: the answers so far, the answer being checked, and today.
public struct ExpressionContext: Sendable {
    /// Answers by question name; a missing name is unanswered (the empty string).
    public var answers: [String: JSONValue]
    /// The value of `.`: the answer being checked, or `nil`.
    public var current: JSONValue?
    /// The choice's columns (and `name`) when evaluating a `choice_filter`; bare names read them.
    public var choice: [String: String]?
    /// What `today()` returns, `YYYY-MM-DD`.
    public var today: String
    /// The interview's repeat instances and the ones being asked; nil for a form without repeats.
    public var repeats: RepeatScope?

    /// Creates a context. `today` defaults to the local date now.
    public init(
        answers: [String: JSONValue], current: JSONValue? = nil, choice: [String: String]? = nil, today: String? = nil,
        repeats: RepeatScope? = nil
    ) {
        self.answers = answers
        self.current = current
        self.choice = choice
        self.today = today ?? Self.localDate(Date())
        self.repeats = repeats
    }

    /// `date` as `YYYY-MM-DD` in the local time zone.
    public static func localDate(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: date)
        let year = parts.year ?? 1970, month = parts.month ?? 1, day = parts.day ?? 1
        let pad: (Int) -> String = { $0 < 10 ? "0\($0)" : "\($0)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }
}
