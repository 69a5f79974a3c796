import Foundation

/// One try to reach a local government.
public struct ContactAttempt: Codable, Equatable, Sendable, Identifiable {
    public typealias ID = UUID

    public enum Mode: String, Codable, Sendable, CaseIterable {
        case phone, email, visit, video
    }

    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case noAnswer = "no-answer"
        case callback
        case appointment
        case refused
        case wrongContact = "wrong-contact"
        case interviewed
    }

    public enum Field {
        public static let municipality = "municipality"
        public static let at = "at"
        public static let mode = "mode"
        public static let outcome = "outcome"
        public static let note = "note"
        public static let appointmentAt = "appointmentAt"
        public static let interviewer = "interviewer"
        public static let all: Set<String> = [municipality, at, mode, outcome, note, appointmentAt, interviewer]
    }

    public var id: ID
    public var municipality: String?
    public var at: String?
    public var mode: Mode?
    public var outcome: Outcome?
    public var note: String?
    public var appointmentAt: String?
    public var interviewer: UserID?
    /// The clock of the change that logged the attempt (the earliest clock of its fields), when known:
    /// it orders attempts with the same ``at`` as they were logged. Derived from the log, not sent.
    public var logged: HLC?

    private enum CodingKeys: String, CodingKey {
        case id, municipality, at, mode, outcome, note, appointmentAt, interviewer
    }

    /// An attempt from its current fields; `logged` is the clock of the change that logged it.
    ///
    /// A field of the wrong type (a number or an object where a string belongs) reads as absent.
    public init(id: ID, fields: [String: JSONValue], logged: HLC? = nil) {
        self.id = id
        self.logged = logged
        municipality = fields[Field.municipality]?.stringValue
        at = fields[Field.at]?.stringValue
        mode = fields[Field.mode]?.stringValue.flatMap(Mode.init(rawValue:))
        outcome = fields[Field.outcome]?.stringValue.flatMap(Outcome.init(rawValue:))
        note = fields[Field.note]?.stringValue
        appointmentAt = fields[Field.appointmentAt]?.stringValue
        interviewer = fields[Field.interviewer]?.stringValue.map(UserID.init(rawValue:))
    }
}
