import Foundation

/// Writes an SPSS system file (`.sav`) natively, streaming: the dictionary first, then cases one by
/// one with bytecode compression, so a file of any length is written in flat memory.
///
/// What it writes (little-endian, UTF-8): the file header (`$FL2`, bias 100, case count unknown),
/// a variable record per 8-byte slot (with variable labels and up to three user-missing values),
/// value label records (types 3 and 4), a document record, the machine integer and floating-point
/// records (subtypes 3 and 4), variable display parameters (11), long variable names (13), very long
/// strings (14), the character encoding (20, `UTF-8`) and the dictionary termination (999).
/// Layout as PSPP's "System File Format" documents it.
struct SystemFileWriter {
    /// The seconds from the start of the Gregorian calendar (SPSS's epoch, 1582-10-14) to 1970-01-01.
    static let epochOffset: Double = 12_219_379_200

    let variables: [SystemFileVariable]
    let fileLabel: String
    let documents: [String]
    let created: Date
    /// The short (8-byte) name of each segment of each variable.
    let shortNames: [[String]]

    private var codes: [UInt8] = []
    private var literals: [UInt8] = []
    private(set) var caseCount = 0

    init(variables: [SystemFileVariable], fileLabel: String, documents: [String] = [], created: Date = Date()) {
        self.variables = variables
        self.fileLabel = fileLabel
        self.documents = documents
        self.created = created
        var taken: Set<String> = []
        var counter = 0
        shortNames = variables.map { variable in
            variable.segmentWidths.indices.map { segment in
                var base = String(variable.name.uppercased().unicodeScalars.filter { $0.isASCII }.map(Character.init).prefix(segment == 0 ? 8 : 5))
                if segment > 0 { base += String(segment) }
                if base.isEmpty || !(base.first?.isLetter ?? false) || taken.contains(base) || Self.reservedWords.contains(base) {
                    repeat {
                        counter += 1
                        base = "V\(counter)"
                    } while taken.contains(base)
                }
                taken.insert(base)
                return base
            }
        }
    }

    /// Words SPSS syntax reserves; never a variable name.
    static let reservedWords: Set<String> = ["ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"]

    // MARK: Dictionary

    /// Appends everything before the data: header, variables, labels, extension records, termination.
    func writeDictionary(into out: inout [UInt8]) {
        let caseSize = variables.reduce(0) { $0 + $1.slotCount }
        // File header.
        out += Array("$FL2".utf8)
        Self.appendPadded(Array("@(#) SPSS DATA FILE Veldwerk export".utf8), length: 60, to: &out)
        Self.appendInt32(2, to: &out)  // layout code
        Self.appendInt32(Int32(caseSize), to: &out)
        Self.appendInt32(1, to: &out)  // bytecode compression
        Self.appendInt32(0, to: &out)  // not weighted
        Self.appendInt32(-1, to: &out)  // case count not known in advance
        Self.appendFloat64(100, to: &out)  // compression bias
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd MMM yy"
        Self.appendPadded(Array(formatter.string(from: created).utf8), length: 9, to: &out)
        formatter.dateFormat = "HH:mm:ss"
        Self.appendPadded(Array(formatter.string(from: created).utf8), length: 8, to: &out)
        Self.appendPadded(Self.prefix(fileLabel, maxBytes: 64), length: 64, to: &out)
        out += [0, 0, 0]

        // Variable records: one per segment, plus continuation records for each further 8 bytes.
        var dictionaryIndex: [Int] = []  // 1-based index of each variable's first record
        var index = 1
        for (number, variable) in variables.enumerated() {
            dictionaryIndex.append(index)
            for (segment, width) in variable.segmentWidths.enumerated() {
                let label = segment == 0 ? Self.prefix(variable.label, maxBytes: 255) : []
                let missing = segment == 0 ? Array(variable.missingValues.prefix(3)) : []
                let format: SystemFileFormat
                switch variable.kind {
                case .numeric(let numeric): format = numeric
                case .string: format = .a(width)
                }
                Self.appendInt32(2, to: &out)
                Self.appendInt32(Int32(width), to: &out)
                Self.appendInt32(label.isEmpty ? 0 : 1, to: &out)
                Self.appendInt32(Int32(missing.count), to: &out)
                Self.appendInt32(format.packed, to: &out)
                Self.appendInt32(format.packed, to: &out)
                Self.appendPadded(Array(shortNames[number][segment].utf8), length: 8, to: &out)
                if !label.isEmpty {
                    Self.appendInt32(Int32(label.count), to: &out)
                    Self.appendPadded(label, length: (label.count + 3) / 4 * 4, to: &out)
                }
                for value in missing { Self.appendFloat64(value, to: &out) }
                index += 1
                for _ in 1..<SystemFileVariable.slots(forWidth: width) {
                    Self.appendInt32(2, to: &out)
                    Self.appendInt32(-1, to: &out)
                    for _ in 0..<4 { Self.appendInt32(0, to: &out) }
                    Self.appendPadded([], length: 8, to: &out)
                    index += 1
                }
            }
        }

        // Value labels: variables with the same labels share one pair of records.
        var groups: [(labels: [(value: Double, label: String)], indexes: [Int32])] = []
        for (number, variable) in variables.enumerated() where !variable.valueLabels.isEmpty {
            guard case .numeric = variable.kind else { continue }
            if let group = groups.firstIndex(where: {
                $0.labels.map(\.value) == variable.valueLabels.map(\.value) && $0.labels.map(\.label) == variable.valueLabels.map(\.label)
            }) {
                groups[group].indexes.append(Int32(dictionaryIndex[number]))
            } else {
                groups.append((variable.valueLabels, [Int32(dictionaryIndex[number])]))
            }
        }
        for group in groups {
            Self.appendInt32(3, to: &out)
            Self.appendInt32(Int32(group.labels.count), to: &out)
            for (value, label) in group.labels {
                Self.appendFloat64(value, to: &out)
                let bytes = Self.prefix(label, maxBytes: 120)
                out.append(UInt8(bytes.count))
                Self.appendPadded(bytes, length: (bytes.count + 1 + 7) / 8 * 8 - 1, to: &out)
            }
            Self.appendInt32(4, to: &out)
            Self.appendInt32(Int32(group.indexes.count), to: &out)
            for index in group.indexes { Self.appendInt32(index, to: &out) }
        }

        // Documents: 80-byte lines.
        if !documents.isEmpty {
            Self.appendInt32(6, to: &out)
            Self.appendInt32(Int32(documents.count), to: &out)
            for line in documents { Self.appendPadded(Self.prefix(line, maxBytes: 80), length: 80, to: &out) }
        }

        // Machine integer info: version 1.0.0, machine -1, IEEE 754, compression 1, little-endian, UTF-8 (65001).
        Self.appendExtension(subtype: 3, size: 4, count: 8, to: &out)
        for value: Int32 in [1, 0, 0, -1, 1, 1, 2, 65001] { Self.appendInt32(value, to: &out) }
        // Machine floating-point info: system-missing, highest, lowest.
        Self.appendExtension(subtype: 4, size: 8, count: 3, to: &out)
        Self.appendFloat64(Self.systemMissing, to: &out)
        Self.appendFloat64(Double.greatestFiniteMagnitude, to: &out)
        Self.appendFloat64((-Double.greatestFiniteMagnitude).nextUp, to: &out)

        // Variable display parameters: measure, width, alignment per segment.
        let segments = variables.flatMap { variable in variable.segmentWidths.map { (variable, $0) } }
        Self.appendExtension(subtype: 11, size: 4, count: Int32(segments.count * 3), to: &out)
        for (variable, width) in segments {
            let isString: Bool
            if case .string = variable.kind { isString = true } else { isString = false }
            Self.appendInt32(variable.measure.rawValue, to: &out)
            let columns: Int
            switch variable.kind {
            case .numeric(let format): columns = Int(format.width)
            case .string: columns = min(max(width, 8), 40)
            }
            Self.appendInt32(Int32(columns), to: &out)
            Self.appendInt32(isString ? 0 : 1, to: &out)
        }

        // Long variable names: SHORT=Long pairs separated by tabs.
        let longNames = variables.enumerated().map { "\(shortNames[$0.offset][0])=\($0.element.name)" }.joined(separator: "\t")
        Self.appendTextExtension(subtype: 13, Array(longNames.utf8), to: &out)

        // Very long strings: SHORT=WIDTH (five digits), NUL, TAB.
        var veryLong: [UInt8] = []
        for (number, variable) in variables.enumerated() {
            if case .string(let width) = variable.kind, width > 255 {
                veryLong += Array("\(shortNames[number][0])=\(String(format: "%05d", width))".utf8) + [0, 9]
            }
        }
        if !veryLong.isEmpty { Self.appendTextExtension(subtype: 14, veryLong, to: &out) }

        // Character encoding.
        Self.appendTextExtension(subtype: 20, Array("UTF-8".utf8), to: &out)

        // Dictionary termination.
        Self.appendInt32(999, to: &out)
        Self.appendInt32(0, to: &out)
    }

    // MARK: Data

    /// Appends one case; `values` are parallel to ``variables``.
    mutating func appendCase(_ values: [SystemFileValue], into out: inout [UInt8]) {
        precondition(values.count == variables.count, "a case has one value per variable")
        for (variable, value) in zip(variables, values) {
            switch (variable.kind, value) {
            case (.numeric, .number(let number)):
                appendNumber(number, into: &out)
            case (.numeric, .string):
                appendNumber(nil, into: &out)
            case (.string, _):
                var bytes: [UInt8] = []
                if case .string(let text) = value { bytes = Array(text.utf8) }
                appendString(bytes, segments: variable.segmentWidths, into: &out)
            }
        }
        caseCount += 1
    }

    /// Ends the data: the end-of-file code, and the last block of codes padded with zeros.
    mutating func finish(into out: inout [UInt8]) {
        addCode(252, into: &out)
        if !codes.isEmpty {
            codes += Array(repeating: 0, count: 8 - codes.count)
            flush(into: &out)
        }
    }

    private mutating func appendNumber(_ number: Double?, into out: inout [UInt8]) {
        guard let number else {
            addCode(255, into: &out)
            return
        }
        if number == number.rounded(), number >= -99, number <= 151, !(number == 0 && number.sign == .minus) {
            addCode(UInt8(Int(number) + 100), into: &out)
        } else {
            var literal: [UInt8] = []
            Self.appendFloat64(number, to: &literal)
            addLiteral(literal, into: &out)
        }
    }

    private mutating func appendString(_ text: [UInt8], segments: [Int], into out: inout [UInt8]) {
        let width = segments.count == 1 ? segments[0] : (segments.count - 1) * 252 + (segments.last ?? 0)
        let bytes = Self.prefix(bytes: text, maxBytes: width)
        for (segment, segmentWidth) in segments.enumerated() {
            // Each segment holds 255 bytes of the value (the last one the rest), padded with spaces to its slots.
            let start = min(bytes.count, segment * 255)
            let end = min(bytes.count, start + (segments.count == 1 ? segmentWidth : 255))
            var chunk = Array(bytes[start..<end])
            let slots = SystemFileVariable.slots(forWidth: segmentWidth)
            chunk += Array(repeating: 32, count: slots * 8 - chunk.count)
            for slot in 0..<slots {
                let piece = chunk[(slot * 8)..<(slot * 8 + 8)]
                if piece.allSatisfy({ $0 == 32 }) {
                    addCode(254, into: &out)
                } else {
                    addLiteral(Array(piece), into: &out)
                }
            }
        }
    }

    private mutating func addCode(_ code: UInt8, into out: inout [UInt8]) {
        codes.append(code)
        if codes.count == 8 { flush(into: &out) }
    }

    private mutating func addLiteral(_ literal: [UInt8], into out: inout [UInt8]) {
        literals += literal
        addCode(253, into: &out)
    }

    private mutating func flush(into out: inout [UInt8]) {
        out += codes
        out += literals
        codes.removeAll(keepingCapacity: true)
        literals.removeAll(keepingCapacity: true)
    }

    // MARK: Encoding helpers

    /// SPSS's system-missing value: the most negative finite double.
    static let systemMissing = -Double.greatestFiniteMagnitude

    static func appendInt32(_ value: Int32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    static func appendFloat64(_ value: Double, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { out += $0 }
    }

    /// `bytes` then spaces up to `length`.
    static func appendPadded(_ bytes: [UInt8], length: Int, to out: inout [UInt8]) {
        out += bytes.prefix(length)
        if bytes.count < length { out += Array(repeating: 32, count: length - bytes.count) }
    }

    private static func appendExtension(subtype: Int32, size: Int32, count: Int32, to out: inout [UInt8]) {
        appendInt32(7, to: &out)
        appendInt32(subtype, to: &out)
        appendInt32(size, to: &out)
        appendInt32(count, to: &out)
    }

    private static func appendTextExtension(subtype: Int32, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendExtension(subtype: subtype, size: 1, count: Int32(bytes.count), to: &out)
        out += bytes
    }

    /// The UTF-8 of `text`, cut to at most `maxBytes` without splitting a character.
    static func prefix(_ text: String, maxBytes: Int) -> [UInt8] {
        prefix(bytes: Array(text.utf8), maxBytes: maxBytes)
    }

    static func prefix(bytes: [UInt8], maxBytes: Int) -> [UInt8] {
        guard bytes.count > maxBytes else { return bytes }
        var end = maxBytes
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }  // do not cut inside a UTF-8 sequence
        return Array(bytes[..<end])
    }
}
