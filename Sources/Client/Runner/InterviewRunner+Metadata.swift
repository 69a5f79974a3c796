import Foundation
import Shared

extension InterviewRunner {
    /// What the laptop fills in for the form's metadata questions (`deviceid`, `username`).
    struct Device: Equatable, Sendable {
        var id: String?
        var userName: String?

        init(id: String? = nil, userName: String? = nil) {
            self.id = id
            self.userName = userName
        }
    }

    /// The values of the metadata questions that have none yet, as ODK fills them when a form
    /// opens: `start` (now), `today`, `deviceid` and `username`; `end` waits for completion.
    func metadataValues(now: Date) -> [FieldValue] {
        form.questions.compactMap { question in
            guard case .metadata(let kind) = question.type, answers[question.name] == nil else { return nil }
            let value: String?
            switch kind {
            case .start: value = Self.isoTime(now)
            case .today: value = ExpressionContext.localDate(now)
            case .deviceid: value = device.id
            case .username: value = device.userName
            case .end: value = nil
            }
            return value.map { FieldValue(field: Interview.Field.answer(question.name), value: .string($0)) }
        }
    }

    /// The form's `end` questions set to now, when the interview is completed (by the runner or
    /// by `veldwerk interview complete`).
    static func endValues(form: Questionnaire, now: Date) -> [FieldValue] {
        form.questions.compactMap { question in
            guard case .metadata(.end) = question.type else { return nil }
            return FieldValue(field: Interview.Field.answer(question.name), value: .string(Self.isoTime(now)))
        }
    }
}
