import Foundation

/// The list of municipalities the study samples from, across the 2025 mergers.
///
/// Each row is one municipality in one period (see ``Municipality/Key``). The roster answers which
/// municipalities exist on a day and maps a 2024 municipality to the one that continues it in 2025.
public struct Roster: Sendable, Equatable, Codable {
    /// All rows, in file order.
    public var municipalities: [Municipality]

    /// Creates a roster from rows.
    public init(municipalities: [Municipality]) {
        self.municipalities = municipalities
    }

    /// The columns a roster CSV must have; other columns are ignored.
    public static let requiredColumns = [
        "nis_code", "name", "province", "valid_from", "valid_to", "merged_into_nis", "arrondissement", "predecessors",
    ]

    /// Reads a roster CSV (columns ``requiredColumns``; extra columns are ignored).
    ///
    /// `valid_to` and `merged_into_nis` may be empty; `predecessors` holds NIS codes separated by `;`.
    /// - Throws: `RosterError` naming the line and column of the first problem: a missing column, an
    ///   empty name, a NIS code that is not five digits, a date that is not a real `YYYY-MM-DD` date,
    ///   a period that ends before it starts, a (NIS, valid_from) pair that occurs twice, or a
    ///   `merged_into_nis` that is not in the roster. An unterminated quote is reported as a `RosterError` too.
    public static func parse(csv: String) throws -> Roster {
        let table: CSVReader.Table
        do {
            table = try CSVReader.table(csv)
        } catch let error as CSVError {
            if case .unterminatedQuote(let line) = error {
                throw RosterError(row: line, column: nil, reason: "a quoted field is never closed")
            }
            throw RosterError(row: nil, column: nil, reason: error.description)
        }
        for column in requiredColumns where !table.hasColumn(column) {
            throw RosterError(row: 1, column: column, reason: "the header lacks this column")
        }

        var municipalities: [Municipality] = []
        var lines: [Municipality.Key: Int] = [:]
        var mergeTargets: [(nis: String, line: Int)] = []
        for record in table.records {
            func field(_ column: String) -> String {
                (record[column] ?? "").trimmingCharacters(in: .whitespaces)
            }
            func fail(_ column: String, _ reason: String) -> RosterError {
                RosterError(row: record.line, column: column, reason: reason)
            }
            func nisCode(_ text: String, column: String) throws -> String {
                guard text.count == 5, text.allSatisfy({ ("0"..."9").contains($0) }) else {
                    throw fail(column, "\"\(text)\" is not a NIS code (five digits)")
                }
                return text
            }
            func date(_ column: String) throws -> String {
                let text = field(column)
                guard DateText.isDate(text) else {
                    throw fail(column, "\"\(text)\" is not a date (YYYY-MM-DD)")
                }
                return text
            }

            let nis = try nisCode(field("nis_code"), column: "nis_code")
            let name = field("name")
            guard !name.isEmpty else { throw fail("name", "the name is empty") }
            let validFrom = try date("valid_from")
            let validTo = field("valid_to").isEmpty ? nil : try date("valid_to")
            if let validTo, validTo < validFrom {
                throw fail("valid_to", "\(validTo) is before valid_from \(validFrom)")
            }
            let mergedInto = field("merged_into_nis").isEmpty
                ? nil : try nisCode(field("merged_into_nis"), column: "merged_into_nis")
            let predecessors = try field("predecessors")
                .split(separator: ";")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
                .map { try nisCode($0, column: "predecessors") }

            let municipality = Municipality(
                nis: nis, name: name, province: field("province"), arrondissement: field("arrondissement"),
                validFrom: validFrom, validTo: validTo, mergedInto: mergedInto, predecessors: predecessors
            )
            if let earlier = lines[municipality.key] {
                throw fail("valid_from", "NIS \(nis) from \(validFrom) already appears on row \(earlier)")
            }
            lines[municipality.key] = record.line
            if let mergedInto { mergeTargets.append((mergedInto, record.line)) }
            municipalities.append(municipality)
        }
        let known = Set(municipalities.map(\.nis))
        for target in mergeTargets where !known.contains(target.nis) {
            throw RosterError(row: target.line, column: "merged_into_nis", reason: "NIS \(target.nis) is not in the roster")
        }
        return Roster(municipalities: municipalities)
    }

    /// The Flemish municipalities bundled with the default study: 300 valid up to 2024-12-31 and
    /// 285 from 2025-01-01.
    /// - Throws: `RosterError` when the bundled file is missing or malformed.
    public static func defaultStudy() throws -> Roster {
        guard let text = StudyFiles.text(named: "municipalities_flanders.csv") else {
            throw RosterError(row: nil, column: nil, reason: "the bundled file study/municipalities_flanders.csv cannot be read")
        }
        return try parse(csv: text)
    }

    /// The municipalities that exist on `date` (`YYYY-MM-DD`), in file order.
    public func municipalities(validOn date: String) -> [Municipality] {
        municipalities.filter { $0.isValid(on: date) }
    }

    /// The row with `key`, if any.
    public func municipality(_ key: Municipality.Key) -> Municipality? {
        municipalities.first { $0.key == key }
    }

    /// The row for `nis` valid on `date`, if any.
    public func municipality(nis: String, on date: String) -> Municipality? {
        municipalities.first { $0.nis == nis && $0.isValid(on: date) }
    }

    /// The newest row for `nis` (the one with the latest `validFrom`), or `nil` for an unknown code.
    public func current(nis: String) -> Municipality? {
        municipalities.filter { $0.nis == nis }.max { $0.validFrom < $1.validFrom }
    }

    /// The NIS code that continues `nis` on 2025-01-01, following `mergedInto` links.
    ///
    /// A municipality that still exists in 2025 (merged or not) maps to itself, e.g. Borsbeek (11007)
    /// maps to Antwerpen (11002), and Antwerpen to itself. An unknown code maps to itself.
    public func successor2025(of nis: String) -> String {
        successor(of: nis, on: "2025-01-01")
    }

    /// The NIS code that continues `nis` on `date`, following `mergedInto` links; see ``successor2025(of:)``.
    public func successor(of nis: String, on date: String) -> String {
        var code = nis
        var seen: Set<String> = []
        while seen.insert(code).inserted {
            let rows = municipalities.filter { $0.nis == code }
            if rows.contains(where: { $0.isValid(on: date) }) { return code }
            guard let next = rows.sorted(by: { $0.validFrom > $1.validFrom }).lazy.compactMap(\.mergedInto).first else {
                return code
            }
            code = next
        }
        return code
    }
}
