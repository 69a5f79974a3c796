import ArgumentParser
import Foundation

/// The options of an export, shared by `veldwerk export` (which sends them as the query of
/// `GET /v1/export`) and `veldwerk-server export` (which hands them to the exporter): one
/// definition, so the two commands cannot drift apart.
public struct ExportArguments: ParsableArguments {
    @Option(help: "csv, csv-long, jsonl, sav, codebook, codebook-csv or quotes.") public var format: String
    @Flag(help: "Choice labels instead of codes in the wide CSV.") public var labels = false
    @Option(help: "Language of labels, e.g. nl or en (default: the questionnaire's).") public var language: String?
    @Option(help: "CSV separator: comma or semicolon (Excel with a Dutch locale).") public var separator: String = "comma"
    @Flag(help: "Start CSV files with a UTF-8 byte order mark (for Excel).") public var bom = false
    @Option(help: "nl: a CSV a Dutch-language Excel or LibreOffice opens as numbers and dates (semicolons, a byte order mark, decimal commas, times as 2025-01-14 10:30:00).")
    public var excel: String?
    @Flag(help: "Include respondent names and e-mail and interviewer identities (admins only).") public var includePersonalData = false
    @Option(name: .customLong("state"), help: "Interview state to include: draft, complete, withdrawn or all; repeat for several (default: complete).")
    public var states: [String] = []
    @Option(name: .customLong("province"), help: "Only this province; repeat for several.") public var provinces: [String] = []
    @Option(help: "Only interviews started on or after this day (YYYY-MM-DD).") public var from: String?
    @Option(help: "Only interviews started on or before this day (YYYY-MM-DD).") public var to: String?
    @Option(help: "Only interviews changed after this log position (an incremental export; all states by default).") public var since: Int64?
    @Flag(help: "CSV cells exactly as typed: do not put an apostrophe before a cell a spreadsheet would run as a formula (=, +, -, @).")
    public var raw = false
    @Flag(help: "Quotes: keep the answers that help identify a respondent (their function, a free-text department); left out by default.")
    public var withContext = false
    @Option(name: .customLong("repeat"), help: "csv and sav: the file of this repeat (begin_repeat name), one row per instance, linked by interview_id and instance_id.")
    public var repeatGroup: String?
    @Flag(help: "Replace the --out file if it exists (only once the new export is complete; a folder is never replaced).")
    public var force = false

    public init() {}

    public static let formats = ["csv", "csv-long", "jsonl", "sav", "codebook", "codebook-csv", "quotes"]

    public func validate() throws {
        if let excel, excel != "nl" { throw ValidationError("--excel takes nl (a Dutch-language Excel or LibreOffice), not \(excel).") }
        guard Self.formats.contains(format) else { throw ValidationError("--format must be one of \(Self.formats.joined(separator: ", ")).") }
        guard ["comma", "semicolon"].contains(separator) else { throw ValidationError("--separator is comma or semicolon.") }
        for state in states where !["draft", "complete", "withdrawn", "all"].contains(state) {
            throw ValidationError("--state is draft, complete, withdrawn or all, not \(state).")
        }
        for date in [from, to].compactMap({ $0 }) where !Self.looksLikeDate(date) {
            throw ValidationError("\(date) is not a date written YYYY-MM-DD.")
        }
        if let since, since < 0 { throw ValidationError("--since is a log position, 0 or more.") }
    }

    /// `YYYY-MM-DD` in shape (the exporter checks the calendar).
    static func looksLikeDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && bytes[4] == 45 && bytes[7] == 45
            && bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }
    }

    /// The `--out` file, checked: not a folder, not an existing file without `--force`.
    /// - Throws: a `ValidationError` with the ``OutputFileError`` sentence; nothing is touched.
    public func outputFile(_ path: String) throws -> OutputFile {
        do {
            return try OutputFile(path: path, force: force)
        } catch let error as OutputFileError {
            throw ValidationError(error.description)
        }
    }

    /// The options as the parameters of `GET /v1/export`, in the order the route documents them (`--force` is not one).
    public var parameters: [(String, String)] {
        var parameters: [(String, String)] = [("format", format), ("separator", separator)]
        if labels { parameters.append(("labels", "true")) }
        if let language { parameters.append(("language", language)) }
        if bom { parameters.append(("bom", "true")) }
        if includePersonalData { parameters.append(("personal", "true")) }
        parameters += states.map { ("state", $0) } + provinces.map { ("province", $0) }
        if let from { parameters.append(("from", from)) }
        if let to { parameters.append(("to", to)) }
        if let since { parameters.append(("since", String(since))) }
        if raw { parameters.append(("raw", "true")) }
        if withContext { parameters.append(("context", "true")) }
        if let excel { parameters.append(("excel", excel)) }
        if let repeatGroup { parameters.append(("repeat", repeatGroup)) }
        return parameters
    }

    /// The parameters as a URL query string.
    public var query: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return parameters.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}
