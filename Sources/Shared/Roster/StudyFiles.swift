import Foundation

/// The default study's files bundled with `Shared` (`Resources/study`).
enum StudyFiles {
    /// The text of the bundled file `name` (e.g. `survey.csv`), or `nil` when it is missing or unreadable.
    static func text(named name: String) -> String? {
        guard let folder = Bundle.module.url(forResource: "study", withExtension: nil) else { return nil }
        return try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }
}
