import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The sheets of an Excel workbook (`.xlsx`) as rows of cell texts, read with ZIPFoundation and Foundation's XML parser.
///
/// Only what XLSForms need: sheet names, shared and inline strings, numbers and booleans as their
/// text. Row positions are kept (a missing row is an empty row), so row numbers match the spreadsheet.
struct XLSXWorkbook {
    /// Sheet name → rows of cells.
    private(set) var sheets: [(name: String, rows: [[String]])] = []

    init(data: Data) throws {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw XLSXError("The file is not an .xlsx workbook (it is not a ZIP archive).")
        }
        func read(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            return data
        }
        guard let workbook = try read("xl/workbook.xml") else { throw XLSXError("The workbook has no xl/workbook.xml; is it an Excel file?") }
        let relations = try read("xl/_rels/workbook.xml.rels").map(Self.parseRelations) ?? [:]
        let shared = try read("xl/sharedStrings.xml").map(Self.parseSharedStrings) ?? []
        for (name, relation) in try Self.parseSheetList(workbook) {
            guard let target = relations[relation] else { continue }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard let xml = try read(path) else { throw XLSXError("Sheet \"\(name)\" is missing from the workbook (\(path)).") }
            sheets.append((name, try Self.parseSheet(xml, sharedStrings: shared)))
        }
    }

    /// The rows of the sheet with this name (case-insensitive), or nil.
    func rows(of name: String) -> [[String]]? {
        sheets.first { $0.name.lowercased() == name.lowercased() }?.rows
    }

    // MARK: Parsing

    private static func parseSheetList(_ data: Data) throws -> [(String, String)] {
        let handler = ElementCollector<(String, String)> { name, attributes, _ in
            guard name == "sheet", let sheet = attributes["name"] else { return nil }
            let relation = attributes.first { $0.key == "r:id" || $0.key.hasSuffix(":id") }?.value ?? ""
            return (sheet, relation)
        }
        return try handler.parse(data)
    }

    private static func parseRelations(_ data: Data) throws -> [String: String] {
        let handler = ElementCollector<(String, String)> { name, attributes, _ in
            guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return nil }
            return (id, target)
        }
        return Dictionary(try handler.parse(data), uniquingKeysWith: { first, _ in first })
    }

    private static func parseSharedStrings(_ data: Data) throws -> [String] {
        let parser = SharedStringParser()
        return try parser.parse(data)
    }

    private static func parseSheet(_ data: Data, sharedStrings: [String]) throws -> [[String]] {
        let parser = SheetParser(sharedStrings: sharedStrings)
        return try parser.parse(data)
    }

    /// "B" → 1, "AA" → 26: the zero-based column of a cell reference such as `AA12`.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var sawLetter = false
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
            sawLetter = true
        }
        return sawLetter ? index - 1 : nil
    }

    static func rowNumber(_ reference: String) -> Int? {
        Int(String(reference.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }))
    }
}

/// An .xlsx file that cannot be read.
struct XLSXError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Collects one value per matching element (attributes only).
private final class ElementCollector<Value>: NSObject, XMLParserDelegate {
    private let match: (String, [String: String], String) -> Value?
    private var values: [Value] = []

    init(match: @escaping (String, [String: String], String) -> Value?) {
        self.match = match
    }

    func parse(_ data: Data) throws -> [Value] {
        let parser = XMLParser(data: data)
        parser.delegate = self
        guard parser.parse() else { throw XLSXError("The workbook's XML is damaged: \(parser.parserError.map { "\($0)" } ?? "unknown error").") }
        return values
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if let value = match(name, attributes, "") { values.append(value) }
    }
}

/// `xl/sharedStrings.xml`: each `<si>` is one string, the concatenation of its `<t>` texts (rich runs included).
private final class SharedStringParser: NSObject, XMLParserDelegate {
    private var strings: [String] = []
    private var current = ""
    private var inText = false
    private var inPhonetic = false

    func parse(_ data: Data) throws -> [String] {
        let parser = XMLParser(data: data)
        parser.delegate = self
        guard parser.parse() else { throw XLSXError("The workbook's shared strings are damaged.") }
        return strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch name {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}

/// A worksheet's `<sheetData>`: rows of cells placed by their references.
private final class SheetParser: NSObject, XMLParserDelegate {
    private let sharedStrings: [String]
    private var rows: [Int: [Int: String]] = [:]
    private var rowNumber = 0
    private var cellColumn = 0
    private var cellType = ""
    private var text = ""
    private var collecting = false
    private var nextColumn = 0
    private var failure: String?

    init(sharedStrings: [String]) {
        self.sharedStrings = sharedStrings
    }

    func parse(_ data: Data) throws -> [[String]] {
        let parser = XMLParser(data: data)
        parser.delegate = self
        guard parser.parse() else { throw XLSXError(failure ?? "A worksheet's XML is damaged.") }
        if let failure { throw XLSXError(failure) }
        let last = rows.keys.max() ?? 0
        return (1...max(last, 1)).map { number in
            guard let cells = rows[number], let width = cells.keys.max() else { return [] }
            return (0...width).map { cells[$0] ?? "" }
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch name {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            nextColumn = 0
        case "c":
            cellColumn = attributes["r"].flatMap(XLSXWorkbook.columnIndex) ?? nextColumn
            nextColumn = cellColumn + 1
            cellType = attributes["t"] ?? "n"
            text = ""
        case "v", "t":
            collecting = true
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t":
            collecting = false
        case "c":
            let value: String
            switch cellType {
            case "s":
                guard let index = Int(text), sharedStrings.indices.contains(index) else {
                    failure = "A cell in row \(rowNumber) points at a missing shared string."
                    return
                }
                value = sharedStrings[index]
            case "b":
                value = text == "1" ? "TRUE" : "FALSE"
            case "n":
                // Whole numbers typed in Excel come back as 1 or 1.0; XLSForms want "1".
                if let number = Double(text), number.rounded() == number, abs(number) < 1e15 {
                    value = String(Int64(number))
                } else {
                    value = text
                }
            default:
                value = text
            }
            if !value.isEmpty { rows[rowNumber, default: [:]][cellColumn] = value }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting { text += string }
    }
}
