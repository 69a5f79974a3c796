import Shared
import Synchronization

/// Compiled questionnaires by `id@version`, one cache per store. A published version never changes, so entries never go stale.
final class QuestionnaireCache: Sendable {
    private let forms = Mutex<[String: Questionnaire]>([:])

    func get(_ key: String) -> Questionnaire? { forms.withLock { $0[key] } }
    func set(_ key: String, _ form: Questionnaire) { forms.withLock { $0[key] = form } }
}
