import Foundation
import Shared
import Testing

@testable import VeldwerkServer

@Suite("Dashboard charts: count axes")
struct SVGChartTests {
    @Test("count axes have whole-number ticks that end at the axis's top, for any count", arguments: Array(1...400) + [999, 1000, 1001, 12_345])
    func wholeNumberTicks(count: Int) {
        for value in [Double(count), Double(count) * 1.1, Double(count) * 2.5] {
            let axis = SVGChart.countAxis(upTo: value)
            #expect(axis.ticks.first == 0)
            #expect(axis.ticks.last == axis.max, "the top of the axis is a labelled tick")
            #expect(axis.max >= value)
            #expect(axis.ticks.allSatisfy { $0 == $0.rounded() }, "\(axis.ticks) for \(value)")
            #expect((3...6).contains(axis.ticks.count) || value <= 2, "\(axis.ticks) for \(value)")
        }
    }

    @Test("the progress chart labels each count at its own height: 3 interviews give 0 2 4, never 1.5 shown as 2")
    func labelsMatchHeights() {
        let days = [
            DayProgress(day: "2024-11-04", completedInterviews: 1, cumulativeInterviews: 1, cumulativeMunicipalities: 1, contactAttempts: 2),
            DayProgress(day: "2024-11-05", completedInterviews: 2, cumulativeInterviews: 3, cumulativeMunicipalities: 3, contactAttempts: 1),
        ]
        let svg = SVGChart.progress(days: days, sampleSize: 300)
        #expect(SVGChart.countAxis(upTo: 3.3).ticks == [0, 1, 2, 3, 4])
        #expect(!svg.contains(">1.5<") && !svg.contains(">4.5<"))
        #expect(svg.contains(">4</text>"))
    }
}
