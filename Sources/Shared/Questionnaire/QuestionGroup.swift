import Foundation

/// A group of questions (`begin_group` … `end_group`): a section of the interview.
///
/// Nested groups are kept flat: each names its `parent`, and a question belongs to its innermost group.
/// A repeat (`begin_repeat` … `end_repeat`) is a group with ``isRepeat`` set: its questions are asked
/// once per instance (see ``RepeatInstance``).
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
    /// `true` for a repeat (`begin_repeat`); `nil` for a plain group (older forms omit the key).
    public var isRepeat: Bool?
    /// A repeat's `repeat_count`: how many instances to ask for (a number or an expression); `nil`
    /// means the interviewer is asked "add another?".
    public var repeatCount: Expression?

    /// Whether the group is a repeat.
    public var repeats: Bool { isRepeat == true }

    /// Creates a group.
    public init(
        name: String, label: LocalizedText, relevant: Expression? = nil, parent: String? = nil,
        questionNames: [String] = [], row: Int = 0, isRepeat: Bool? = nil, repeatCount: Expression? = nil
    ) {
        self.name = name
        self.label = label
        self.relevant = relevant
        self.parent = parent
        self.questionNames = questionNames
        self.row = row
        self.isRepeat = isRepeat
        self.repeatCount = repeatCount
    }
}
