import Foundation

/// The hybrid logical clock of one device: hands out increasing timestamps and learns from received ones.
///
/// A value type: the owner stores ``last`` durably (the client in its database, the server in
/// memory after reading the log's maximum) so timestamps never go backwards across restarts.
public struct HybridClock: Sendable, Equatable {
    public private(set) var last: HLC

    public init(device: DeviceID, last: HLC? = nil) {
        self.last = last ?? HLC(wall: 0, counter: 0, device: device)
        self.last.device = device
    }

    public var device: DeviceID { last.device }

    /// A new timestamp greater than every timestamp this clock has made or received.
    ///
    /// - Parameter physical: the (corrected) wall time in milliseconds.
    public mutating func tick(physical: Int64) -> HLC {
        if physical > last.wall {
            last = HLC(wall: physical, counter: 0, device: device)
        } else {
            last = HLC(wall: last.wall, counter: last.counter &+ 1, device: device)
        }
        return last
    }

    /// Moves the clock past a timestamp received from elsewhere (a pulled change, a server time).
    public mutating func receive(_ remote: HLC, physical: Int64) {
        let wall = max(last.wall, remote.wall, physical)
        let counter: UInt32
        if wall == last.wall && wall == remote.wall {
            counter = max(last.counter, remote.counter) &+ 1
        } else if wall == last.wall {
            counter = last.counter &+ 1
        } else if wall == remote.wall {
            counter = remote.counter &+ 1
        } else {
            counter = 0
        }
        last = HLC(wall: wall, counter: counter, device: device)
    }
}

extension Date {
    /// Milliseconds since 1970, the physical part of a clock.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    public init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
