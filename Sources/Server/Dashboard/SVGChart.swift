import Foundation
import Shared

/// Inline SVG charts for the dashboard: no scripts, no external assets, readable when printed.
enum SVGChart {
    /// Colours of case statuses, shared with the page's badges.
    enum Palette {
        static let completed = "#2f7d4f"
        static let inProgress = "#5aa9a0"
        static let appointment = "#3b6fb6"
        static let contacted = "#e0b040"
        static let refused = "#c4473a"
        static let unreachable = "#8a6f9e"
        static let notContacted = "#d9dde3"
        static let ink = "#1f2933"
        static let muted = "#6b7785"
        static let grid = "#e6e9ee"
        static let daily = "#b9cde6"
        static let dailyAxis = "#7f9cc0"
    }

    /// Fieldwork over time: municipalities that took part and interviews completed (cumulative lines)
    /// over bars of interviews completed per day.
    static func progress(days: [DayProgress], sampleSize: Int) -> String {
        let width = 1100.0, height = 280.0
        let left = 44.0, right = 44.0, top = 18.0, bottom = 34.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        guard !days.isEmpty else {
            return empty(width: width, height: height, text: localized(nl: "Nog geen veldwerk geregistreerd: de grafiek begint bij het eerste contact.", en: "No fieldwork recorded yet: the chart starts with the first contact."))
        }
        let cumulativeMax = days.map { max($0.cumulativeInterviews, $0.cumulativeMunicipalities) }.max() ?? 0
        // Counts get whole-number ticks, and each axis ends on its top tick, so every label sits at its own height.
        let cumulativeAxis = countAxis(upTo: Double(max(cumulativeMax, 1)) * 1.1)
        let dailyAxis = countAxis(upTo: Double(max(days.map(\.completedInterviews).max() ?? 0, 1)) * 2.5)
        let yMax = cumulativeAxis.max, dailyMax = dailyAxis.max
        let step = days.count > 1 ? plotWidth / Double(days.count - 1) : 0
        func x(_ index: Int) -> Double { days.count > 1 ? left + Double(index) * step : left + plotWidth / 2 }
        func y(_ value: Double) -> Double { top + plotHeight - value / yMax * plotHeight }
        func yDaily(_ value: Double) -> Double { top + plotHeight - value / dailyMax * plotHeight }

        var svg = open(width: width, height: height, label: localized(
            nl: "Veldwerk in de tijd: gemeenten die deelnamen en afgeronde interviews per dag",
            en: "Fieldwork over time: municipalities that took part and interviews completed per day"
        ))
        for tick in cumulativeAxis.ticks {
            svg += line(left, y(tick), width - right, y(tick), stroke: Palette.grid)
            svg += text(left - 6, y(tick) + 4, number(tick), anchor: "end", size: 11, fill: Palette.muted)
        }
        for tick in dailyAxis.ticks where tick > 0 {
            svg += text(width - right + 6, yDaily(tick) + 4, number(tick), anchor: "start", size: 11, fill: Palette.dailyAxis)
        }
        let barWidth = max(1.5, min(14, step * 0.7))
        for (index, day) in days.enumerated() where day.completedInterviews > 0 {
            let top = yDaily(Double(day.completedInterviews))
            svg += rect(x(index) - barWidth / 2, top, barWidth, yDaily(0) - top, fill: Palette.daily, title: localized(nl: "\(day.day): \(day.completedInterviews) interviews afgerond", en: "\(day.day): \(day.completedInterviews) interviews completed"))
        }
        let municipalities = days.enumerated().map { (x($0.offset), y(Double($0.element.cumulativeMunicipalities))) }
        let interviews = days.enumerated().map { (x($0.offset), y(Double($0.element.cumulativeInterviews))) }
        svg += "<path d=\"\(path(municipalities)) L\(f(x(days.count - 1))),\(f(y(0))) L\(f(x(0))),\(f(y(0))) Z\" fill=\"\(Palette.completed)\" fill-opacity=\"0.12\"/>"
        svg += "<path d=\"\(path(interviews))\" fill=\"none\" stroke=\"\(Palette.appointment)\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
        svg += "<path d=\"\(path(municipalities))\" fill=\"none\" stroke=\"\(Palette.completed)\" stroke-width=\"2.5\"/>"
        if let last = days.last {
            let end = municipalities[municipalities.count - 1]
            svg += "<circle cx=\"\(f(end.0))\" cy=\"\(f(end.1))\" r=\"3.5\" fill=\"\(Palette.completed)\"/>"
            let rate = sampleSize > 0 ? localized(nl: " van \(sampleSize)", en: " of \(sampleSize)") : ""
            svg += text(end.0 - 8, end.1 + 18, "\(last.cumulativeMunicipalities)\(rate)", anchor: "end", size: 13, fill: Palette.completed, weight: "600", halo: true)
        }
        svg += line(left, y(0), width - right, y(0), stroke: Palette.muted)
        for index in dateTicks(count: days.count) {
            svg += line(x(index), y(0), x(index), y(0) + 4, stroke: Palette.muted)
            svg += text(x(index), height - 12, shortDate(days[index].day), anchor: "middle", size: 11, fill: Palette.muted)
        }
        svg += "</svg>"
        return svg
    }

    /// One 100% bar per province, split by case status.
    static func provinces(_ provinces: [ProvinceProgress]) -> String {
        let rowHeight = 30.0, labelWidth = 140.0, valueWidth = 130.0, width = 1100.0
        let height = Double(provinces.count) * rowHeight + 8
        guard !provinces.isEmpty else { return empty(width: width, height: 60, text: localized(nl: "Geen gemeenten in deze lijst.", en: "No municipalities in this list.")) }
        let plotWidth = width - labelWidth - valueWidth
        var svg = open(width: width, height: height, label: localized(nl: "Respons per provincie", en: "Response by province"))
        for (index, province) in provinces.enumerated() {
            let y = Double(index) * rowHeight + 4
            svg += text(labelWidth - 10, y + 17, province.province, anchor: "end", size: 13, fill: Palette.ink)
            var x = labelWidth
            let total = Double(max(province.figures.inSample, 1))
            for segment in segments(province.figures) where segment.count > 0 {
                let w = Double(segment.count) / total * plotWidth
                svg += rect(x, y + 3, w, rowHeight - 10, fill: segment.colour, title: "\(province.province): \(segment.count) \(segment.name)")
                x += w
            }
            let value = "\(province.figures.completed)/\(province.figures.inSample) · \(ResponseFigures.percent(province.figures.responseRate))"
            svg += text(width - valueWidth + 8, y + 17, value, anchor: "start", size: 12, fill: Palette.ink)
        }
        svg += "</svg>"
        return svg
    }

    /// One bar per interviewer on a shared scale: completed, closed without interview, still open.
    static func interviewers(_ interviewers: [InterviewerProgress]) -> String {
        let rowHeight = 22.0, labelWidth = 170.0, valueWidth = 60.0, width = 1100.0
        let shown = interviewers.filter { $0.figures.inSample > 0 }
        guard !shown.isEmpty else { return empty(width: width, height: 60, text: localized(nl: "Nog geen enkele gemeente is toegewezen.", en: "No municipality is assigned yet.")) }
        let height = Double(shown.count) * rowHeight + 8
        let plotWidth = width - labelWidth - valueWidth
        let scale = Double(shown.map(\.figures.inSample).max() ?? 1)
        var svg = open(width: width, height: height, label: localized(nl: "Voortgang per interviewer", en: "Progress per interviewer"))
        for (index, person) in shown.enumerated() {
            let y = Double(index) * rowHeight + 4
            let figures = person.figures
            svg += text(labelWidth - 10, y + 13, person.name, anchor: "end", size: 12, fill: Palette.ink)
            let parts: [(Int, String, String)] = [
                (figures.completed, Palette.completed, localized(nl: "afgewerkt", en: "completed")),
                (figures.refused + figures.unreachable, Palette.refused, localized(nl: "geweigerd of onbereikbaar", en: "refused or unreachable")),
                (figures.open, Palette.notContacted, "open"),
            ]
            var x = labelWidth
            for (count, colour, name) in parts where count > 0 {
                let w = Double(count) / scale * plotWidth
                svg += rect(x, y + 2, w, rowHeight - 7, fill: colour, title: "\(person.name): \(count) \(name)")
                x += w
            }
            svg += text(x + 6, y + 13, "\(figures.completed)/\(figures.inSample)", anchor: "start", size: 11, fill: Palette.muted)
        }
        svg += "</svg>"
        return svg
    }

    /// The status segments of a set of figures, in display order.
    static func segments(_ figures: ResponseFigures) -> [(name: String, count: Int, colour: String)] {
        let inProgress = figures.interviewed - figures.completed
        let contactedOnly = figures.contacted - figures.interviewed - figures.appointment - figures.refused - figures.unreachable
        return [
            (CaseStatus.completed.words, figures.completed, Palette.completed),
            (CaseStatus.inProgress.words, inProgress, Palette.inProgress),
            (localized(nl: "met een afspraak", en: "with an appointment"), figures.appointment, Palette.appointment),
            (CaseStatus.contacted.words, max(contactedOnly, 0), Palette.contacted),
            (CaseStatus.refused.words, figures.refused, Palette.refused),
            (CaseStatus.unreachable.words, figures.unreachable, Palette.unreachable),
            (CaseStatus.notContacted.words, figures.inSample - figures.contacted, Palette.notContacted),
        ]
    }

    // MARK: Drawing

    private static func open(width: Double, height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" role=\"img\" aria-label=\"\(escape(label))\" "
            + "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\"><title>\(escape(label))</title>"
    }

    private static func empty(width: Double, height: Double, text content: String) -> String {
        open(width: width, height: height, label: content) + text(width / 2, height / 2, content, anchor: "middle", size: 13, fill: Palette.muted) + "</svg>"
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"1\"/>"
    }

    private static func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, title: String) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(width, 0)))\" height=\"\(f(max(height, 0)))\" fill=\"\(fill)\"><title>\(escape(title))</title></rect>"
    }

    private static func text(
        _ x: Double, _ y: Double, _ content: String, anchor: String, size: Int, fill: String, weight: String = "400", halo: Bool = false
    ) -> String {
        let outline = halo ? " stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\"" : ""
        return "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"\(fill)\"\(outline)>\(escape(content))</text>"
    }

    private static func path(_ points: [(Double, Double)]) -> String {
        points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(f($0.element.0)),\(f($0.element.1))" }.joined(separator: " ")
    }

    /// Escapes text for SVG (XML) content and attributes.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func number(_ value: Double) -> String { String(Int(value.rounded())) }

    /// A round number at or above `value`: 1, 2, 5 × 10ⁿ.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 1.5, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    /// An axis for counts reaching `value`: whole-number ticks 1, 2 or 5 × 10ⁿ apart (at most five
    /// steps), from 0 to the first tick at or above `value`, which is the axis's top.
    static func countAxis(upTo value: Double) -> (max: Double, ticks: [Double]) {
        let wanted = max(value, 1) / 4
        let magnitude = pow(10, floor(log10(wanted)))
        let step = max(1, [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= wanted } ?? 10 * magnitude).rounded(.up)
        let top = (max(value, 1) / step).rounded(.up) * step
        return (top, stride(from: 0.0, through: top + step / 2, by: step).map { $0 })
    }

    /// Indices of at most seven dates spread over the period, first and last included.
    private static func dateTicks(count: Int) -> [Int] {
        guard count > 1 else { return [0] }
        let wanted = min(count, 7)
        return Array(Set((0..<wanted).map { Int((Double($0) * Double(count - 1) / Double(wanted - 1)).rounded()) })).sorted()
    }

    /// `2024-11-05` → `5 Nov`.
    static func shortDate(_ day: String) -> String {
        let months = localized(
            nl: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
            en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        )
        let parts = day.split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), (1...12).contains(month), let date = Int(parts[2]) else { return day }
        return "\(date) \(months[month - 1])"
    }
}
