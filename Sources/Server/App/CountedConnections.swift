import HummingbirdCore
import Prometheus

/// Accepts at most `maximum` connections at once (as Hummingbird's `MaximumAvailableConnections`)
/// and keeps the number open in a gauge for `/metrics`.
struct CountedConnections: AvailableConnectionsDelegate {
    let maximum: Int
    let gauge: Gauge
    private var open = 0

    init(maximum: Int, gauge: Gauge) {
        self.maximum = maximum
        self.gauge = gauge
    }

    mutating func connectionOpened() {
        open += 1
        gauge.set(to: Double(open))
    }

    mutating func connectionClosed() {
        open -= 1
        gauge.set(to: Double(open))
    }

    func isAcceptingNewConnections() -> Bool { open < maximum }
}
