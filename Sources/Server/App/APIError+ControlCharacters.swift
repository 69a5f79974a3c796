import Shared

extension APIError {
    /// Refuses (422) a text that holds a control character it may not, naming the field and the character.
    ///
    /// Names, e-mails, ids and codes are `.singleLine` (no control character at all); notes and comments
    /// are `.multiLine` (newline and tab only). Nothing is stored: call it before writing.
    /// - Parameter field: how the person who sent it calls the field, e.g. `deviceName`.
    static func checkControlCharacters(_ text: String?, in field: String, as kind: ControlCharacters.Kind = .singleLine) throws {
        guard let text, let character = ControlCharacters.firstForbidden(in: text, as: kind) else { return }
        throw APIError.unprocessable(
            "\(field) holds \(ControlCharacters.describe(character)), which \(kind == .multiLine ? "a text keeps only as newline or tab" : "a name or code may not hold"); type it again without it.",
            code: "control_character"
        )
    }
}
