/// One variable of an SPSS system file, as the dictionary describes it.
struct SystemFileVariable: Sendable, Equatable {
    /// How SPSS stores and shows the values.
    enum Kind: Sendable, Equatable {
        /// A number shown with a format such as F8.0, F8.2, DATE11 or DATETIME20.
        case numeric(SystemFileFormat)
        /// A string of `width` bytes (UTF-8), 1 … 32767; over 255 it is a "very long string" of segments.
        case string(width: Int)
    }

    /// SPSS measurement levels.
    enum Measure: Int32, Sendable {
        case nominal = 1, ordinal = 2, scale = 3
    }

    /// The (long) variable name, up to 64 bytes.
    var name: String
    var label: String
    var kind: Kind
    var measure: Measure
    /// Value labels, for numeric variables.
    var valueLabels: [(value: Double, label: String)] = []
    /// Up to three discrete user-missing values, for numeric variables.
    var missingValues: [Double] = []

    static func == (lhs: SystemFileVariable, rhs: SystemFileVariable) -> Bool {
        lhs.name == rhs.name && lhs.label == rhs.label && lhs.kind == rhs.kind && lhs.measure == rhs.measure
            && lhs.valueLabels.map(\.value) == rhs.valueLabels.map(\.value) && lhs.valueLabels.map(\.label) == rhs.valueLabels.map(\.label)
            && lhs.missingValues == rhs.missingValues
    }

    /// The widths of the segments a string is stored as: one for up to 255 bytes; else one per 252
    /// bytes of width, each 255 wide but the last, which has the rest.
    var segmentWidths: [Int] {
        guard case .string(let width) = kind else { return [0] }
        guard width > 255 else { return [width] }
        let count = (width + 251) / 252
        return Array(repeating: 255, count: count - 1) + [width - (count - 1) * 252]
    }

    /// The number of 8-byte slots one case of this variable takes.
    var slotCount: Int {
        segmentWidths.reduce(0) { $0 + Self.slots(forWidth: $1) }
    }

    /// Slots of one segment: 1 for a number, one per 8 bytes (rounded up) for a string.
    static func slots(forWidth width: Int) -> Int {
        width == 0 ? 1 : (width + 7) / 8
    }
}

/// A print/write format: type, width and decimals, packed as SPSS stores them.
struct SystemFileFormat: Sendable, Equatable {
    var type: Int32
    var width: Int32
    var decimals: Int32

    /// `(type << 16) | (width << 8) | decimals`.
    var packed: Int32 { (type << 16) | (width << 8) | decimals }

    static func f(_ width: Int32, _ decimals: Int32) -> SystemFileFormat { SystemFileFormat(type: 5, width: width, decimals: decimals) }
    static func a(_ width: Int) -> SystemFileFormat { SystemFileFormat(type: 1, width: Int32(min(width, 32767)), decimals: 0) }
    /// `dd-mmm-yyyy`.
    static let date = SystemFileFormat(type: 20, width: 11, decimals: 0)
    /// `dd-mmm-yyyy hh:mm:ss`.
    static let dateTime = SystemFileFormat(type: 22, width: 20, decimals: 0)
}

/// One value of a case.
enum SystemFileValue: Sendable, Equatable {
    /// A number; `nil` is system-missing.
    case number(Double?)
    /// Text, as UTF-8; cut (at a character boundary) to the variable's width.
    case string(String)
}
