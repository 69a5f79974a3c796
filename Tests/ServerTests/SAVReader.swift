import Foundation

/// A minimal SPSS system file reader for the tests: enough of the format to check what
/// ``SystemFileWriter`` wrote, read independently of it (bytecode-compressed data, very long strings).
struct SAVReader {
    struct Variable {
        var shortName: String
        var name: String
        /// 0 for numeric, else the string width (of the whole very long string, once joined).
        var width: Int
        var label: String?
        var missing: [Double]
        var printFormat: Int32
        var valueLabels: [Double: String] = [:]
        /// Dictionary index (1-based) of each segment's first record.
        var segmentWidths: [Int]
    }

    enum Value: Equatable {
        case number(Double?)
        case string(String)
    }

    var productName: String
    var caseCountInHeader: Int32
    var fileLabel: String
    var variables: [Variable] = []
    var encoding: String?
    var documents: [String] = []
    var cases: [[Value]] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(_ data: [UInt8]) throws {
        var cursor = Cursor(bytes: data)
        guard try cursor.text(4) == "$FL2" else { throw Failure(description: "not $FL2") }
        productName = try cursor.text(60)
        guard try cursor.int32() == 2 else { throw Failure(description: "layout code") }
        let caseSize = try cursor.int32()
        let compression = try cursor.int32()
        _ = try cursor.int32()
        caseCountInHeader = try cursor.int32()
        let bias = try cursor.float64()
        _ = try cursor.bytes(17)
        fileLabel = try cursor.text(64).trimmingCharacters(in: .whitespaces)
        _ = try cursor.bytes(3)

        // Records: type 2 (variables, one per 8-byte slot), 3/4, 6, 7, 999.
        struct RawVariable {
            var width: Int32
            var name: String
            var label: String?
            var missing: [Double]
            var format: Int32
            var index: Int
        }
        var raw: [RawVariable] = []
        var slotIndex = 0
        var longNames: [String: String] = [:]
        var veryLong: [String: Int] = [:]
        var pendingLabels: [(Double, String)] = []
        var labelsByIndex: [Int: [Double: String]] = [:]
        loop: while true {
            let type = try cursor.int32()
            switch type {
            case 2:
                let width = try cursor.int32()
                let hasLabel = try cursor.int32()
                let missingCount = try cursor.int32()
                let format = try cursor.int32()
                _ = try cursor.int32()
                let name = try cursor.text(8).trimmingCharacters(in: .whitespaces)
                var label: String?
                if hasLabel == 1 {
                    let length = Int(try cursor.int32())
                    label = String(decoding: try cursor.bytes(length), as: UTF8.self)
                    _ = try cursor.bytes((length + 3) / 4 * 4 - length)
                }
                var missing: [Double] = []
                for _ in 0..<abs(missingCount) { missing.append(try cursor.float64()) }
                slotIndex += 1
                if width >= 0 { raw.append(RawVariable(width: width, name: name, label: label, missing: missing, format: format, index: slotIndex)) }
            case 3:
                let count = try cursor.int32()
                pendingLabels = []
                for _ in 0..<count {
                    let value = try cursor.float64()
                    let length = Int(try cursor.bytes(1)[0])
                    let label = String(decoding: try cursor.bytes(length), as: UTF8.self)
                    _ = try cursor.bytes((length + 1 + 7) / 8 * 8 - length - 1)
                    pendingLabels.append((value, label))
                }
                guard try cursor.int32() == 4 else { throw Failure(description: "type 3 not followed by type 4") }
                let variableCount = try cursor.int32()
                for _ in 0..<variableCount {
                    let index = Int(try cursor.int32())
                    for (value, label) in pendingLabels { labelsByIndex[index, default: [:]][value] = label }
                }
            case 6:
                let lines = try cursor.int32()
                for _ in 0..<lines { documents.append(try cursor.text(80).trimmingCharacters(in: .whitespaces)) }
            case 7:
                let subtype = try cursor.int32()
                let size = try cursor.int32()
                let count = try cursor.int32()
                let body = try cursor.bytes(Int(size * count))
                let text = String(decoding: body, as: UTF8.self)
                switch subtype {
                case 13:
                    for pair in text.split(separator: "\t") {
                        let parts = pair.split(separator: "=", maxSplits: 1)
                        if parts.count == 2 { longNames[String(parts[0])] = String(parts[1]) }
                    }
                case 14:
                    for entry in text.split(separator: "\t") {
                        let trimmed = entry.replacingOccurrences(of: "\0", with: "")
                        let parts = trimmed.split(separator: "=", maxSplits: 1)
                        if parts.count == 2, let width = Int(parts[1]) { veryLong[String(parts[0])] = width }
                    }
                case 20:
                    encoding = text
                default: break
                }
            case 999:
                _ = try cursor.int32()
                break loop
            default:
                throw Failure(description: "unknown record type \(type)")
            }
        }

        // Join very long string segments into one variable.
        var rawIndex = 0
        while rawIndex < raw.count {
            let first = raw[rawIndex]
            var segments = [Int(first.width)]
            var width = Int(first.width)
            if let total = veryLong[first.name] {
                let count = (total + 251) / 252
                segments = raw[rawIndex..<(rawIndex + count)].map { Int($0.width) }
                width = total
                rawIndex += count
            } else {
                rawIndex += 1
            }
            variables.append(
                Variable(
                    shortName: first.name, name: longNames[first.name] ?? first.name, width: width, label: first.label, missing: first.missing,
                    printFormat: first.format, valueLabels: labelsByIndex[first.index] ?? [:], segmentWidths: segments
                )
            )
        }
        guard slotIndex == Int(caseSize) else { throw Failure(description: "case size \(caseSize) but \(slotIndex) slots") }
        guard compression == 1 else { throw Failure(description: "expected bytecode compression") }

        // Data: decompress slot by slot.
        var slots = Decompressor(cursor: cursor, bias: bias)
        while true {
            var row: [Value] = []
            var atEnd = false
            for variable in variables {
                if variable.width == 0 {
                    guard let slot = try slots.next() else { atEnd = true; break }
                    switch slot {
                    case .number(let value): row.append(.number(value))
                    case .bytes(let bytes):
                        let bits = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
                        row.append(.number(Double(bitPattern: bits)))
                    case .spaces: throw Failure(description: "spaces in a numeric slot")
                    }
                } else {
                    var bytes: [UInt8] = []
                    for (segment, segmentWidth) in variable.segmentWidths.enumerated() {
                        var segmentBytes: [UInt8] = []
                        for _ in 0..<((segmentWidth + 7) / 8) {
                            guard let slot = try slots.next() else { atEnd = true; break }
                            switch slot {
                            case .spaces: segmentBytes += Array(repeating: 32, count: 8)
                            case .bytes(let raw): segmentBytes += raw
                            case .number: throw Failure(description: "number in a string slot")
                            }
                        }
                        let used = variable.segmentWidths.count == 1 ? segmentWidth : (segment == variable.segmentWidths.count - 1 ? segmentWidth : 255)
                        bytes += segmentBytes.prefix(used)
                    }
                    if atEnd { break }
                    while bytes.last == 32 { bytes.removeLast() }
                    row.append(.string(String(decoding: bytes, as: UTF8.self)))
                }
                if atEnd { break }
            }
            if atEnd || row.isEmpty {
                guard row.isEmpty else { throw Failure(description: "a case ends part-way") }
                break
            }
            cases.append(row)
        }
    }

    func index(of name: String) -> Int? {
        variables.firstIndex { $0.name == name }
    }

    func variable(_ name: String) -> Variable? {
        variables.first { $0.name == name }
    }

    /// The value of `name` in the case whose `interview_id` is `id`.
    func value(_ name: String, interview id: String) -> Value? {
        guard let idColumn = index(of: "interview_id"), let column = index(of: name) else { return nil }
        return cases.first { $0[idColumn] == .string(id) }?[column]
    }

    // MARK: Reading

    struct Cursor {
        let bytes: [UInt8]
        var offset = 0

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            guard count >= 0, offset + count <= bytes.count else { throw Failure(description: "unexpected end at \(offset)") }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }

        mutating func text(_ count: Int) throws -> String {
            String(decoding: try bytes(count), as: UTF8.self)
        }

        mutating func int32() throws -> Int32 {
            let raw = try bytes(4)
            return Int32(bitPattern: UInt32(raw[0]) | UInt32(raw[1]) << 8 | UInt32(raw[2]) << 16 | UInt32(raw[3]) << 24)
        }

        mutating func float64() throws -> Double {
            let raw = try bytes(8)
            let bits = raw.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            return Double(bitPattern: bits)
        }
    }

    enum Slot {
        case number(Double?)
        case bytes([UInt8])
        case spaces
    }

    struct Decompressor {
        var cursor: Cursor
        let bias: Double
        var codes: [UInt8] = []
        var finished = false

        mutating func next() throws -> Slot? {
            while !finished {
                if codes.isEmpty {
                    guard cursor.offset < cursor.bytes.count else { return nil }
                    codes = try cursor.bytes(8)
                }
                let code = codes.removeFirst()
                switch code {
                case 0: continue
                case 252: finished = true
                case 253: return .bytes(try cursor.bytes(8))
                case 254: return .spaces
                case 255: return .number(nil)
                default: return .number(Double(code) - bias)
                }
            }
            return nil
        }
    }
}
