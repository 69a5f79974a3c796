import Shared

extension ExportSchema {
    /// One repeat (`begin_repeat`) as exported: a file of its own with one row per live instance,
    /// linked to the main files by the interview id and to an enclosing repeat's file by the parent instance id.
    struct Repeat: Sendable {
        /// The repeat's group name, as `repeat=NAME` takes it.
        var name: String
        var label: LocalizedText
        /// The enclosing repeat, for a nested repeat.
        var parent: String?
        /// The questions directly in the repeat (not in a repeat nested in it), in form order.
        var questions: [Question]

        /// The columns before the questions: the parent instance only for a nested repeat.
        var columns: [RepeatColumn] {
            RepeatColumn.allCases.filter { $0 != .parentInstanceID || parent != nil }
        }
    }
}

/// The linking columns of a repeat's file (and their codebook rows).
enum RepeatColumn: String, CaseIterable, Sendable {
    case interviewID = "interview_id"
    case instanceID = "instance_id"
    case parentInstanceID = "parent_instance_id"
    case position

    /// The variable label, in Dutch and English.
    var label: LocalizedText {
        let texts: (String, String)
        switch self {
        case .interviewID: texts = ("Interview-id", "Interview id")
        case .instanceID: texts = ("Id van de herhaling", "Instance id")
        case .parentInstanceID: texts = ("Id van de omvattende herhaling", "Enclosing instance id")
        case .position: texts = ("Volgnummer (vanaf 1)", "Position (from 1)")
        }
        return LocalizedText(["nl": texts.0, "en": texts.1], defaultLanguage: "nl")
    }

    /// What the column holds, for the codebook.
    var explanation: String {
        switch self {
        case .interviewID: return "the interview (interview_id of the main file)"
        case .instanceID: return "the instance: a random id, stable across exports"
        case .parentInstanceID: return "the instance of the enclosing repeat (instance_id of its file)"
        case .position: return "the instance's number within its interview (or enclosing instance), from 1, in the order instances were made"
        }
    }

    /// The value for one instance of an interview, as text.
    func value(in record: ExportRecord, _ instance: ExportRecord.Instance) -> String {
        switch self {
        case .interviewID: return record.id
        case .instanceID: return instance.id
        case .parentInstanceID: return instance.parent ?? ""
        case .position: return String(instance.position)
        }
    }
}
