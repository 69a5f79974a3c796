import Foundation

/// Host names that mean this machine. The client sends nothing in clear to any other host, and the
/// server reaches a PostgreSQL database in clear by default only on one of these.
public enum Loopback {
    /// Whether `host` is this machine: `localhost` (or a name under `.localhost`), 127.0.0.0/8 as four
    /// numbers (not a name that merely starts with "127."), or ::1; brackets and case are ignored.
    public static func isHost(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
