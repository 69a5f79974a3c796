import Foundation

/// The kind of a question: what answer it takes. Encoded as its XLSForm spelling, e.g. `"select_one jnw"`.
public enum QuestionType: Hashable, Sendable, CustomStringConvertible {
    /// One choice from `list`; answered with `.string(choiceName)`.
    case selectOne(list: String)
    /// Any number of choices from `list`; answered with `.array` of `.string` names in list order.
    case selectMultiple(list: String)
    /// A whole number; answered with `.int`.
    case integer
    /// A number; answered with `.double` (an `.int` is accepted).
    case decimal
    /// Free text; answered with `.string`.
    case text
    /// A calendar date; answered with `.string("YYYY-MM-DD")`.
    case date
    /// Text shown to the interviewer; takes no answer.
    case note
    /// A value computed from other answers by the question's `calculation`; takes no answer.
    case calculate
    /// A time of day; answered with `.string("HH:MM")` (or `HH:MM:SS`).
    case time
    /// A date with a time of day; answered with `.string("YYYY-MM-DDTHH:MM")`.
    case dateTime
    /// A statement the respondent confirms; answered with `.string("OK")`.
    case acknowledge
    /// A place on earth typed as latitude and longitude in degrees (optionally altitude and accuracy
    /// in metres); answered with `.string("51.05 3.72")`, as ODK stores a geopoint.
    case geopoint
    /// Every choice of `list` in the respondent's order, most important first; answered with
    /// `.array` of `.string` names.
    case rank(list: String)
    /// A number between the question's `start` and `end` parameters, in its `step`s; answered with
    /// `.int` when all three are whole numbers, else `.double`.
    case range
    /// Filled by the device, never asked: `start` and `end` (`.string` ISO 8601 times the interview
    /// began and was completed), `today` (`YYYY-MM-DD`), `deviceid`, `username`.
    case metadata(Metadata)

    /// What a metadata question records.
    public enum Metadata: String, Sendable, CaseIterable {
        case start, end, today, deviceid, username
    }

    /// Reads an XLSForm `type` cell (`select_one jnw`, `select one jnw`, `select one from jnw`,
    /// `select all that apply from jnw`, `integer`, `int`, `text`, `string`, …), or `nil` when the
    /// type is not supported.
    public init?(xlsform: String) {
        let words = xlsform.split(whereSeparator: \.isWhitespace).map(String.init)
        if words.count == 1 {
            switch words[0] {
            case "integer", "int": self = .integer
            case "decimal": self = .decimal
            case "text", "string": self = .text
            case "date": self = .date
            case "note": self = .note
            case "calculate": self = .calculate
            case "time": self = .time
            case "datetime", "dateTime": self = .dateTime
            case "acknowledge": self = .acknowledge
            case "range": self = .range
            case "geopoint", "gps": self = .geopoint
            case "uri:deviceid": self = .metadata(.deviceid)
            case "uri:username": self = .metadata(.username)
            default:
                guard let kind = Metadata(rawValue: words[0]) else { return nil }
                self = .metadata(kind)
            }
            return
        }
        if words.count == 2, words[0] == "rank" {
            self = .rank(list: words[1])
            return
        }
        guard let (multiple, list) = Self.select(words) else { return nil }
        self = multiple ? .selectMultiple(list: list) : .selectOne(list: list)
    }

    /// The select spellings pyxform reads: `select_one L`, `select1 L`, `select one L`,
    /// `select_multiple L`, `select multiple L`, `select all that apply L`, each optionally with
    /// `from` before the list. Returns whether it is a multiple select, and the list.
    static func select(_ words: [String]) -> (multiple: Bool, list: String)? {
        let spellings: [([String], Bool)] = [
            (["select_one"], false), (["select1"], false), (["select", "one"], false),
            (["select_multiple"], true), (["select", "multiple"], true), (["select", "all", "that", "apply"], true),
        ]
        for (prefix, multiple) in spellings where words.starts(with: prefix) {
            var rest = words.dropFirst(prefix.count)
            if rest.count == 2, rest.first == "from" { rest = rest.dropFirst() }
            guard rest.count == 1, let list = rest.first else { return nil }
            return (multiple, list)
        }
        return nil
    }

    /// The XLSForm feature a `type` cell asks for that Veldwerk does not carry out, e.g. `media
    /// (image)`, or `nil` for a supported or unknown type. Used to refuse a form naming the feature.
    public static func unsupportedFeature(xlsform: String) -> String? {
        var words = xlsform.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first else { return nil }
        if first == "begin" || first == "end", words.count > 1 { words = [first + "_" + words[1]] + words.dropFirst(2) }
        switch words[0] {
        case "image", "audio", "video", "file", "background-audio", "background-video", "signature", "photo":
            return "media (\(words[0]))"
        case "select_one_external", "select_multiple_external": return "choices from an external_choices sheet"
        case "begin_loop", "end_loop": return "loops over a choice list"
        case "geotrace", "geoshape", "start-geopoint", "osm": return "lines, shapes and maps"
        case "trigger": return "trigger questions"
        case "barcode": return "barcodes"
        case "simserial", "subscriberid", "phonenumber", "email", "imei", "uri:email", "uri:phonenumber", "uri:simserial",
             "uri:subscriberid", "audit":
            return "metadata filled by the device (\(words[0]))"
        case "hidden": return "hidden questions"
        case "xml-external", "csv-external": return "external data files"
        case "entity": return "entities"
        case "phone_number", "phone": return "phone numbers"
        default: return nil
        }
    }

    /// The XLSForm spelling, e.g. `select_multiple doel`.
    public var xlsform: String {
        switch self {
        case .selectOne(let list): return "select_one \(list)"
        case .selectMultiple(let list): return "select_multiple \(list)"
        case .integer: return "integer"
        case .decimal: return "decimal"
        case .text: return "text"
        case .date: return "date"
        case .note: return "note"
        case .calculate: return "calculate"
        case .time: return "time"
        case .dateTime: return "datetime"
        case .acknowledge: return "acknowledge"
        case .geopoint: return "geopoint"
        case .metadata(let kind): return kind.rawValue
        case .range: return "range"
        case .rank(let list): return "rank \(list)"
        }
    }

    public var description: String { xlsform }

    /// The choice list of a select question, `nil` for other types.
    public var choiceList: String? {
        switch self {
        case .selectOne(let list), .selectMultiple(let list), .rank(let list): return list
        default: return nil
        }
    }

    /// What a metadata question records, `nil` for other types.
    public var metadataKind: Metadata? {
        if case .metadata(let kind) = self { return kind }
        return nil
    }

    /// Whether a person answers it (`false` for `note` and `calculate`).
    public var isAnswerable: Bool {
        switch self {
        case .note, .calculate: return false
        default: return true
        }
    }

    /// What an answer must be, for messages: e.g. `a whole number`.
    public var expectedAnswer: String {
        switch self {
        case .selectOne: return "one choice name"
        case .selectMultiple: return "a list of choice names"
        case .integer: return "a whole number"
        case .decimal: return "a number"
        case .text: return "text"
        case .date: return "a date written YYYY-MM-DD"
        case .note, .calculate: return "no answer"
        case .time: return "a time written HH:MM"
        case .dateTime: return "a date and time written YYYY-MM-DD HH:MM"
        case .acknowledge: return "OK"
        case .geopoint: return "a latitude and longitude in degrees, e.g. 51.05 3.72"
        case .range: return "a number in the question's range"
        case .rank: return "every choice name once, in order"
        case .metadata(.today): return "a date written YYYY-MM-DD"
        case .metadata(.start), .metadata(.end): return "an ISO 8601 time"
        case .metadata: return "text"
        }
    }
}

extension QuestionType: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let type = QuestionType(xlsform: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Unknown question type \"\(text)\".")
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(xlsform)
    }
}
