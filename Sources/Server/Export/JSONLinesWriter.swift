import Shared

/// JSON Lines: one interview per line, answers as typed values (a choice name, a list of names, an
/// integer, a decimal, text); skipped questions listed under `notApplicable`, unanswered ones under
/// `notAnswered`. Personal data sits under `personal`, present only when asked for. When the form has
/// repeats, `repeats` holds each repeat's live instances by repeat name, in order:
/// `"repeats":{"household":[{"id":"k3…","parent":null,"position":1,"answers":{"head":"Anna"}}],"member":[…]}`.
///
/// ```json
/// {"id":"…","questionnaire":"flankerend_onderwijsbeleid","questionnaireVersion":"1","state":"complete",
///  "municipality":{"nis2024":"11001","nis2025":"11001","province":"Antwerpen"},"interviewer":"I-…",
///  "mode":"…","startedAt":"…","completedAt":"…","review":"approved","respondentFunction":"…",
///  "answers":{"a_aantal_respondenten":2,"b_doelstellingen":["inclusie"]},"notApplicable":[…],"notAnswered":[…]}
/// ```
struct JSONLinesWriter: ExportWriter {
    let schema: ExportSchema
    let options: ExportOptions

    mutating func begin(into out: inout [UInt8]) {}

    mutating func write(_ record: ExportRecord, into out: inout [UInt8]) {
        let interview = record.interview
        out.append(123)
        JSONText.appendKey("id", first: true, to: &out)
        JSONText.appendString(record.id, to: &out)
        JSONText.appendMember("questionnaire", interview.questionnaire, to: &out)
        JSONText.appendMember("questionnaireVersion", interview.questionnaireVersion, to: &out)
        JSONText.appendMember("state", interview.state.rawValue, to: &out)
        JSONText.appendKey("municipality", to: &out)
        out.append(123)
        JSONText.appendKey("nis2024", first: true, to: &out)
        if let nis = record.nis2024 { JSONText.appendString(nis, to: &out) } else { out += Array("null".utf8) }
        JSONText.appendMember("nis2025", record.nis2025, to: &out)
        JSONText.appendMember("province", record.province, to: &out)
        out.append(125)
        JSONText.appendMember("interviewer", record.interviewerPseudonym, to: &out)
        JSONText.appendMember("mode", interview.mode, to: &out)
        JSONText.appendMember("startedAt", interview.startedAt, to: &out)
        JSONText.appendMember("completedAt", interview.completedAt, to: &out)
        JSONText.appendMember("review", record.reviewStatus, to: &out)
        JSONText.appendMember("respondentFunction", interview.respondentFunction, to: &out)
        if options.includePersonalData {
            JSONText.appendKey("personal", to: &out)
            out.append(123)
            JSONText.appendKey("interviewerId", first: true, to: &out)
            if let id = interview.interviewer?.rawValue { JSONText.appendString(id, to: &out) } else { out += Array("null".utf8) }
            JSONText.appendMember("interviewerName", record.interviewerName, to: &out)
            JSONText.appendMember("respondentName", interview.respondentName, to: &out)
            JSONText.appendMember("respondentEmail", interview.respondentEmail, to: &out)
            out.append(125)
        }
        var notApplicable: [String] = []
        var notAnswered: [String] = []
        JSONText.appendKey("answers", to: &out)
        out.append(123)
        var first = true
        for question in schema.questions {
            switch record.cell(question.name) {
            case .value(let value):
                JSONText.appendKey(question.name, first: first, to: &out)
                JSONText.appendValue(value, to: &out)
                first = false
            case .notApplicable: notApplicable.append(question.name)
            case .notAnswered: notAnswered.append(question.name)
            }
        }
        out.append(125)
        for (key, names) in [("notApplicable", notApplicable), ("notAnswered", notAnswered)] {
            JSONText.appendKey(key, to: &out)
            JSONText.appendValue(.array(names.map(JSONValue.string)), to: &out)
        }
        if !schema.repeats.isEmpty { appendRepeats(of: record, to: &out) }
        out.append(125)
        out.append(10)
    }

    /// `"repeats":{NAME:[{"id","parent","position","answers"}, …], …}`, every repeat of the form named (empty when it has no instances).
    private func appendRepeats(of record: ExportRecord, to out: inout [UInt8]) {
        JSONText.appendKey("repeats", to: &out)
        out.append(123)
        for (index, group) in schema.repeats.enumerated() {
            JSONText.appendKey(group.name, first: index == 0, to: &out)
            out.append(91)
            for (offset, instance) in (record.instances[group.name] ?? []).enumerated() {
                if offset > 0 { out.append(44) }
                out.append(123)
                JSONText.appendKey("id", first: true, to: &out)
                JSONText.appendString(instance.id, to: &out)
                JSONText.appendMember("parent", instance.parent, to: &out)
                JSONText.appendKey("position", to: &out)
                JSONText.appendValue(.int(Int64(instance.position)), to: &out)
                JSONText.appendKey("answers", to: &out)
                out.append(123)
                var first = true
                for question in group.questions {
                    guard case .value(let value) = instance.cell(question.name) else { continue }
                    JSONText.appendKey(question.name, first: first, to: &out)
                    JSONText.appendValue(value, to: &out)
                    first = false
                }
                out.append(125)
                out.append(125)
            }
            out.append(93)
        }
        out.append(125)
    }
}
