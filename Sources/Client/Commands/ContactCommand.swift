import ArgumentParser
import Foundation
import Shared

struct ContactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "Log attempts to reach a municipality and see its contact history.",
        subcommands: [LogContact.self, ContactHistory.self]
    )
}

extension ContactAttempt.Mode: ExpressibleByArgument {}
extension ContactAttempt.Outcome: ExpressibleByArgument {}

/// Checks a NIS argument and that it is one of this laptop's municipalities.
func requireAssigned(_ nis: String, in store: ClientStore) throws {
    guard try store.assignedMunicipalities().contains(nis) else { throw ClientError.notAssigned(nis) }
}

struct LogContact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log one contact attempt (a call, e-mail, visit or video call) with a municipality.",
        discussion: """
            Times: \(TimeArgument.help). The case status follows from the attempts (see `veldwerk cases`).
            Examples:
              veldwerk contact log 11001 --mode phone --outcome no-answer
              veldwerk contact log 11001 --mode phone --outcome appointment --appointment "2025-01-20 14:00" --note "schepen onderwijs"
              veldwerk contact log 11001 --mode email --outcome refused --at "2025-01-14 09:30"
            """
    )

    @Argument(help: "NIS code of the municipality.") var nis: String
    @Option(help: "phone, email, visit or video.") var mode: ContactAttempt.Mode
    @Option(help: "no-answer, callback, appointment, refused, wrong-contact or interviewed.") var outcome: ContactAttempt.Outcome
    @Option(help: "When the attempt happened (default: now).") var at: String?
    @Option(help: "A short note (who you spoke to, what was agreed).") var note: String?
    @Option(help: "The agreed appointment (required with --outcome appointment).") var appointment: String?
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard Scope.isNIS(nis) else { throw ValidationError(Scope.notNISSentence(nis)) }
        if let at, TimeArgument.parse(at) == nil { throw ValidationError(localized(nl: "--at \"\(at)\" is geen tijdstip; gebruik \(TimeArgument.help).", en: "--at \"\(at)\" is not a time; use \(TimeArgument.help).")) }
        if let appointment, TimeArgument.parse(appointment) == nil {
            throw ValidationError(localized(
                nl: "--appointment \"\(appointment)\" is geen tijdstip; gebruik \(TimeArgument.help).",
                en: "--appointment \"\(appointment)\" is not a time; use \(TimeArgument.help)."
            ))
        }
        if outcome == .appointment, appointment == nil { throw ValidationError(localized(
            nl: "--outcome appointment vraagt --appointment TIJD (wanneer jullie afspreken).",
            en: "--outcome appointment needs --appointment TIME (when you meet)."
        )) }
        try TextArgument.check(note, option: "--note", as: .multiLine)
    }

    struct Output: Encodable {
        var id: String
        var nis: String
        var at: String
        var mode: ContactAttempt.Mode
        var outcome: ContactAttempt.Outcome
        var appointmentAt: String?
        var status: CaseStatus
        var pendingChanges: Int
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            let me = try store.requireProfile()
            try requireAssigned(nis, in: store)
            let now = Date()
            let when = at.flatMap { TimeArgument.parse($0, now: now) } ?? now
            let meeting = appointment.flatMap { TimeArgument.parse($0, now: now) }
            let id = try store.logContact(
                municipality: nis, at: when, mode: mode, outcome: outcome, note: note, appointment: meeting, interviewer: me.user, now: now
            )
            let summary = try store.caseSummary(municipality: nis, now: now)
            let waiting = try store.outboxCount()
            let result = Output(
                id: id.uuidString.lowercased(), nis: nis, at: ContactAttempt.atText(when), mode: mode, outcome: outcome,
                appointmentAt: meeting.map(InterviewRunner.isoTime), status: summary.status, pendingChanges: waiting
            )
            try output.emit(result) {
                let place = summary.name.map { "\(nis) \($0)" } ?? nis
                let meetingText = result.appointmentAt.map { localized(nl: ", afspraak ", en: ", appointment ") + TimeArgument.local($0) } ?? ""
                let when = TimeArgument.local(result.at)
                return localized(
                    nl: "Genoteerd: contact via \(mode.words) met \(place) op \(when), \(outcome.words)\(meetingText). Status: \(summary.status.words).",
                    en: "Logged: \(mode.words) contact with \(place) at \(when), \(outcome.words)\(meetingText). Case status: \(summary.status.words)."
                ) + "\n" + savedSentence(waiting)
            }
        }
    }
}

struct ContactHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show every contact attempt with a municipality (yours and, after a sync, others'), oldest first.",
        discussion: """
            Examples:
              veldwerk contact history 11001
              veldwerk contact history 11001 --json
            """
    )

    @Argument(help: "NIS code of the municipality.") var nis: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard Scope.isNIS(nis) else { throw ValidationError(Scope.notNISSentence(nis)) }
    }

    struct Output: Encodable {
        var nis: String
        var name: String?
        var status: CaseStatus
        var statusSource: String
        var nextAppointment: String?
        var attempts: [ContactAttemptView]
    }

    func run() async throws {
        try await reportingErrors {
            let store = try profile.openStore()
            let me = try store.requireProfile()
            try requireAssigned(nis, in: store)
            let summary = try store.caseSummary(municipality: nis)
            let pending = try store.pendingContactAttempts()
            let invitations = try store.invitations().filter { $0.municipality == nis }.sorted { ($0.createdAt ?? "") < ($1.createdAt ?? "") }
            let attempts = try store.contactAttempts(municipality: nis).map {
                ContactAttemptView($0, pending: pending.contains($0.id.uuidString.lowercased()))
            }
            let result = Output(
                nis: nis, name: summary.name, status: summary.status, statusSource: summary.statusSource,
                nextAppointment: summary.nextAppointment, attempts: attempts
            )
            try output.emit(result) {
                let setBy = summary.statusSource == "coordinator" ? localized(nl: " (ingesteld door de coördinator)", en: " (set by the coordinator)") : ""
                var lines = ["\(nis) \(summary.name ?? "")  status \(summary.status.words)\(setBy)"]
                if attempts.isEmpty {
                    lines.append(localized(
                        nl: "Nog geen contactpogingen; noteer er een met `veldwerk contact log \(nis) --mode phone --outcome no-answer`.",
                        en: "No contact attempts yet; log one with `veldwerk contact log \(nis) --mode phone --outcome no-answer`."
                    ))
                }
                for attempt in attempts {
                    let mode = attempt.mode.map { ContactAttempt.Mode(rawValue: $0)?.words ?? $0 } ?? "?"
                    let outcome = attempt.outcome.map { ContactAttempt.Outcome(rawValue: $0)?.words ?? $0 } ?? "?"
                    var line = "  \(TimeArgument.local(attempt.at))  \(mode.rightPadded(to: 12))  \(outcome.rightPadded(to: 24))"
                    if let meeting = attempt.appointmentAt { line += localized(nl: "  afspraak ", en: "  appointment ") + TimeArgument.local(meeting) }
                    if let note = attempt.note { line += "  \"\(note)\"" }
                    if let who = attempt.interviewer {
                        line += localized(nl: "  door ", en: "  by ") + (who == me.user.rawValue ? me.userName : who)
                    }
                    if !attempt.synced { line += localized(nl: "  (niet gesynchroniseerd)", en: "  (not synced)") }
                    lines.append(line)
                }
                // Invitations to fill in the questionnaire in a browser belong to the contact history too.
                for invitation in invitations {
                    let state = invitation.revokedAt != nil
                        ? localized(nl: "ingetrokken", en: "revoked")
                        : invitation.isOpen(at: Date()) ? localized(nl: "geldig tot ", en: "valid until ") + TimeArgument.local(invitation.expiresAt) : localized(nl: "verlopen", en: "expired")
                    lines.append(
                        "  \(TimeArgument.local(invitation.createdAt))  " + localized(nl: "uitnodiging om zelf in te vullen (web)", en: "invitation to fill in (web)")
                            + (invitation.email.map { " \($0)" } ?? "") + ", \(state)"
                    )
                }
                if let next = summary.nextAppointment {
                    lines.append(localized(nl: "Volgende afspraak: ", en: "Next appointment: ") + TimeArgument.local(next) + ".")
                }
                return lines.joined(separator: "\n")
            }
        }
    }
}
