import Foundation
import Shared

/// What to export and which interviews: the same options for the download route and both command lines.
///
/// Read from `name=value` parameters (the route's query string; the commands build the same list):
/// `format`, `labels=true`, `language=en`, `separator=semicolon`, `bom=true`, `personal=true`,
/// `state=complete|draft|withdrawn|all` (repeatable), `province=NAME` (repeatable),
/// `from=YYYY-MM-DD`, `to=YYYY-MM-DD` (on the day the interview started), `since=SEQ`, `raw=true`,
/// `context=true` (quotes with the answers that help identify a respondent), `repeat=GROUP` (csv and
/// sav: the file of one repeat, a row per instance).
struct ExportOptions: Sendable, Equatable {
    var format: ExportFormat
    /// Choice labels instead of choice codes in the wide CSV.
    var labels = false
    /// The language of labels; `nil` is the questionnaire's default language.
    var language: String?
    /// The CSV field separator: `,` or `;` (Excel with a Dutch locale).
    var separator: UInt8 = UInt8(ascii: ",")
    /// Start CSV files with a UTF-8 byte order mark, so Excel reads accents right.
    var byteOrderMark = false
    /// Respondent name and e-mail and the interviewer's identity; only an admin may ask.
    var includePersonalData = false
    /// The interview states to export; `nil` means the default (see ``effectiveStates``).
    var states: Set<Interview.State>?
    /// Provinces to keep (empty: all), compared without case.
    var provinces: [String] = []
    /// First and last day (`YYYY-MM-DD`, inclusive) on which kept interviews started.
    var from: String?
    var to: String?
    /// Only interviews with a change after this log position (an incremental export).
    var since: Int64?
    /// CSV cells exactly as stored; by default a cell a spreadsheet would run as a formula gets a
    /// leading apostrophe (see ``Shared/CSVWriter/neutralised(_:)``). JSON Lines and SPSS are never changed.
    var raw = false
    /// Cells as a Dutch-language spreadsheet reads them (`excel=nl`): a decimal comma in numbers and
    /// times written `2025-01-14 10:30:00` (UTC), with a semicolon separator and a byte order mark.
    var spreadsheetNL = false
    /// Quotes with the answers that help identify the respondent (the form's quasi-identifiers, such as
    /// the respondent's function); left out by default.
    var withContext = false
    /// The question whose answer `ja` means the respondent agreed to be quoted.
    var quoteConsentQuestion = "f_citaat_toestemming"
    var quoteConsentValue = "ja"
    /// The repeat whose file to write (one row per instance) instead of the main file; csv and sav only.
    var repeatGroup: String?

    /// The formats that write a repeat's file.
    static let repeatFormats: [ExportFormat] = [.csv, .sav]

    init(format: ExportFormat) {
        self.format = format
    }

    /// A stored answer or metadata value as a CSV cell: unchanged, or for `excel=nl` a decimal number
    /// with a comma and an ISO time as `YYYY-MM-DD HH:MM:SS`, which a Dutch spreadsheet reads as a number and a date.
    func spreadsheetCell(_ value: JSONValue) -> String {
        let text = AnswerText.text(value)
        guard spreadsheetNL else { return text }
        if case .double = value { return text.replacingOccurrences(of: ".", with: ",") }
        return Self.spreadsheetTime(text) ?? text
    }

    /// `2025-01-14T10:30:00Z` (or with fractional seconds) → `2025-01-14 10:30:00`; nil for other text.
    static func spreadsheetTime(_ text: String) -> String? {
        guard Timestamp.isValid(text), text.hasSuffix("Z") || text.hasSuffix("z") else { return nil }
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8))
    }

    /// The CSV writer these options ask for: their separator, formulas neutralised unless `raw`.
    var csvWriter: CSVWriter {
        CSVWriter(separator: separator, neutralisesFormulas: !raw)
    }

    /// The states kept: as asked; else complete interviews only, or every state for an incremental
    /// export (so a withdrawal since the last export reaches the researcher too).
    var effectiveStates: Set<Interview.State> {
        states ?? (since == nil ? [.complete] : Set(Interview.State.allCases))
    }

    /// Reads options from `name=value` pairs; repeated names add up (`state`, `province`).
    /// - Throws: ``ExportError/invalidOption(_:)`` naming the option and what it takes.
    init(parameters: [(String, String)]) throws {
        guard let formatText = parameters.last(where: { $0.0 == "format" })?.1 else {
            throw ExportError.invalidOption("Name a format: format=\(ExportFormat.allCases.map(\.rawValue).joined(separator: "|")).")
        }
        guard let format = ExportFormat(rawValue: formatText) else {
            throw ExportError.invalidOption(
                "Unknown format \"\(formatText)\"; use one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        self.init(format: format)
        var states: Set<Interview.State> = []
        for (name, value) in parameters {
            switch name {
            case "format": break
            case "labels": labels = try Self.flag(name, value)
            case "bom": byteOrderMark = try Self.flag(name, value)
            case "personal": includePersonalData = try Self.flag(name, value)
            case "raw": raw = try Self.flag(name, value)
            case "context": withContext = try Self.flag(name, value)
            case "excel":
                guard value == "nl" else { throw ExportError.invalidOption("excel takes nl (a Dutch-language Excel or LibreOffice), not \"\(value)\".") }
                spreadsheetNL = true
            case "language":
                guard !value.isEmpty, value.count <= 16 else { throw ExportError.invalidOption("language takes a language code such as nl or en.") }
                language = value
            case "separator":
                switch value {
                case "comma", ",": separator = UInt8(ascii: ",")
                case "semicolon", ";": separator = UInt8(ascii: ";")
                default: throw ExportError.invalidOption("separator is comma or semicolon, not \"\(value)\".")
                }
            case "state":
                if value == "all" {
                    states.formUnion(Interview.State.allCases)
                } else if let state = Interview.State(rawValue: value) {
                    states.insert(state)
                } else {
                    throw ExportError.invalidOption("state is draft, complete, withdrawn or all, not \"\(value)\".")
                }
            case "province":
                guard !value.isEmpty else { throw ExportError.invalidOption("province takes a province name, e.g. Limburg.") }
                provinces.append(value)
            case "from", "to":
                guard TimestampText.isDate(value) else { throw ExportError.invalidOption("\(name) takes a date written YYYY-MM-DD, not \"\(value)\".") }
                if name == "from" { from = value } else { to = value }
            case "since":
                guard let seq = Int64(value), seq >= 0 else { throw ExportError.invalidOption("since takes a log position (a whole number ≥ 0), not \"\(value)\".") }
                since = seq
            case "repeat":
                guard !value.isEmpty else { throw ExportError.invalidOption(Self.repeatNeedsName) }
                repeatGroup = value
            default:
                throw ExportError.invalidOption("Unknown export option \"\(name)\".")
            }
        }
        if !states.isEmpty { self.states = states }
        if spreadsheetNL {
            separator = UInt8(ascii: ";")
            byteOrderMark = true
        }
        if let from, let to, to < from { throw ExportError.invalidOption("to (\(to)) is before from (\(from)).") }
        if repeatGroup != nil, !Self.repeatFormats.contains(format) { throw ExportError.invalidOption(Self.repeatNeedsFormat(format)) }
    }

    private static var repeatNeedsName: String {
        localized(
            nl: "repeat neemt de naam van een herhaling (begin_repeat), bv. repeat=household.",
            en: "repeat takes the name of a repeat (begin_repeat), e.g. repeat=household."
        )
    }

    private static func repeatNeedsFormat(_ format: ExportFormat) -> String {
        let formats = repeatFormats.map(\.rawValue).joined(separator: ", ")
        return localized(
            nl: "Alleen \(formats) hebben een eigen bestand per herhaling; laat repeat weg voor \(format.rawValue).",
            en: "Only \(formats) have a file of their own per repeat; leave out repeat for \(format.rawValue)."
        )
    }

    /// The options as `name=value` pairs, the inverse of ``init(parameters:)``.
    var parameters: [(String, String)] {
        var result = [("format", format.rawValue)]
        if labels { result.append(("labels", "true")) }
        if let language { result.append(("language", language)) }
        if separator == UInt8(ascii: ";") { result.append(("separator", "semicolon")) }
        if byteOrderMark { result.append(("bom", "true")) }
        if includePersonalData { result.append(("personal", "true")) }
        if let states { result += states.map(\.rawValue).sorted().map { ("state", $0) } }
        result += provinces.map { ("province", $0) }
        if let from { result.append(("from", from)) }
        if let to { result.append(("to", to)) }
        if let since { result.append(("since", String(since))) }
        if raw { result.append(("raw", "true")) }
        if withContext { result.append(("context", "true")) }
        if spreadsheetNL { result.append(("excel", "nl")) }
        if let repeatGroup { result.append(("repeat", repeatGroup)) }
        return result
    }

    private static func flag(_ name: String, _ value: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes", "": return true
        case "false", "0", "no": return false
        default: throw ExportError.invalidOption("\(name) is true or false, not \"\(value)\".")
        }
    }
}
