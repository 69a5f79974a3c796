import Foundation
import Shared

/// One interview ready for the writers: its metadata resolved and each question's cell decided.
struct ExportRecord: Sendable {
    /// What a question's cell holds.
    enum Cell: Sendable, Equatable {
        /// The answer, as stored (typed).
        case value(JSONValue)
        /// The question was skipped by relevance, or is not in this interview's questionnaire version.
        case notApplicable
        /// The question was asked (relevant) but has no answer.
        case notAnswered
    }

    var interview: Interview
    /// The lowercase UUID.
    var id: String
    /// The NIS code when the municipality existed in 2024 (before the mergers), else `nil`.
    var nis2024: String?
    /// The NIS code of the municipality that continues it from 2025-01-01.
    var nis2025: String?
    var province: String?
    var interviewerPseudonym: String?
    var municipalityPseudonym: String?
    /// Made only for the quotes, the one format that names interviews by pseudonym.
    var interviewPseudonym: String?
    /// The interviewer's name: personal data, filled only when asked for.
    var interviewerName: String?
    var reviewStatus: String?
    /// The cells by question name; a question missing here is not applicable.
    var cells: [String: Cell]
    /// The live instances by repeat name, each repeat's in order (deleted instances and those inside them left out).
    var instances: [String: [Instance]] = [:]

    func cell(_ question: String) -> Cell {
        cells[question] ?? .notApplicable
    }

    /// One live instance of a repeat, ready for the writers.
    struct Instance: Sendable, Equatable {
        var id: String
        /// The enclosing repeat's instance, for a nested repeat.
        var parent: String?
        /// The number, from 1, among the instances of its repeat in the same interview (or enclosing instance).
        var position: Int
        /// The cells by question name, for the questions of the repeat in the interview's version
        /// (an answer, or not answered); a question missing here is not applicable.
        var cells: [String: Cell]

        func cell(_ question: String) -> Cell {
            cells[question] ?? .notApplicable
        }
    }
}

/// Turns stored interviews into ``ExportRecord``s and applies the filters.
struct ExportRecordBuilder {
    let schema: ExportSchema
    let options: ExportOptions
    let pseudonyms: Pseudonymizer
    private let users: [UserID: User]
    private let rowsByNIS: [String: [Municipality]]
    private let roster: Roster
    private let states: Set<Interview.State>
    private let provinces: Set<String>
    private var places: [String: (nis2024: String?, nis2025: String, province: String?)] = [:]
    private var interviewerPseudonyms: [String: String] = [:]
    private var municipalityPseudonyms: [String: String] = [:]

    init(schema: ExportSchema, study: ExportStudy, options: ExportOptions) {
        self.schema = schema
        self.options = options
        pseudonyms = Pseudonymizer(key: study.pseudonymKey)
        users = options.includePersonalData ? study.users : [:]
        roster = study.roster
        rowsByNIS = Dictionary(grouping: study.roster.municipalities, by: \.nis)
        states = options.effectiveStates
        provinces = Set(options.provinces.map { $0.lowercased() })
    }

    /// The record of a stored interview, or `nil` when a filter leaves it out (or its id is not a UUID).
    mutating func record(_ stored: InterviewFields) -> ExportRecord? {
        guard let uuid = UUID(uuidString: stored.id) else { return nil }
        var interview = Interview(id: uuid, fields: stored.fields)
        guard states.contains(interview.state) else { return nil }
        if options.from != nil || options.to != nil {
            guard let started = interview.startedAt.map({ String($0.prefix(10)) }) else { return nil }
            if let from = options.from, started < from { return nil }
            if let to = options.to, started > to { return nil }
        }
        let place = interview.municipality.map { self.place(of: $0) }
        if !provinces.isEmpty {
            guard let province = place?.province?.lowercased(), provinces.contains(province) else { return nil }
        }

        let form = schema.form(for: interview)
        interview = interview.withMetadata(from: form)
        // count(), sum() and indexed-repeat() in the main questions reach the interview's live instances.
        let scope = interview.repeats.map { RepeatScope(form: form, instances: $0) }
        let relevant = Set(form.relevantQuestions(answers: interview.answers, repeats: scope).lazy.map(\.name))
        let hasCalculations = form.questions.contains { $0.type == .calculate || $0.calculation != nil || $0.defaultValue != nil }
        let effective = hasCalculations ? form.effectiveAnswers(interview.answers, repeats: scope) : interview.answers
        var cells: [String: ExportRecord.Cell] = [:]
        cells.reserveCapacity(form.questions.count)
        let inRepeats = form.hasRepeats ? Set(form.questions.filter { form.enclosingRepeat(ofGroup: $0.group) != nil }.map(\.name)) : []
        for question in form.questions where question.type != .note && !inRepeats.contains(question.name) {
            if !relevant.contains(question.name) {
                cells[question.name] = .notApplicable
            } else if let value = effective[question.name], !Self.isEmpty(value) {
                cells[question.name] = .value(value)
            } else {
                cells[question.name] = .notAnswered
            }
        }

        let interviewer = interview.interviewer?.rawValue
        return ExportRecord(
            interview: interview, id: stored.id, nis2024: place?.nis2024, nis2025: place?.nis2025, province: place?.province,
            interviewerPseudonym: interviewer.map { interviewerPseudonym($0) },
            municipalityPseudonym: interview.municipality.map { municipalityPseudonym($0) },
            interviewPseudonym: options.format == .quotes ? pseudonyms.pseudonym(.interview, stored.id) : nil,
            interviewerName: interview.interviewer.flatMap { users[$0]?.name },
            reviewStatus: stored.reviewStatus?.rawValue,
            cells: cells, instances: Self.instances(of: interview, form: form)
        )
    }

    /// The interview's live instances of the form's repeats, numbered from 1 within their interview
    /// or enclosing instance. A repeat's answers are taken as stored: relevance and calculations inside
    /// a repeat are not evaluated per instance.
    static func instances(of interview: Interview, form: Questionnaire) -> [String: [ExportRecord.Instance]] {
        guard let live = interview.repeats else { return [:] }
        var result: [String: [ExportRecord.Instance]] = [:]
        for (group, list) in live where form.group(named: group)?.repeats == true {
            let questions = form.questions(inRepeat: group).filter { $0.type != .note }
            var counts: [String: Int] = [:]
            result[group] = list.map { instance in
                let position = (counts[instance.parent ?? ""] ?? 0) + 1
                counts[instance.parent ?? ""] = position
                var cells: [String: ExportRecord.Cell] = [:]
                for question in questions {
                    let value = instance.answers[question.name]
                    cells[question.name] = value.map { isEmpty($0) ? .notAnswered : .value($0) } ?? .notAnswered
                }
                return ExportRecord.Instance(id: instance.id, parent: instance.parent, position: position, cells: cells)
            }
        }
        return result
    }

    private mutating func place(of nis: String) -> (nis2024: String?, nis2025: String, province: String?) {
        if let known = places[nis] { return known }
        let rows = rowsByNIS[nis] ?? []
        let existed2024 = rows.contains { $0.isValid(on: "2024-12-31") }
        let province = rows.max { $0.validFrom < $1.validFrom }?.province
        let place = (nis2024: existed2024 ? nis : nil, nis2025: roster.successor2025(of: nis), province: province)
        places[nis] = place
        return place
    }

    private mutating func interviewerPseudonym(_ id: String) -> String {
        if let known = interviewerPseudonyms[id] { return known }
        let pseudonym = pseudonyms.pseudonym(.interviewer, id)
        interviewerPseudonyms[id] = pseudonym
        return pseudonym
    }

    private mutating func municipalityPseudonym(_ nis: String) -> String {
        if let known = municipalityPseudonyms[nis] { return known }
        let pseudonym = pseudonyms.pseudonym(.municipality, nis)
        municipalityPseudonyms[nis] = pseudonym
        return pseudonym
    }

    /// No answer: `""`, `[]` or null (as the questionnaire counts it).
    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .string(let text): return text.isEmpty
        case .array(let items): return items.isEmpty
        default: return false
        }
    }
}
