import Foundation
import Shared

/// Generates plausible interviews for a questionnaire from a seed: for load tests, benchmarks and demos.
///
/// Answers have the question's type, use its choices, meet its constraint, and exist only for
/// questions that are relevant given the others; a draft stops part-way. Texts are Dutch, with
/// accents, quotes, commas and line breaks, some longer than 255 bytes.
struct SampleInterviews<Random: RandomNumberGenerator> {
    let form: Questionnaire
    let municipalities: [String]
    let interviewers: [UserID]
    var random: Random
    private let iso = ISO8601DateFormatter()

    init(form: Questionnaire, municipalities: [String], interviewers: [UserID], random: Random) {
        self.form = form
        self.municipalities = municipalities
        self.interviewers = interviewers
        self.random = random
    }

    /// The fields of one new interview, as edits in its municipality's scope.
    mutating func next() -> (id: String, edits: [FieldEdit]) {
        let id = Self.uuid(using: &random)
        let nis = municipalities[Int.random(in: 0..<municipalities.count, using: &random)]
        let roll = Double.random(in: 0..<1, using: &random)
        let state: Interview.State = roll < 0.88 ? .complete : roll < 0.96 ? .draft : .withdrawn
        let day = Int.random(in: 0..<100, using: &random)
        let started = Date(timeIntervalSince1970: 1_730_419_200 + Double(day * 86_400 + Int.random(in: 8 * 3600..<18 * 3600, using: &random)))
        var fields: [(String, JSONValue)] = [
            (Interview.Field.municipality, .string(nis)),
            (Interview.Field.questionnaire, .string(form.id)),
            (Interview.Field.questionnaireVersion, .string(form.version)),
            (Interview.Field.mode, .string(["face_to_face", "telefonisch", "video", "zelf"][Int.random(in: 0..<4, using: &random)])),
            (Interview.Field.state, .string(state.rawValue)),
            (Interview.Field.startedAt, .string(iso.string(from: started))),
            (Interview.Field.interviewer, .string(interviewers[Int.random(in: 0..<interviewers.count, using: &random)].rawValue)),
            (Interview.Field.respondentFunction, .string(["onderwijsregisseur", "diensthoofd welzijn", "deskundige Opgroeien"][Int.random(in: 0..<3, using: &random)])),
            (Interview.Field.respondentName, .string(SampleText.names[Int.random(in: 0..<SampleText.names.count, using: &random)])),
            (Interview.Field.respondentEmail, .string("respondent\(Int.random(in: 1...9999, using: &random))@gemeente.example")),
        ]
        if state == .complete {
            fields.append((Interview.Field.completedAt, .string(iso.string(from: started.addingTimeInterval(Double(Int.random(in: 1800...5400, using: &random)))))))
        }
        if Bool.random(using: &random) {
            fields.append((Interview.Field.review, .object(["status": .string(Bool.random(using: &random) ? "approved" : "flagged")])))
        }

        var answers: [String: JSONValue] = [:]
        let answerable = form.questions.filter { $0.type.isAnswerable }
        let stop = state == .draft ? Int.random(in: 0..<answerable.count, using: &random) : answerable.count
        for question in answerable.prefix(stop) {
            if !question.required, Double.random(in: 0..<1, using: &random) < 0.3 { continue }
            if let value = answer(question, answers: answers) { answers[question.name] = value }
        }
        let relevant = Set(form.relevantQuestions(answers: answers).map(\.name))
        for name in answers.keys.sorted() where relevant.contains(name) {
            fields.append((Interview.Field.answer(name), answers[name] ?? .null))
        }
        let edits = fields.map { FieldEdit(scope: .municipality(nis), entity: .interview, entityId: id, field: $0.0, value: $0.1) }
        return (id, edits)
    }

    private mutating func answer(_ question: Question, answers: [String: JSONValue]) -> JSONValue? {
        let choices = form.choices(for: question)
        switch question.type {
        case .selectOne:
            guard !choices.isEmpty else { return nil }
            return .string(choices[Int.random(in: 0..<choices.count, using: &random)].name)
        case .selectMultiple:
            guard !choices.isEmpty else { return nil }
            var chosen = choices.filter { _ in Double.random(in: 0..<1, using: &random) < 0.35 }
            if chosen.isEmpty { chosen = [choices[Int.random(in: 0..<choices.count, using: &random)]] }
            return .array(chosen.map { .string($0.name) })
        case .integer:
            return satisfying(question, answers: answers, candidates: [
                .int(Int64.random(in: 1...10, using: &random)), .int(Int64.random(in: 0...10, using: &random)),
                .int(Int64.random(in: 1...200, using: &random)), .int(Int64.random(in: 1995...2024, using: &random)),
            ])
        case .decimal:
            return satisfying(question, answers: answers, candidates: [
                .double((Double.random(in: 0.5...5, using: &random) * 10).rounded() / 10),
                .double((Double.random(in: 1...500, using: &random) * 100).rounded() / 100),
            ])
        case .text:
            var sentences: [String] = []
            repeat {
                sentences.append(SampleText.sentences[Int.random(in: 0..<SampleText.sentences.count, using: &random)])
            } while Double.random(in: 0..<1, using: &random) < 0.55
            return satisfying(question, answers: answers, candidates: [.string(sentences.joined(separator: " "))])
        case .date:
            return .string("2024-\(Int.random(in: 10...12, using: &random))-1\(Int.random(in: 0...9, using: &random))")
        case .time:
            return .string("1\(Int.random(in: 0...7, using: &random)):\(Int.random(in: 1...5, using: &random))0")
        case .dateTime:
            return .string("2024-11-1\(Int.random(in: 0...9, using: &random))T1\(Int.random(in: 0...7, using: &random)):00")
        case .acknowledge:
            return .string("OK")
        case .geopoint:
            return .string("51.\(Int.random(in: 0...3, using: &random))\(Int.random(in: 10...99, using: &random)) 4.\(Int.random(in: 10...99, using: &random))")
        case .rank:
            return .array(form.availableChoices(for: question, answers: answers).map(\.name).shuffled(using: &random).map(JSONValue.string))
        case .range:
            return question.parameters?["start"].flatMap(Double.init).map { $0 == $0.rounded() ? .int(Int64($0)) : .double($0) }
        case .metadata(.today):
            return .string("2024-11-1\(Int.random(in: 0...9, using: &random))")
        case .metadata(.start), .metadata(.end):
            return .string("2024-11-1\(Int.random(in: 0...9, using: &random))T10:00:00Z")
        case .metadata:
            return .string("sample")
        case .note, .calculate:
            return nil
        }
    }

    /// The first candidate the question's constraint accepts.
    private func satisfying(_ question: Question, answers: [String: JSONValue], candidates: [JSONValue]) -> JSONValue? {
        guard let constraint = question.constraint else { return candidates.first }
        return candidates.first { value in
            (try? constraint.evaluateBool(ExpressionContext(answers: answers, current: value, today: "2025-01-01"))) ?? false
        }
    }

    /// A lowercase random UUID from the generator (so a seed replays the same ids).
    static func uuid(using random: inout Random) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes[6] = bytes[6] & 0x0f | 0x40
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}

/// The texts generated interviews draw from.
enum SampleText {
    static let names = ["Els Peeters", "Jan Janssens", "Sofie Maes", "Pieter De Smet", "Anaïs Dubois", "Zoë Van den Broeck", "Joël Claes"]

    static let sentences = [
        "We werken nauw samen met de scholen en het Huis van het Kind.",
        "De coördinatie ligt bij één medewerker, die daarnaast nog andere taken heeft.",
        "Er is te weinig personeel om alle signalen van scholen op te volgen.",
        "Ouders bereiken blijft moeilijk, zeker wie de taal nog niet spreekt; de brugfiguren doen hier \"schitterend\" werk.",
        "Het budget (ongeveer €12.000 per jaar) volstaat niet, en de subsidies zijn versnipperd.",
        "Naschoolse opvang, huiswerkbegeleiding en vrijetijdsaanbod worden beter op elkaar afgestemd.",
        "Sinds de fusie moeten we de werking van twee gemeenten naast elkaar leggen.\nDat vraagt tijd.",
        "Scholen ervaren het lokaal bestuur als een partner, niet als een controleur.",
        "Ideeën genoeg, maar de tijd ontbreekt: één VTE voor het hele beleid is krap.",
        "Leerlingen met een andere thuistaal krijgen extra taalondersteuning, ook in de vakanties.",
    ]
}
