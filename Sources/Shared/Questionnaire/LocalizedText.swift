import Foundation

/// A text in one or more languages, such as a question's label (`label::nl`, `label::en`).
public struct LocalizedText: Codable, Equatable, Hashable, Sendable {
    /// The texts by language code, e.g. `["nl": "Ja", "en": "Yes"]`.
    public var texts: [String: String]
    /// The language to fall back to when a requested one is missing.
    public var defaultLanguage: String

    /// Creates a text from its translations.
    public init(_ texts: [String: String], defaultLanguage: String) {
        self.texts = texts
        self.defaultLanguage = defaultLanguage
    }

    /// Creates a text in one language.
    public init(_ text: String, language: String) {
        self.init([language: text], defaultLanguage: language)
    }

    /// The text in `language`, else in the default language, else in the first language
    /// alphabetically that has one; `""` when there is no text at all. `nil` asks for the default language.
    public func text(_ language: String? = nil) -> String {
        if let language, let text = texts[language], !text.isEmpty { return text }
        if let text = texts[defaultLanguage], !text.isEmpty { return text }
        return texts.sorted { $0.key < $1.key }.first { !$0.value.isEmpty }?.value ?? ""
    }

    /// Whether no language has a non-empty text.
    public var isEmpty: Bool { texts.values.allSatisfy(\.isEmpty) }
}
