import Foundation

/// An interview as the merged log describes it: one record assembled from its fields.
public struct Interview: Codable, Equatable, Sendable, Identifiable {
    public typealias ID = UUID

    public enum State: String, Codable, Sendable, CaseIterable {
        case draft, complete, withdrawn
    }

    /// Field names an interview change may carry besides `answers.<question>` and `flags.<question>`.
    public enum Field {
        public static let municipality = "municipality"
        public static let questionnaire = "questionnaire"
        public static let questionnaireVersion = "questionnaireVersion"
        public static let mode = "mode"
        public static let respondentFunction = "respondentFunction"
        public static let respondentName = "respondentName"
        public static let respondentEmail = "respondentEmail"
        public static let state = "state"
        public static let startedAt = "startedAt"
        public static let completedAt = "completedAt"
        public static let interviewer = "interviewer"
        /// A coordinator's verdict: `{"status": "approved" | "flagged", "by": user id, "at": ISO time, "comment": …}`.
        public static let review = "review"

        public static let answerPrefix = "answers."
        public static let flagPrefix = "flags."
        /// Repeat instances: `repeats.<instance>` creates (an object, ``RepeatInstance/Marker``) or
        /// deletes (null) an instance; `repeats.<instance>.<question>` is an answer in it.
        public static let repeatPrefix = "repeats."

        /// Every plain field, with whether it is personal data.
        public static let plain: [String: Bool] = [
            municipality: false, questionnaire: false, questionnaireVersion: false, mode: false,
            respondentFunction: false, respondentName: true, respondentEmail: true, state: false,
            startedAt: false, completedAt: false, interviewer: false, review: false,
        ]

        public static func answer(_ question: String) -> String { answerPrefix + question }
        public static func flag(_ question: String) -> String { flagPrefix + question }
        public static func repeatInstance(_ instance: String) -> String { repeatPrefix + instance }
        public static func repeatAnswer(_ instance: String, _ question: String) -> String { repeatPrefix + instance + "." + question }
    }

    public var id: ID
    public var municipality: String?
    public var questionnaire: String?
    public var questionnaireVersion: String?
    public var mode: String?
    public var respondentFunction: String?
    public var respondentName: String?
    public var respondentEmail: String?
    public var interviewer: UserID?
    public var state: State
    public var startedAt: String?
    public var completedAt: String?
    public var review: JSONValue?
    public var answers: [String: JSONValue]
    /// Review flags by question: `{"comment": …, "status": "open" | "answered" | "resolved", "by": user id, "at": ISO time, "answer": …}`.
    public var flags: [String: JSONValue]
    /// Live repeat instances by repeat, each in order (``RepeatInstance/instances(inFields:)``); nil when there are none.
    public var repeats: [String: [RepeatInstance]]?

    public init(id: ID, fields: [String: JSONValue]) {
        self.id = id
        municipality = fields[Field.municipality]?.stringValue
        questionnaire = fields[Field.questionnaire]?.stringValue
        questionnaireVersion = fields[Field.questionnaireVersion]?.stringValue
        mode = fields[Field.mode]?.stringValue
        respondentFunction = fields[Field.respondentFunction]?.stringValue
        respondentName = fields[Field.respondentName]?.stringValue
        respondentEmail = fields[Field.respondentEmail]?.stringValue
        interviewer = fields[Field.interviewer]?.stringValue.map(UserID.init(rawValue:))
        state = fields[Field.state]?.stringValue.flatMap(State.init(rawValue:)) ?? .draft
        startedAt = fields[Field.startedAt]?.stringValue
        completedAt = fields[Field.completedAt]?.stringValue
        review = fields[Field.review]
        var answers: [String: JSONValue] = [:]
        var flags: [String: JSONValue] = [:]
        for (name, value) in fields {
            if name.hasPrefix(Field.answerPrefix) {
                answers[String(name.dropFirst(Field.answerPrefix.count))] = value
            } else if name.hasPrefix(Field.flagPrefix) {
                flags[String(name.dropFirst(Field.flagPrefix.count))] = value
            }
        }
        self.answers = answers
        self.flags = flags
        let instances = RepeatInstance.instances(inFields: fields)
        self.repeats = instances.isEmpty ? nil : instances
    }
}
