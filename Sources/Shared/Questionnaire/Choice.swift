import Foundation

/// One option of a choice list (a row of the `choices` sheet).
public struct Choice: Codable, Equatable, Hashable, Sendable {
    /// The stored value, e.g. `ja`; unique within its list.
    public var name: String
    /// What the respondent sees.
    public var label: LocalizedText
    /// Other columns of the choices sheet (e.g. a `province` column a `choice_filter` tests), by
    /// column name; empty cells are left out.
    public var properties: [String: String]

    /// Creates a choice.
    public init(name: String, label: LocalizedText, properties: [String: String] = [:]) {
        self.name = name
        self.label = label
        self.properties = properties
    }
}
