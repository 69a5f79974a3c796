import ArgumentParser
import Foundation
import Shared

struct ReopenInterview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen",
        abstract: "Make a complete or withdrawn interview a draft again, so its answers can change.",
        discussion: "Example: veldwerk interview reopen 3f9a0c2b"
    )

    @Argument(help: "Interview id (or its first characters).") var id: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            try InterviewStateChange.apply(.draft, to: id, profile: profile, output: output)
        }
    }
}

/// `reopen` and `withdraw`: a state change recorded like any other edit.
enum InterviewStateChange {
    struct Output: Encodable {
        var id: String
        var state: Interview.State
        var previousState: Interview.State
        var pendingChanges: Int
    }

    static func apply(_ state: Interview.State, to id: String, profile: ProfileOptions, output: OutputOptions) throws {
        let store = try profile.openStore()
        _ = try store.requireProfile()
        let interview = try store.requireInterview(id)
        let key = interview.id.uuidString.lowercased()
        if interview.state != state {
            var fields: [InterviewRunner.FieldValue] = [.init(field: Interview.Field.state, value: .string(state.rawValue))]
            if state == .draft, interview.completedAt != nil {
                fields.append(.init(field: Interview.Field.completedAt, value: nil))
            }
            try store.recordInterview(interview, fields)
        }
        let waiting = try store.outboxCount()
        try output.emit(Output(id: key, state: state, previousState: interview.state, pendingChanges: waiting)) {
            let what: String
            switch (interview.state == state, state) {
            case (true, _): what = localized(nl: "was al \(state.words)", en: "was already \(state.words)")
            case (false, .draft):
                what = localized(
                    nl: "is weer een ontwerp (was \(interview.state.words)); `veldwerk interview run \(key)` gaat ermee verder",
                    en: "is a draft again (was \(interview.state.words)); `veldwerk interview run \(key)` continues it"
                )
            case (false, .withdrawn):
                what = localized(
                    nl: "is ingetrokken; het telt niet meer voor zijn gemeente (`veldwerk interview reopen \(key)` maakt dit ongedaan)",
                    en: "is withdrawn; it no longer counts for its municipality (`veldwerk interview reopen \(key)` undoes this)"
                )
            case (false, .complete): what = localized(nl: "is afgerond", en: "is complete")
            }
            return "Interview \(key) \(what). " + savedSentence(waiting)
        }
    }
}
