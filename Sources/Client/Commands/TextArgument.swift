import ArgumentParser
import Shared

/// Checks text typed as a command-line option before anything is recorded.
enum TextArgument {
    /// Refuses `text` when it holds a control character it may not (see ``ControlCharacters``):
    /// names and codes none, notes and comments only newline and tab.
    /// - Throws: a `ValidationError` naming the option and the character.
    static func check(_ text: String?, option: String, as kind: ControlCharacters.Kind = .singleLine) throws {
        guard let text, let character = ControlCharacters.firstForbidden(in: text, as: kind) else { return }
        throw ValidationError(localized(
            nl: "\(option) bevat \(ControlCharacters.describe(character)); typ het opnieuw zonder.",
            en: "\(option) holds \(ControlCharacters.describe(character)); type it again without it."
        ))
    }
}
