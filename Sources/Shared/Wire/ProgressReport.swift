import Foundation
import Shared

/// Which list of municipalities progress figures follow.
///
/// Fieldwork straddled the 2025 mergers. By default a case counts under the 2025 municipality that
/// continues it (Borsbeek's case counts for Antwerpen); with the 2024 list each 2024 municipality
/// counts on its own, and a case made for a 2025 municipality counts for each municipality it was
/// formed from.
public enum MunicipalityList: String, Codable, Sendable, CaseIterable {
    case list2024 = "2024"
    case list2025 = "2025"

    /// The day the list describes: the last day of 2024 or the first day of 2025.
    public var referenceDate: String {
        switch self {
        case .list2024: return "2024-12-31"
        case .list2025: return "2025-01-01"
        }
    }
}

/// Response counts for a set of sampled municipalities (all, one province, or one interviewer's).
public struct ResponseFigures: Codable, Equatable, Sendable {
    /// Municipalities of the list in this set: the study approaches every local government.
    public var inSample: Int
    /// Of those, assigned to an interviewer.
    public var assigned: Int
    /// Reached at least once: a contact attempt or an interview (every status but `notContacted`).
    public var contacted: Int
    /// With an appointment still to come (status `appointment`).
    public var appointment: Int
    /// With an interview started or done (status `inProgress` or `completed`).
    public var interviewed: Int
    /// With a completed interview: the local governments that took part.
    public var completed: Int
    public var refused: Int
    public var unreachable: Int
    /// Not yet finished: neither completed, refused nor unreachable.
    public var open: Int
    /// Completed interviews (a municipality may have several respondents).
    public var completedInterviews: Int
    /// `completed / inSample`, 0 for an empty set.
    public var responseRate: Double

    public init(
        inSample: Int = 0, assigned: Int = 0, contacted: Int = 0, appointment: Int = 0, interviewed: Int = 0, completed: Int = 0,
        refused: Int = 0, unreachable: Int = 0, open: Int = 0, completedInterviews: Int = 0, responseRate: Double = 0
    ) {
        self.inSample = inSample
        self.assigned = assigned
        self.contacted = contacted
        self.appointment = appointment
        self.interviewed = interviewed
        self.completed = completed
        self.refused = refused
        self.unreachable = unreachable
        self.open = open
        self.completedInterviews = completedInterviews
        self.responseRate = responseRate
    }

    /// "97 of 300 local governments took part (32.3%)".
    public var tookPartSentence: String {
        localized(
            nl: "\(completed) van \(inSample) lokale besturen namen deel (\(Self.percent(responseRate)))",
            en: "\(completed) of \(inSample) local governments took part (\(Self.percent(responseRate)))"
        )
    }

    /// A rate as a percentage with one decimal, e.g. `32.3%`.
    public static func percent(_ rate: Double) -> String {
        let text = String(format: "%.1f%%", rate * 100)
        return localized(nl: text.replacingOccurrences(of: ".", with: ","), en: text)
    }
}

/// Figures for one province.
public struct ProvinceProgress: Codable, Equatable, Sendable {
    public var province: String
    public var figures: ResponseFigures

    public init(province: String, figures: ResponseFigures) {
        self.province = province
        self.figures = figures
    }
}

/// Figures for the municipalities assigned to one interviewer.
public struct InterviewerProgress: Codable, Equatable, Sendable {
    public var user: UserID
    public var name: String
    public var figures: ResponseFigures

    public init(user: UserID, name: String, figures: ResponseFigures) {
        self.user = user
        self.name = name
        self.figures = figures
    }
}

/// One day of the fieldwork period.
public struct DayProgress: Codable, Equatable, Sendable {
    /// `YYYY-MM-DD`.
    public var day: String
    /// Interviews completed that day.
    public var completedInterviews: Int
    /// Interviews completed up to and including that day.
    public var cumulativeInterviews: Int
    /// Municipalities with a completed interview up to and including that day.
    public var cumulativeMunicipalities: Int
    /// Contact attempts made that day.
    public var contactAttempts: Int

    public init(day: String, completedInterviews: Int, cumulativeInterviews: Int, cumulativeMunicipalities: Int, contactAttempts: Int) {
        self.day = day
        self.completedInterviews = completedInterviews
        self.cumulativeInterviews = cumulativeInterviews
        self.cumulativeMunicipalities = cumulativeMunicipalities
        self.contactAttempts = contactAttempts
    }
}

/// A laptop that has not synced for longer than the threshold: whatever it holds is unknown to the server.
public struct StaleLaptop: Codable, Equatable, Sendable {
    public var device: DeviceID
    public var deviceName: String
    public var user: UserID
    public var userName: String
    /// ISO 8601 time of the last sync, nil when it never synced.
    public var lastSyncAt: String?
    /// Whole days since the last sync (or since enrolment, when it never synced).
    public var daysSilent: Int
    /// Open municipalities assigned to the laptop's user: work that may be waiting on it.
    public var openMunicipalities: Int

    public init(device: DeviceID, deviceName: String, user: UserID, userName: String, lastSyncAt: String?, daysSilent: Int, openMunicipalities: Int) {
        self.device = device
        self.deviceName = deviceName
        self.user = user
        self.userName = userName
        self.lastSyncAt = lastSyncAt
        self.daysSilent = daysSilent
        self.openMunicipalities = openMunicipalities
    }
}

/// Where fieldwork stands, from the merged log: what `GET /v1/progress` answers and the dashboard shows.
public struct ProgressReport: Codable, Equatable, Sendable {
    public var list: MunicipalityList
    public var referenceDate: String
    /// ISO 8601 time the report was made.
    public var generatedAt: String
    /// The last change-log position the report reflects.
    public var logPosition: Int64
    public var overall: ResponseFigures
    public var byProvince: [ProvinceProgress]
    public var byInterviewer: [InterviewerProgress]
    public var byDay: [DayProgress]
    public var staleAfterDays: Int
    public var staleLaptops: [StaleLaptop]
    /// Kept conflicts no coordinator has resolved yet.
    public var openConflicts: Int
    /// Review flags the interviewer has not answered yet.
    public var openFlags: Int
    /// Review flags answered by the interviewer, waiting for the coordinator.
    public var answeredFlags: Int
    /// Completed interviews without a review verdict, or edited after their approval.
    public var awaitingReview: Int
    /// Cases (by NIS code) that map to no municipality of the list.
    public var unmatchedCases: [String]

    public init(
        list: MunicipalityList, referenceDate: String, generatedAt: String, logPosition: Int64, overall: ResponseFigures,
        byProvince: [ProvinceProgress], byInterviewer: [InterviewerProgress], byDay: [DayProgress], staleAfterDays: Int,
        staleLaptops: [StaleLaptop], openConflicts: Int, openFlags: Int, answeredFlags: Int, awaitingReview: Int, unmatchedCases: [String]
    ) {
        self.list = list
        self.referenceDate = referenceDate
        self.generatedAt = generatedAt
        self.logPosition = logPosition
        self.overall = overall
        self.byProvince = byProvince
        self.byInterviewer = byInterviewer
        self.byDay = byDay
        self.staleAfterDays = staleAfterDays
        self.staleLaptops = staleLaptops
        self.openConflicts = openConflicts
        self.openFlags = openFlags
        self.answeredFlags = answeredFlags
        self.awaitingReview = awaitingReview
        self.unmatchedCases = unmatchedCases
    }
}
