import Foundation
import Shared

/// The dashboard's front page: headline figures, what needs attention, charts and tables.
struct OverviewPage: Sendable {
    struct Card: Sendable {
        var label: String
        var value: String
        var detail: String
        var tone: String
    }

    struct Attention: Sendable {
        var label: String
        var value: Int
        var link: String
        var alert: Bool
    }

    struct FigureRow: Sendable {
        var name: String
        var link: String
        var inSample: Int
        var assigned: Int
        var contacted: Int
        var appointment: Int
        var interviewed: Int
        var completed: Int
        var refused: Int
        var unreachable: Int
        var open: Int
        var completedInterviews: Int
        var rate: String
        var ratePercent: String
    }

    struct StaleRow: Sendable {
        var userName: String
        var deviceName: String
        var lastSync: String
        var daysSilent: Int
        var openMunicipalities: Int
    }

    struct Legend: Sendable {
        var name: String
        var colour: String
    }

    var chrome: PageChrome
    var list: String
    var is2024: Bool
    var is2025: Bool
    var listSize: Int
    var staleDays: Int
    var headline: String
    var rate: String
    var completedInterviews: Int
    var cards: [Card]
    var attention: [Attention]
    var progressChart: String
    var provinceChart: String
    var interviewerChart: String
    var legend: [Legend]
    var provinces: [FigureRow]
    var interviewers: [FigureRow]
    var staleLaptops: [StaleRow]
    var hasStale: Bool
    var generatedAt: String
    var logPosition: Int64
    var unmatched: String?

    init(report: ProgressReport, chrome: PageChrome) {
        self.chrome = chrome
        let overall = report.overall
        list = report.list.rawValue
        is2024 = report.list == .list2024
        is2025 = report.list == .list2025
        listSize = overall.inSample
        staleDays = report.staleAfterDays
        headline = localized(
            nl: "\(overall.completed) van \(overall.inSample) lokale besturen namen deel",
            en: "\(overall.completed) of \(overall.inSample) local governments took part"
        )
        rate = ResponseFigures.percent(overall.responseRate)
        completedInterviews = overall.completedInterviews
        let listQuery = "list=\(report.list.rawValue)"
        cards = [
            Card(
                label: localized(nl: "Gecontacteerd", en: "Contacted"), value: "\(overall.contacted)",
                detail: localized(nl: "van \(overall.inSample) gemeenten", en: "of \(overall.inSample) municipalities"), tone: "contacted"
            ),
            Card(
                label: localized(nl: "Afspraken", en: "Appointments"), value: "\(overall.appointment)",
                detail: localized(nl: "nog te komen", en: "still to come"), tone: "appointment"
            ),
            Card(
                label: localized(nl: "Geïnterviewd", en: "Interviewed"), value: "\(overall.interviewed)",
                detail: localized(nl: "\(overall.interviewed - overall.completed) nog bezig", en: "\(overall.interviewed - overall.completed) still in progress"),
                tone: "inprogress"
            ),
            Card(
                label: localized(nl: "Afgewerkt", en: "Completed"), value: "\(overall.completed)",
                detail: "\(overall.completedInterviews) interviews", tone: "completed"
            ),
            Card(
                label: localized(nl: "Geweigerd", en: "Refused"), value: "\(overall.refused)",
                detail: localized(nl: "gemeenten", en: "municipalities"), tone: "refused"
            ),
            Card(
                label: localized(nl: "Onbereikbaar", en: "Unreachable"), value: "\(overall.unreachable)",
                detail: localized(nl: "gemeenten", en: "municipalities"), tone: "unreachable"
            ),
            Card(
                label: "Open", value: "\(overall.open)",
                detail: localized(nl: "\(overall.inSample - overall.assigned) niet toegewezen", en: "\(overall.inSample - overall.assigned) not assigned"), tone: "open"
            ),
        ]
        attention = [
            Attention(label: localized(nl: "Wachtende conflicten", en: "Conflicts waiting"), value: report.openConflicts, link: "/dashboard/conflicts", alert: report.openConflicts > 0),
            Attention(label: localized(nl: "Open markeringen bij interviewers", en: "Flags open at interviewers"), value: report.openFlags, link: "/dashboard/review?show=flagged", alert: false),
            Attention(label: localized(nl: "Beantwoorde markeringen, na te kijken", en: "Flags answered, to check"), value: report.answeredFlags, link: "/dashboard/review?show=answered", alert: report.answeredFlags > 0),
            Attention(label: localized(nl: "Interviews te beoordelen", en: "Interviews awaiting review"), value: report.awaitingReview, link: "/dashboard/review?show=pending", alert: report.awaitingReview > 0),
            Attention(
                label: localized(nl: "Laptops stil > \(report.staleAfterDays) dagen", en: "Laptops silent > \(report.staleAfterDays) days"), value: report.staleLaptops.count, link: "#stale",
                alert: !report.staleLaptops.isEmpty
            ),
        ]
        progressChart = SVGChart.progress(days: report.byDay, sampleSize: overall.inSample)
        let provinceOrder = report.byProvince.sorted {
            ($0.figures.responseRate, $1.province) > ($1.figures.responseRate, $0.province)
        }
        provinceChart = SVGChart.provinces(provinceOrder)
        let interviewerOrder = report.byInterviewer.sorted {
            let left = $0.figures.inSample == 0 ? -1 : $0.figures.responseRate
            let right = $1.figures.inSample == 0 ? -1 : $1.figures.responseRate
            return (left, $0.figures.completed, $1.name) > (right, $1.figures.completed, $0.name)
        }
        interviewerChart = SVGChart.interviewers(interviewerOrder)
        legend = SVGChart.segments(overall).map { Legend(name: $0.name, colour: $0.colour) }
        provinces = provinceOrder.map {
            Self.row(
                name: $0.province, link: "/dashboard/municipalities?\(listQuery)&province=\(DisplayText.query($0.province))", figures: $0.figures
            )
        }
        interviewers = interviewerOrder.map {
            Self.row(name: $0.name, link: "/dashboard/municipalities?\(listQuery)&interviewer=\(DisplayText.query($0.user.rawValue))", figures: $0.figures)
        }
        staleLaptops = report.staleLaptops.map {
            StaleRow(
                userName: $0.userName, deviceName: $0.deviceName, lastSync: $0.lastSyncAt.map { DisplayText.time($0) } ?? "never",
                daysSilent: $0.daysSilent, openMunicipalities: $0.openMunicipalities
            )
        }
        hasStale = !staleLaptops.isEmpty
        generatedAt = DisplayText.time(report.generatedAt)
        logPosition = report.logPosition
        unmatched = report.unmatchedCases.isEmpty ? nil : report.unmatchedCases.joined(separator: ", ")
    }

    private static func row(name: String, link: String, figures: ResponseFigures) -> FigureRow {
        FigureRow(
            name: name, link: link, inSample: figures.inSample, assigned: figures.assigned, contacted: figures.contacted,
            appointment: figures.appointment, interviewed: figures.interviewed, completed: figures.completed, refused: figures.refused,
            unreachable: figures.unreachable, open: figures.open, completedInterviews: figures.completedInterviews,
            rate: ResponseFigures.percent(figures.responseRate), ratePercent: String(format: "%.1f", figures.responseRate * 100)
        )
    }
}
