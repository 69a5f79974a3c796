import Foundation

/// The value of an expression, with XPath 1.0's three types and conversions.
///
/// An unanswered question is the empty string; a `select_multiple` answer is its choice names
/// joined by spaces (as in an XForm instance); a `YYYY-MM-DD` text converts to a number as days since
/// 1970-01-01 (as ODK does), so dates compare with `<` and `>`.
public enum ExpressionValue: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case boolean(Bool)

    /// The value of a stored answer; `nil` (unanswered) is `""`.
    public init(answer: JSONValue?) {
        switch answer {
        case nil, .null?, .object?: self = .string("")
        case .string(let text)?: self = .string(text)
        case .int(let value)?: self = .number(Double(value))
        case .double(let value)?: self = .number(value)
        case .bool(let value)?: self = .boolean(value)
        case .array(let items)?:
            self = .string(items.map { ExpressionValue(answer: $0).text }.filter { !$0.isEmpty }.joined(separator: " "))
        }
    }

    /// XPath `string()`: numbers without a needless `.0`, `NaN`, `Infinity`; booleans `true`/`false`.
    public var text: String {
        switch self {
        case .string(let text): return text
        case .boolean(let value): return value ? "true" : "false"
        case .number(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        }
    }

    /// XPath `number()`: decimal text (no exponent) or a `YYYY-MM-DD` date (days since 1970-01-01);
    /// anything else, including the empty text, is NaN. `true` is 1.
    public var number: Double {
        switch self {
        case .number(let value): return value
        case .boolean(let value): return value ? 1 : 0
        case .string(let raw):
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if let date = DateText.civilDate(text) {
                return Double(DateText.daysSinceEpoch(year: date.year, month: date.month, day: date.day))
            }
            return Self.decimal(text) ?? .nan
        }
    }

    /// XPath `boolean()`: a non-zero, non-NaN number; a non-empty text.
    public var bool: Bool {
        switch self {
        case .boolean(let value): return value
        case .number(let value): return value != 0 && !value.isNaN
        case .string(let text): return !text.isEmpty
        }
    }

    public var description: String {
        switch self {
        case .string(let text): return "'\(text)'"
        case .number, .boolean: return text
        }
    }

    /// The number written `-?digits(.digits)?` or `-?.digits`, else `nil`.
    static func decimal(_ text: String) -> Double? {
        var body = Substring(text)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { $0.allSatisfy { ("0"..."9").contains($0) } }
        guard body != ".", !body.isEmpty, parts.allSatisfy(digits) else { return nil }
        let whole = parts[0].isEmpty ? "0" : String(parts[0])
        let fraction = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : "0"
        return Double((negative ? "-" : "") + whole + "." + fraction)
    }
}
