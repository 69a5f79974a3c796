import Foundation

/// A group of questions (`begin_group` … `end_group`): a section of the interview.
///
/// Nested groups are kept flat: each names its `parent`, and a question belongs to its innermost group.
public struct QuestionGroup: Codable, Equatable, Sendable {
    /// The group's unique name, e.g. `a`.
    public var name: String
    /// The section title; may be empty.
    public var label: LocalizedText
    /// When the whole group is asked; `nil` means always (within its parent).
    public var relevant: Expression?
    /// The enclosing group's name, for a nested group.
    public var parent: String?
    /// The names of the questions directly in this group, in form order.
    public var questionNames: [String]
    /// The survey sheet row of its `begin_group` (the header is row 1).
    public var row: Int

    /// Creates a group.
    public init(
        name: String, label: LocalizedText, relevant: Expression? = nil, parent: String? = nil,
        questionNames: [String] = [], row: Int = 0
    ) {
        self.name = name
        self.label = label
        self.relevant = relevant
        self.parent = parent
        self.questionNames = questionNames
        self.row = row
    }
}
