import Foundation

/// The language the programs speak in their own words: prompts, messages, state names, the dashboard.
/// (A form's labels carry their own languages; see ``LocalizedText``.)
///
/// Every sentence is written in both languages where it is said, through ``localized(nl:en:)``, so
/// the compiler sees to it that none exists in one language only. The language of the moment is a
/// task-local value: a program binds it once at its start (``resolve(option:environment:study:)``),
/// the server per request.
public enum Language: String, CaseIterable, Codable, Sendable {
    case nl, en

    /// The language of the moment. English where nothing was bound (library code and its tests).
    @TaskLocal public static var current: Language = .en

    /// The language a code names: `nl`, `nl-BE`, `nl_BE.UTF-8`, `Dutch`, `Nederlands`, `English (en)`;
    /// nil for one we do not speak, and for `C` and `POSIX`, which name no language.
    public init?(code: String) {
        let trimmed = code.trimmingCharacters(in: .whitespaces).lowercased()
        // `English (en)`: the code in brackets, as XLSForm language columns write it.
        if let open = trimmed.lastIndex(of: "("), let close = trimmed.lastIndex(of: ")"), open < close,
            let inner = Language(code: String(trimmed[trimmed.index(after: open)..<close]))
        {
            self = inner
            return
        }
        let base = trimmed.split(whereSeparator: { "_-.@:".contains($0) }).first.map(String.init) ?? ""
        switch base {
        case "nl", "dutch", "nederlands", "vlaams", "flemish": self = .nl
        case "en", "english", "engels": self = .en
        default: return nil
        }
    }

    /// The language to speak: `--lang` if given, else the locale's (`LC_ALL`, `LC_MESSAGES`, `LANG`, the
    /// first that is set and names a language we speak), else the study form's `default_language`, else Dutch
    /// (the language of the study this project ships).
    ///
    /// - Throws: ``LanguageError`` when `--lang` names a language the programs do not speak.
    public static func resolve(option: String?, environment: [String: String], study: String?) throws -> Language {
        try chosen(option: option, environment: environment) ?? study.flatMap(Language.init(code:)) ?? .nl
    }

    /// The language a person chose: `--lang`, else the locale's; nil when neither names one (the study's then).
    public static func chosen(option: String?, environment: [String: String]) throws -> Language? {
        if let option, !option.isEmpty {
            guard let language = Language(code: option) else { throw LanguageError.unknown(option) }
            return language
        }
        for variable in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[variable], !value.isEmpty else { continue }
            // The first variable that is set decides, as in POSIX; `C` and `POSIX` name no language.
            return Language(code: value)
        }
        return nil
    }

    /// The value of `--lang` in a command line (`--lang en`, `--lang=en`) and the command line without it,
    /// so that both programs take the option before or after any subcommand.
    public static func extractOption(from arguments: [String]) -> (value: String?, remaining: [String]) {
        var value: String?
        var remaining: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                remaining += arguments[index...]
                break
            }
            if argument == "--lang", index + 1 < arguments.count {
                value = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--lang=") {
                value = String(argument.dropFirst("--lang=".count))
                index += 1
                continue
            }
            remaining.append(argument)
            index += 1
        }
        return (value, remaining)
    }

    /// The BCP 47 tag for HTML's `lang` attribute.
    public var tag: String { rawValue }
}

/// `--lang` named a language the programs do not speak.
public enum LanguageError: Error, CustomStringConvertible, Equatable {
    case unknown(String)

    public var description: String {
        switch self {
        case .unknown(let code):
            return "--lang \(code): Veldwerk speaks nl (Nederlands) and en (English)."
        }
    }
}

/// A sentence the programs say themselves, in the language of the moment (``Language/current``).
/// Both languages are required, so no message exists in one only.
@inlinable
public func localized<Text>(nl: @autoclosure () -> Text, en: @autoclosure () -> Text) -> Text {
    switch Language.current {
    case .nl: return nl()
    case .en: return en()
    }
}

/// "1 vraag" / "3 vragen", "1 question" / "3 questions": a count with its noun in the language of the moment.
public func counted(_ number: Int, nl: (one: String, many: String), en: (one: String, many: String)) -> String {
    let forms = Language.current == .nl ? nl : en
    return "\(number) \(number == 1 ? forms.one : forms.many)"
}
