import Foundation

/// How far ahead of the server a change's clock may be.
///
/// A laptop whose clock runs ahead would otherwise win every merge until real time caught up.
/// The server refuses a pushed change stamped more than ``limitMilliseconds`` after its own time
/// (code ``Rejection/Code/clockSkew``); the laptop then stamps it again with its corrected clock
/// under a new change id, keeping the value. The server also flags devices whose measured
/// offset is beyond the limit, for coordinators.
public enum ClockSkew {
    /// Five minutes.
    public static let limitMilliseconds: Int64 = 5 * 60 * 1000

    /// Whether a timestamp is beyond the limit at the given (server or corrected) time.
    public static func isTooFarAhead(_ clock: HLC, now: Int64, limit: Int64 = limitMilliseconds) -> Bool {
        clock.wall > now + limit
    }
}
