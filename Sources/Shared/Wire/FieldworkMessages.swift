import Foundation


/// A published questionnaire version, as listed for coordinators.
public struct QuestionnaireSummary: Codable, Equatable, Sendable {
    public var id: String
    public var version: String
    public var title: String
    public var questions: Int
    public var publishedAt: String?

    public init(id: String, version: String, title: String, questions: Int, publishedAt: String? = nil) {
        self.id = id
        self.version = version
        self.title = title
        self.questions = questions
        self.publishedAt = publishedAt
    }
}

/// What publishing a questionnaire did.
public struct PublishResult: Codable, Equatable, Sendable {
    public var questionnaire: QuestionnaireSummary
    /// False when exactly this version was published before (nothing changed).
    public var published: Bool

    public init(questionnaire: QuestionnaireSummary, published: Bool) {
        self.questionnaire = questionnaire
        self.published = published
    }
}

/// What loading a roster did.
public struct RosterLoadResult: Codable, Equatable, Sendable {
    public var rows: Int
    public var changed: Int
    public var validOn2024: Int
    public var validOn2025: Int

    public init(rows: Int, changed: Int, validOn2024: Int, validOn2025: Int) {
        self.rows = rows
        self.changed = changed
        self.validOn2024 = validOn2024
        self.validOn2025 = validOn2025
    }
}

/// A laptop as coordinators see it.
public struct DeviceInfo: Codable, Equatable, Sendable {
    public var id: DeviceID
    public var user: UserID
    public var userName: String
    public var name: String
    public var enrolledAt: Date
    public var lastSyncAt: Date?
    public var clockOffsetMs: Int64?
    public var revokedAt: Date?

    public init(id: DeviceID, user: UserID, userName: String, name: String, enrolledAt: Date, lastSyncAt: Date? = nil, clockOffsetMs: Int64? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.user = user
        self.userName = userName
        self.name = name
        self.enrolledAt = enrolledAt
        self.lastSyncAt = lastSyncAt
        self.clockOffsetMs = clockOffsetMs
        self.revokedAt = revokedAt
    }
}

/// Who works a municipality.
public struct AssignmentInfo: Codable, Equatable, Sendable {
    public var nis: String
    public var municipality: String?
    public var province: String?
    public var interviewer: UserID
    public var interviewerName: String?

    public init(nis: String, municipality: String? = nil, province: String? = nil, interviewer: UserID, interviewerName: String? = nil) {
        self.nis = nis
        self.municipality = municipality
        self.province = province
        self.interviewer = interviewer
        self.interviewerName = interviewerName
    }
}

/// A pushed change kept aside because its laptop no longer held the municipality.
public struct QuarantinedChange: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable { case open, accepted, discarded }
    public var change: Change
    public var reason: String
    public var receivedAt: Date
    public var status: Status

    public init(change: Change, reason: String, receivedAt: Date, status: Status) {
        self.change = change
        self.reason = reason
        self.receivedAt = receivedAt
        self.status = status
    }
}

/// A new user and, for staff roles, their API token (shown once).
public struct CreatedUser: Codable, Equatable, Sendable {
    public var user: User
    public var token: String?
    public var enrolmentCode: EnrolmentCode?

    public init(user: User, token: String? = nil, enrolmentCode: EnrolmentCode? = nil) {
        self.user = user
        self.token = token
        self.enrolmentCode = enrolmentCode
    }
}

/// A person known to the server.
public struct User: Codable, Equatable, Sendable {
    public var id: UserID
    public var name: String
    public var email: String?
    public var role: Role

    public init(id: UserID, name: String, email: String? = nil, role: Role) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
    }
}

/// A one-time enrolment code as handed to a person (the server keeps only its hash).
public struct EnrolmentCode: Codable, Equatable, Sendable {
    public var code: String
    public var user: UserID
    public var expiresAt: Date

    public init(code: String, user: UserID, expiresAt: Date) {
        self.code = code
        self.user = user
        self.expiresAt = expiresAt
    }
}

/// A JSON array answer.
public struct ListResponse<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]

    public init(items: [Item]) {
        self.items = items
    }
}

/// Bodies of the fieldwork routes.
public struct CreateUserRequest: Codable, Sendable {
    public var name: String
    public var role: Role
    public var email: String?

    public init(name: String, role: Role, email: String? = nil) {
        self.name = name
        self.role = role
        self.email = email
    }
}

public struct EnrolmentCodeRequest: Codable, Sendable {
    public var validHours: Double?

    /// The longest an enrolment code may stay valid, in hours (90 days): a code is a key to the study.
    public static let maxValidHours: Double = 24 * 90
    /// Whether `hours` is a lifetime a code may have: more than 0, at most ``maxValidHours``.
    public static func isValid(hours: Double) -> Bool { hours > 0 && hours <= maxValidHours }
    public static var invalidHoursSentence: String {
        localized(
            nl: "Een aanmeldcode is meer dan 0 en hoogstens 2160 uur (90 dagen) geldig.",
            en: "An enrolment code is valid for more than 0 and at most 2160 hours (90 days)."
        )
    }

    public init(validHours: Double? = nil) {
        self.validHours = validHours
    }
}

public struct AssignRequest: Codable, Sendable {
    public var user: UserID
    public var municipalities: [String]

    public init(user: UserID, municipalities: [String]) {
        self.user = user
        self.municipalities = municipalities
    }
}

public struct QuestionnaireSheets: Codable, Sendable {
    public var survey: String
    /// The choices sheet; absent when no question needs a choice list.
    public var choices: String?
    public var settings: String?
    /// The CSV files a `select_one_from_file` names, by file name (`places.csv`), as shipped beside the form.
    public var choiceFiles: [String: String]?

    public init(survey: String, choices: String?, settings: String? = nil, choiceFiles: [String: String]? = nil) {
        self.survey = survey
        self.choices = choices
        self.settings = settings
        self.choiceFiles = choiceFiles
    }
}

/// `POST /v1/cases/{nis}/status`: a coordinator sets a case status, or clears it (null) so it follows from contacts again.
public struct CaseStatusRequest: Codable, Sendable {
    public var status: CaseStatus?

    public init(status: CaseStatus?) {
        self.status = status
    }
}

/// A laptop whose clock a coordinator should look at: `GET /v1/devices/flagged`.
public struct FlaggedDevice: Codable, Equatable, Sendable {
    public var id: DeviceID
    public var user: UserID
    public var userName: String
    public var name: String
    public var lastSyncAt: Date?
    /// Server time minus the laptop's clock at its last sync, in milliseconds (positive: the laptop is behind).
    public var clockOffsetMs: Int64?
    /// Changes refused because their clock was too far ahead, in all.
    public var skewedChanges: Int
    public var lastSkewedAt: Date?
    /// Why it is listed, as a sentence.
    public var reason: String

    public init(
        id: DeviceID, user: UserID, userName: String, name: String, lastSyncAt: Date?, clockOffsetMs: Int64?, skewedChanges: Int,
        lastSkewedAt: Date?, reason: String
    ) {
        self.id = id
        self.user = user
        self.userName = userName
        self.name = name
        self.lastSyncAt = lastSyncAt
        self.clockOffsetMs = clockOffsetMs
        self.skewedChanges = skewedChanges
        self.lastSkewedAt = lastSkewedAt
        self.reason = reason
    }
}
