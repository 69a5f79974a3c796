import Foundation

/// `POST /v1/review/interviews/:id/approve`: a coordinator approves an interview.
public struct ApproveRequest: Codable, Equatable, Sendable {
    public var comment: String?
    /// Approve although answers of the interview have kept conflicts no one resolved (refused otherwise, 409 `conflicts_open`).
    public var despiteOpenConflicts: Bool?

    public init(comment: String? = nil, despiteOpenConflicts: Bool? = nil) {
        self.comment = comment
        self.despiteOpenConflicts = despiteOpenConflicts
    }
}

/// `POST /v1/review/interviews/:id/flags`: a coordinator flags one answer for the interviewer to look at.
public struct FlagRequest: Codable, Equatable, Sendable {
    /// The question name, e.g. `b_aanpak`.
    public var question: String
    /// What the interviewer should check or fix.
    public var comment: String

    public init(question: String, comment: String) {
        self.question = question
        self.comment = comment
    }
}

/// How a coordinator settles a kept conflict.
public enum ConflictChoice: String, Codable, Sendable, CaseIterable {
    /// The overruled version (the one kept in the conflicts table) becomes the value.
    case kept
    /// The version the merge chose stays.
    case current
    /// Neither: the coordinator enters a new value.
    case new
}

/// `POST /v1/review/conflicts/:id/resolve`.
public struct ConflictResolutionRequest: Codable, Equatable, Sendable {
    public var choice: ConflictChoice
    /// The new value, for `choice == .new` (JSON: a string, number, array or null).
    public var value: JSONValue?

    public init(choice: ConflictChoice, value: JSONValue? = nil) {
        self.choice = choice
        self.value = value
    }
}

/// The changes a review action wrote; they reach the laptops on their next sync.
public struct ReviewActionResponse: Codable, Equatable, Sendable {
    public var changes: [Change]

    public init(changes: [Change]) {
        self.changes = changes
    }
}

/// One interview in the review queue.
public struct ReviewItem: Codable, Equatable, Sendable {
    public var id: String
    public var municipality: String
    public var municipalityName: String
    public var interviewer: UserID?
    public var interviewerName: String?
    public var state: String
    public var completedAt: String?
    /// A ``ReviewStatus`` raw value (`approved`, `flagged`, `editedAfterApproval`), or nil when not reviewed yet.
    public var reviewStatus: String?
    public var openFlags: Int
    public var answeredFlags: Int
    /// Kept conflicts on the interview's fields that no one has resolved yet.
    public var openConflicts: Int?

    public init(
        id: String, municipality: String, municipalityName: String, interviewer: UserID?, interviewerName: String?, state: String,
        completedAt: String?, reviewStatus: String?, openFlags: Int, answeredFlags: Int, openConflicts: Int? = nil
    ) {
        self.openConflicts = openConflicts
        self.id = id
        self.municipality = municipality
        self.municipalityName = municipalityName
        self.interviewer = interviewer
        self.interviewerName = interviewerName
        self.state = state
        self.completedAt = completedAt
        self.reviewStatus = reviewStatus
        self.openFlags = openFlags
        self.answeredFlags = answeredFlags
    }
}

/// `GET /v1/review/interviews`.
public struct ReviewQueue: Codable, Equatable, Sendable {
    public var interviews: [ReviewItem]

    public init(interviews: [ReviewItem]) {
        self.interviews = interviews
    }
}

/// One version of a field in a conflict, ready to show a person.
public struct VersionView: Codable, Equatable, Sendable {
    public var change: ChangeID
    public var value: JSONValue?
    /// The value in words: choice labels for select questions, "(empty)" for a cleared field.
    public var display: String
    public var author: UserID
    public var authorName: String
    /// The laptop the change was made on, by the name it enrolled with ("server" for the server's own edits).
    public var deviceName: String?
    /// ISO 8601 time of the change's clock.
    public var at: String

    public init(change: ChangeID, value: JSONValue?, display: String, author: UserID, authorName: String, deviceName: String? = nil, at: String) {
        self.change = change
        self.value = value
        self.display = display
        self.author = author
        self.authorName = authorName
        self.deviceName = deviceName
        self.at = at
    }
}

/// A kept conflict with both versions, authors, times and the questionnaire's label.
public struct ConflictView: Codable, Equatable, Sendable {
    /// The id of the overruled change: what a resolution names.
    public var id: ChangeID
    public var scope: Scope
    public var entity: Entity
    public var entityId: String
    public var field: String
    /// The question's label for an answer, else the field name.
    public var label: String
    public var municipality: String?
    /// The overruled version.
    public var kept: VersionView
    /// The version the merge chose (nil when the field was cleared from the log).
    public var current: VersionView?
    /// The resolution, once made.
    public var resolution: JSONValue?

    public init(
        id: ChangeID, scope: Scope, entity: Entity, entityId: String, field: String, label: String, municipality: String?, kept: VersionView,
        current: VersionView?, resolution: JSONValue?
    ) {
        self.id = id
        self.scope = scope
        self.entity = entity
        self.entityId = entityId
        self.field = field
        self.label = label
        self.municipality = municipality
        self.kept = kept
        self.current = current
        self.resolution = resolution
    }
}

/// `GET /v1/review/conflicts`.
public struct ConflictViewList: Codable, Equatable, Sendable {
    public var conflicts: [ConflictView]

    public init(conflicts: [ConflictView]) {
        self.conflicts = conflicts
    }
}
