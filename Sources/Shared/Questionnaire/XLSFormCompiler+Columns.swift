import Foundation

extension XLSFormCompiler {
    /// A sheet's header, read as XLSForm column names with optional language suffixes.
    ///
    /// Both of pyxform's spellings are read: `label::English (en)` and `label:English`; the older
    /// `bind:relevant`, `bind::jr:constraintMsg`, `relevance`, `read_only`, `requiredMsg` name the
    /// columns Veldwerk knows by their XLSForm names (`relevant`, `constraint_message`, `readonly`,
    /// `required_message`). Base names are lower case.
    struct Columns {
        /// One header cell: as written, its base name and its language (code or name), if any.
        struct Column {
            var raw: String
            var base: String
            var language: String?
        }

        private(set) var parsed: [Column] = []

        init(_ header: [String]) {
            for raw in header where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
                parsed.append(Self.parse(raw))
            }
        }

        /// `label::English (en)` → (`label`, `en`); `bind:relevant` → (`relevant`, nil);
        /// `media::audio::Chinese` → (`audio`, `Chinese`).
        static func parse(_ raw: String) -> Column {
            let separator = raw.contains("::") ? "::" : ":"
            var parts = raw.components(separatedBy: separator).map { $0.trimmingCharacters(in: .whitespaces) }
            func normal(_ text: String) -> String {
                text.lowercased().replacingOccurrences(of: " ", with: "_")
            }
            var base = normal(parts.removeFirst())
            // Namespaces: `bind::relevant`, `bind:jr:constraintMsg`, `jr:constraintMsg`, `control::appearance`, `media::image`.
            if ["bind", "jr", "control", "media", "body", "instance"].contains(base), !parts.isEmpty {
                let rest = parts.map(normal)
                switch base {
                case "bind", "control":
                    let name = rest.joined(separator: ":")
                    base = bindAliases[name] ?? "\(base)::\(name)"
                    parts = []
                case "jr":
                    base = bindAliases["jr:" + rest.joined(separator: ":")] ?? "jr:" + rest.joined(separator: ":")
                    parts = []
                case "media":
                    base = rest[0]
                    parts.removeFirst()
                default:
                    base = "\(base)::\(parts.joined(separator: ":"))"
                    parts = []
                }
            }
            base = aliases[base] ?? base
            let language = parts.isEmpty ? nil : languageCode(parts.joined(separator: separator))
            return Column(raw: raw, base: base, language: language?.isEmpty == true ? nil : language)
        }

        /// Other spellings of the columns Veldwerk reads, as pyxform accepts them.
        static let aliases = [
            "relevance": "relevant", "constraint_msg": "constraint_message", "constraining_message": "constraint_message",
            "jr:constraintmsg": "constraint_message", "calculate": "calculation", "count": "repeat_count",
            "no_app_error_string": "noapperrorstring",
            "requiredmsg": "required_message", "required_msg": "required_message", "jr:requiredmsg": "required_message",
            "read_only": "readonly", "listname": "list_name", "choicefilter": "choice_filter",
            "jr:count": "repeat_count", "caption": "label",
        ]

        /// `bind::…` and `control::…` columns that are a column Veldwerk reads.
        static let bindAliases = [
            "relevant": "relevant", "constraint": "constraint", "jr:constraintmsg": "constraint_message",
            "required": "required", "jr:requiredmsg": "required_message", "readonly": "readonly",
            "calculate": "calculation", "jr:count": "repeat_count", "appearance": "appearance",
            "jr:constraintmsg:": "constraint_message",
        ]

        /// `Dutch (nl)` → `nl`; anything else trimmed.
        static func languageCode(_ text: String) -> String {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") {
                let code = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
                if !code.isEmpty { return String(code) }
            }
            return trimmed
        }

        func has(_ base: String) -> Bool { parsed.contains { $0.base == base } }

        /// The trimmed text of the unsuffixed column `base` (then of any suffixed one), `""` when absent.
        func value(_ base: String, in record: CSVReader.Record) -> String {
            let columns = parsed.filter { $0.base == base }.sorted { ($0.language == nil ? 0 : 1) < ($1.language == nil ? 0 : 1) }
            for column in columns {
                let text = (record[column.raw] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { return text }
            }
            return ""
        }

        /// The texts of `base` in every language, or `nil` when all are empty. A plain column is the default language.
        func localized(_ base: String, in record: CSVReader.Record, defaultLanguage: String) -> LocalizedText? {
            var texts: [String: String] = [:]
            for column in parsed where column.base == base {
                let text = (record[column.raw] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { continue }
                let language = column.language ?? defaultLanguage
                if column.language != nil || texts[language] == nil { texts[language] = text }
            }
            return texts.isEmpty ? nil : LocalizedText(texts, defaultLanguage: defaultLanguage)
        }

        /// The language suffixes used by the `bases` columns, in header order.
        func languages(of bases: [String]) -> [String] {
            var result: [String] = []
            for column in parsed where bases.contains(column.base) {
                if let language = column.language, !result.contains(language) { result.append(language) }
            }
            return result
        }

        /// Columns of the choices sheet other than `list_name`, `name`, `label` and media.
        var propertyColumns: [String] {
            parsed.filter { !["list_name", "name", "label"].contains($0.base) && !XLSFormCompiler.mediaColumns.contains($0.base) && $0.language == nil }.map(\.base)
        }

        /// The first header cell written twice (after reading aliases), as pyxform refuses it.
        var duplicate: Column? {
            var seen: Set<String> = []
            for column in parsed {
                let key = column.base + "::" + (column.language ?? "")
                if !seen.insert(key).inserted { return column }
            }
            return nil
        }

        /// The first record that fills a column of `bases` (any language), with the column as written.
        func firstUse(of bases: Set<String>, in records: [CSVReader.Record]) -> (CSVReader.Record, Column)? {
            let columns = parsed.filter { bases.contains($0.base) }
            for record in records {
                for column in columns where !(record[column.raw] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    return (record, column)
                }
            }
            return nil
        }
    }

    /// Media columns: images, sounds and films beside a text. A terminal cannot show them.
    static let mediaColumns: Set<String> = ["image", "audio", "video", "big-image", "big_image"]

    /// Survey columns XLSForm defines whose behaviour Veldwerk does not have, with what they do;
    /// a form that fills one is refused naming the cell (pyxform would act on it).
    static let unsupportedSurveyColumns: [String: String] = [
        "trigger": "recalculation triggers", "save_to": "saving to an entity",
        "guidance_hint": "guidance hints", "body::intent": "external app intents",
        "intent": "external app intents", "buttontext": "button texts", "noapperrorstring": "app error texts",
        "autoplay": "playing media", "jr:preload": "preloaded values", "jr:preloadparams": "preloaded values",
    ]

    /// Survey columns Veldwerk reads or that change nothing Veldwerk shows (`appearance` beyond
    /// `multiline` arranges a phone screen; `instance::…` are attributes of stored data; `sms_field`
    /// is for SMS submission).
    static let knownSurveyColumns: Set<String> = [
        "type", "name", "label", "hint", "required", "required_message", "relevant", "constraint",
        "constraint_message", "calculation", "choice_filter", "appearance", "default", "readonly", "rows", "parameters",
        "sms_field", "repeat_count",
    ]

    /// Whether a survey column is XLSForm vocabulary Veldwerk does not carry out: media, the
    /// features of ``unsupportedSurveyColumns``, other `bind::`, `body::` and `control::` attributes.
    /// Returns the feature's name for the refusal.
    static func unsupportedFeature(ofSurveyColumn base: String) -> String? {
        if mediaColumns.contains(base) { return "media (\(base))" }
        if let feature = unsupportedSurveyColumns[base] { return feature }
        if base.hasPrefix("bind::") { return "the bind attribute \(base.dropFirst(6))" }
        if base.hasPrefix("body::") || base.hasPrefix("control::") { return "the form control attribute \(base.split(separator: ":").last ?? "")" }
        if base.hasPrefix("jr:") { return "the attribute \(base)" }
        return nil
    }
}
