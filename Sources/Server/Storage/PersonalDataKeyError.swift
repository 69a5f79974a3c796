import Foundation
import Shared

/// The server's personal-data key does not fit its database, or its file cannot be used: start refused
/// with a sentence the operator can act on, never with sealed or empty values shown.
enum PersonalDataKeyError: Error, Equatable, CustomStringConvertible {
    /// The database holds sealed personal values and no key was given.
    case missing
    /// The key given is not the one the database's values were sealed with.
    case wrong
    /// A key was given for the first time, but the database holds personal values in clear.
    case clearValues(count: Int)
    /// A sealed value that this key cannot open (changed outside Veldwerk).
    case cannotOpen(entity: Entity, entityId: String, field: String)
    /// The key file cannot be read, has the wrong length, or others may read it.
    case unusableFile(path: String, reason: String)
    /// `make-personal-data-key` will not replace a key: values sealed under it would be lost.
    case fileExists(path: String)

    var description: String {
        switch self {
        case .missing:
            return localized(
                nl: "Deze database bewaart persoonsgegevens versleuteld; start met --personal-data-key BESTAND (of VELDWERK_PERSONAL_DATA_KEY_FILE) en de sleutel waarmee ze versleuteld werden.",
                en: "This database keeps personal data encrypted; start with --personal-data-key FILE (or VELDWERK_PERSONAL_DATA_KEY_FILE) and the key they were encrypted with."
            )
        case .wrong:
            return localized(
                nl: "Deze sleutel voor persoonsgegevens is niet die waarmee deze database versleuteld werd; geef het juiste sleutelbestand (uit de back-up van de sleutel).",
                en: "This personal-data key is not the one this database was encrypted with; give the right key file (from the key's backup)."
            )
        case .clearValues(let count):
            return localized(
                nl: "Deze database bewaart nog \(count) persoonsgegevens onversleuteld; versleutel ze eerst met: veldwerk-server admin encrypt-personal-data --personal-data-key BESTAND",
                en: "This database still keeps \(count) personal values in clear; encrypt them first with: veldwerk-server admin encrypt-personal-data --personal-data-key FILE"
            )
        case .cannotOpen(let entity, let entityId, let field):
            return localized(
                nl: "Een persoonsgegeven van \(entity.rawValue) \(entityId) (\(field)) kan met deze sleutel niet geopend worden: de database werd buiten Veldwerk gewijzigd. Zet een back-up terug.",
                en: "A personal value of \(entity.rawValue) \(entityId) (\(field)) cannot be opened with this key: the database was changed outside Veldwerk. Restore a backup."
            )
        case .unusableFile(let path, let reason):
            return localized(nl: "Sleutelbestand \(path): \(reason)", en: "Key file \(path): \(reason)")
        case .fileExists(let path):
            return localized(
                nl: "\(path) bestaat al; een sleutel wordt nooit overschreven (wat ermee versleuteld is, ging dan verloren). Kies een ander bestand.",
                en: "\(path) exists already; a key is never overwritten (what it encrypted would be lost). Choose another file."
            )
        }
    }
}
