import Foundation
import Shared

/// What the study's storage and operations refuse, in their own terms: the kind of refusal, a stable
/// code and a sentence a person can act on. Which HTTP status that is, is chosen once, at the edge
/// (``APIError/init(_:)-(DomainError)``); the host's commands print the sentence (exit status 65).
struct DomainError: Error, CustomStringConvertible, Equatable, Sendable {
    enum Kind: Sendable, Equatable {
        /// The request cannot be read (a malformed id): 400.
        case malformed
        /// The input is well formed but not acceptable (a wrong answer, an unknown municipality): 422.
        case invalid
        /// What it names does not exist: 404.
        case notFound
        /// It contradicts the current state (already resolved, already approved): 409.
        case conflict
        /// It no longer exists for this caller (a closed invitation): 410.
        case gone
        /// The caller may not do this: 403.
        case forbidden
        /// The caller is not who they must be (an unknown or used code): 401.
        case unauthorized
        /// The server is too busy to do it now; try again after `retryAfter` seconds: 503.
        case busy
    }

    var kind: Kind
    var code: String
    var message: String
    var retryAfter: Int? = nil

    var description: String { message }

    static func malformed(_ message: String, code: String = "bad_request") -> DomainError { DomainError(kind: .malformed, code: code, message: message) }
    static func invalid(_ message: String, code: String = "invalid") -> DomainError { DomainError(kind: .invalid, code: code, message: message) }
    static func notFound(_ message: String) -> DomainError { DomainError(kind: .notFound, code: "not_found", message: message) }
    static func conflict(_ message: String, code: String = "conflict") -> DomainError { DomainError(kind: .conflict, code: code, message: message) }
    static func gone(_ message: String, code: String) -> DomainError { DomainError(kind: .gone, code: code, message: message) }
    static func forbidden(_ message: String) -> DomainError { DomainError(kind: .forbidden, code: "forbidden", message: message) }
    static func unauthorized(_ message: String) -> DomainError { DomainError(kind: .unauthorized, code: "unauthorized", message: message) }
    /// The database cannot be reached now: 503, try again shortly.
    static func unavailable(_ message: String) -> DomainError { DomainError(kind: .busy, code: "database_unavailable", message: message, retryAfter: 5) }

    /// A push whose merge ran past the server's budget: rolled back, to be sent again in smaller batches.
    static func pushTooSlow(changes: Int, budget: TimeInterval) -> DomainError {
        DomainError(
            kind: .busy, code: "push_too_slow",
            message: localized(
                nl: "Het samenvoegen van deze \(changes) wijzigingen duurde langer dan de server één verzending toestaat (\(budget) s); er werd niets van bewaard. Stuur ze opnieuw in kleinere delen.",
                en: "Merging these \(changes) changes took longer than the server allows one push (\(budget) s); nothing of this push was stored. Send them again in smaller batches."
            ),
            retryAfter: 1
        )
    }

    /// Refuses a text that holds a control character it may not, naming the field and the character.
    ///
    /// Names, e-mails, ids and codes are `.singleLine` (no control character at all); notes and comments
    /// are `.multiLine` (newline and tab only). Nothing is stored: call it before writing.
    /// - Parameter field: how the person who sent it calls the field, e.g. `deviceName`.
    static func checkControlCharacters(_ text: String?, in field: String, as kind: ControlCharacters.Kind = .singleLine) throws {
        guard let text, let character = ControlCharacters.firstForbidden(in: text, as: kind) else { return }
        throw DomainError.invalid(
            "\(field) holds \(ControlCharacters.describe(character)), which \(kind == .multiLine ? "a text keeps only as newline or tab" : "a name or code may not hold"); type it again without it.",
            code: "control_character"
        )
    }
}
