import ArgumentParser
import Foundation
import Shared

// The arguments of the admin commands, shared by `veldwerk admin …` (which sends them to the API) and
// `veldwerk-server admin …` (which runs the same operations on the database): one definition of each
// command's shape and checks, so the two front ends cannot drift apart. `AdminFrontEndTests` compares them.

extension Role: ExpressibleByArgument {}

/// `users [--role ROLE]`
public struct UserListArguments: ParsableArguments {
    @Option(help: "Only this role.") public var role: Role?
    public init() {}
}

/// `create-user --name NAME [--role ROLE] [--email EMAIL]`
public struct CreateUserArguments: ParsableArguments {
    @Option(help: "Full name.") public var name: String
    @Option(help: "interviewer (the default), coordinator, researcher or admin.") public var role: Role = .interviewer
    @Option(help: "E-mail address (personal data).") public var email: String?
    public init() {}

    public var request: CreateUserRequest { CreateUserRequest(name: name, role: role, email: email) }
}

/// `import-users FILE` (or `--csv FILE`)
public struct ImportUsersArguments: ParsableArguments {
    @Argument(help: "CSV file with a header row: name,email and optionally role (default interviewer).") public var file: String?
    @Option(help: "The same CSV file, named as an option.") public var csv: String?
    public init() {}

    public var path: String { file ?? csv ?? "" }

    public func validate() throws {
        guard (file == nil) != (csv == nil) else {
            throw ValidationError(localized(nl: "Noem één CSV-bestand: import-users BESTAND.", en: "Name one CSV file: import-users FILE."))
        }
    }
}

/// `enrolment-code USER [--valid-hours H]` (or `--user USER`)
public struct EnrolmentCodeArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The interviewer's user id.", valueName: "user")) public var userArgument: String?
    @Option(name: .customLong("user"), help: "The same user id, named as an option.") public var userOption: String?
    @Option(help: "Hours until the code expires (default 168, at most 2160).") public var validHours: Double?
    public init() {}

    public var user: UserID { UserID(userArgument ?? userOption ?? "") }

    public func validate() throws {
        guard (userArgument == nil) != (userOption == nil) else {
            throw ValidationError(localized(nl: "Noem één gebruiker: enrolment-code GEBRUIKER-ID.", en: "Name one user: enrolment-code USER-ID."))
        }
        if let validHours, !EnrolmentCodeRequest.isValid(hours: validHours) { throw ValidationError(EnrolmentCodeRequest.invalidHoursSentence) }
    }
}

/// `revoke-device DEVICE`
public struct RevokeDeviceArguments: ParsableArguments {
    @Argument(help: "Device id (from `devices`).") public var device: String
    public init() {}

    public func validate() throws {
        guard DeviceID(rawValue: device) != nil else {
            throw ValidationError(localized(
                nl: "\(device) is geen toestel-id (a-z, 0-9 en '-', bv. d-3f9a0c2b7e41).",
                en: "\(device) is not a device id (a-z, 0-9 and '-', e.g. d-3f9a0c2b7e41)."
            ))
        }
    }
}

/// `assign --user USER --municipality NIS…` or `assign --csv FILE`
public struct AssignArguments: ParsableArguments {
    @Option(help: "The interviewer's user id.") public var user: String?
    @Option(name: .customLong("municipality"), help: "NIS code; repeat for several.") public var municipalities: [String] = []
    @Option(help: "A CSV file with columns nis_code,interviewer (user id, e-mail or exact name) instead of --user and --municipality.")
    public var csv: String?
    public init() {}

    public func validate() throws {
        if csv != nil {
            guard user == nil, municipalities.isEmpty else {
                throw ValidationError(localized(nl: "Geef --csv, of --user met --municipality, niet beide.", en: "Give either --csv or --user with --municipality, not both."))
            }
            return
        }
        guard user != nil, !municipalities.isEmpty else {
            throw ValidationError(localized(
                nl: "Geef --user en minstens één --municipality, of --csv BESTAND.",
                en: "Give --user and at least one --municipality, or --csv FILE."
            ))
        }
        for nis in municipalities where !Scope.isNIS(nis) {
            throw ValidationError(Scope.notNISSentence(nis))
        }
    }
}

/// `quarantine [list|accept|discard] [CHANGE] [--all]`
public struct QuarantineArguments: ParsableArguments {
    @Argument(help: "list, accept or discard.") public var action: String = "list"
    @Argument(help: "The change id, for accept and discard.") public var change: String?
    @Flag(help: "List accepted and discarded ones too.") public var all = false
    public init() {}

    /// The change to accept or discard; nil for `list`.
    public var changeID: ChangeID? { change.flatMap(ChangeID.init) }

    public func validate() throws {
        guard ["list", "accept", "discard"].contains(action) else {
            throw ValidationError(localized(nl: "De actie is list, accept of discard.", en: "The action is list, accept or discard."))
        }
        if action != "list", changeID == nil {
            throw ValidationError(localized(
                nl: "Geef de id van de wijziging (toestel:volgnummer) om te \(action).", en: "Give the change id (device:seq) to \(action)."
            ))
        }
    }
}

/// `case-status NIS STATUS`
public struct CaseStatusArguments: ParsableArguments {
    @Argument(help: "NIS code.") public var nis: String
    @Argument(help: "notContacted, contacted, appointment, inProgress, completed, refused, unreachable, or derived.") public var status: String
    public init() {}

    /// The status to set; nil for `derived` (the case follows its contacts again).
    public var caseStatus: CaseStatus? { CaseStatus(rawValue: status) }

    public func validate() throws {
        guard Scope.isNIS(nis) else {
            throw ValidationError(Scope.notNISSentence(nis))
        }
        guard status == "derived" || caseStatus != nil else {
            let statuses = CaseStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(localized(nl: "De status is een van \(statuses), of derived.", en: "The status is one of \(statuses), or derived."))
        }
    }
}

/// `credentials [--user USER]`
public struct CredentialListArguments: ParsableArguments {
    @Option(help: "Only this person's (user id).") public var user: String?
    public init() {}
}

/// `revoke-credential ID`
public struct RevokeCredentialArguments: ParsableArguments {
    @Argument(help: "The credential's id (from `credentials`): t-… (API token), d-… (laptop) or s-… (dashboard session).") public var credential: String
    public init() {}
}
