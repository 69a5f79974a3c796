import Foundation
import LogStore
import Shared
import TestSupport

@testable import VeldwerkServer

/// A small study recorded the way fieldwork happens: laptops work offline and sync, a coordinator
/// corrects an answer while a laptop edits it too (a conflict), and resolves it.
struct ExportScenario {
    static let antwerp = "a0000000-0000-4000-8000-000000000001"  // complete, consent, offline edits, a resolved conflict
    static let borsbeek = "b0000000-0000-4000-8000-000000000002"  // complete, no consent, merged into Antwerpen in 2025
    static let pajottegem = "c0000000-0000-4000-8000-000000000003"  // complete, a 2025 municipality, consent
    static let draft = "d0000000-0000-4000-8000-000000000004"  // draft: left out by default
    static let withdrawn = "e0000000-0000-4000-8000-000000000005"  // withdrawn: left out by default

    /// A long open answer with accents, quotes, a comma and a line break: over 255 bytes, so a very long SPSS string.
    static let longVision = String(
        repeating: "Wij zetten in op gelijke onderwijskansen, \"samen\" met scholen en het Huis van het Kind; coördinatie en één aanspreekpunt.\n",
        count: 3
    ).trimmingCharacters(in: .newlines)
    static let laptopVTE = JSONValue.double(1.5)
    static let laptopSecondVTE = JSONValue.double(1.6)
    static let coordinatorVTE = JSONValue.double(2.25)
    static let resolvedVTE = JSONValue.double(1.75)

    let fixture: ExportFixture
    var annLaptop: Laptop
    var bertLaptop: Laptop

    static func make(_ directory: TemporaryDirectory) async throws -> ExportScenario {
        let fixture = try await ExportFixture(directory: directory)
        let ann = try await fixture.laptop("Ann", municipalities: ["11002", "23106"])
        let bert = try await fixture.laptop("Bert", municipalities: ["11007"])
        var scenario = ExportScenario(fixture: fixture, annLaptop: ann, bertLaptop: bert)
        try await scenario.record()
        return scenario
    }

    static func uuid(_ text: String) -> UUID {
        UUID(uuidString: text) ?? UUID()
    }

    static func answers(_ pairs: [String: JSONValue]) -> [(String, JSONValue?)] {
        pairs.keys.sorted().map { (Interview.Field.answer($0), pairs[$0]) }
    }

    static func meta(_ nis: String, state: String, user: UserID, started: String, name: String? = nil) -> [(String, JSONValue?)] {
        var fields: [(String, JSONValue?)] = [
            (Interview.Field.municipality, .string(nis)), (Interview.Field.questionnaire, .string("flankerend_onderwijsbeleid")),
            (Interview.Field.questionnaireVersion, .string("1")), (Interview.Field.mode, .string("face_to_face")),
            (Interview.Field.state, .string(state)), (Interview.Field.startedAt, .string(started)),
            (Interview.Field.interviewer, .string(user.rawValue)), (Interview.Field.respondentFunction, .string("onderwijsregisseur")),
        ]
        if let name {
            fields.append((Interview.Field.respondentName, .string(name)))
            fields.append((Interview.Field.respondentEmail, .string("\(name.split(separator: " ")[0].lowercased())@gemeente.example")))
        }
        return fields
    }

    /// The complete answers of the Antwerp interview as first entered.
    static let antwerpAnswers: [String: JSONValue] = [
        "a_modus": .string("face_to_face"), "a_functie": .string("Onderwijsregisseur, team \"Samen\""),
        "a_dienst": .string("andere"), "a_dienst_andere": .string("Dienst jeugd & gezin"), "a_aantal_respondenten": .int(2),
        "b_visie_uitgeschreven": .string("in_ontwikkeling"), "b_meerjarenplan": .string("ja"),
        "b_doelstellingen": .array([.string("gelijke_kansen"), .string("inclusie")]), "b_aanpak": .string("vraaggestuurd"),
        "b_visie_omschrijving": .string(longVision), "c_vte": laptopVTE, "c_coordinator": .string("nee"),
        "c_inbedding": .array([.string("onderwijs")]), "c_uitbreiding": .string("weet_niet"), "c_schepenen": .int(3),
        "d_doelen": .array([.string("afstemming")]), "d_partners_intern": .array([.string("sociaal_huis")]),
        "d_partners_onderwijs": .array([.string("basisscholen")]), "d_overleg": .string("ja"), "d_overleg_frequentie": .string("maandelijks"),
        "d_digitaal": .string("nee"), "e_doelgroepen": .array([.string("kwetsbare_gezinnen"), .string("ouders")]), "e_brugfiguren": .string("nee"),
        "e_financieel": .array([.string("subsidie_per_kind")]), "e_subsidie_per_kind": .double(12.5),
        "f_knelpunten": .array([.string("middelen")]), "f_citaat_toestemming": .string("ja"),
        "f_opmerkingen": .string("Geen, dank u — ça va."),
    ]

    private mutating func record() async throws {
        let day = Int64(1_733_000_000_000)
        // Ann works offline on Antwerpen, then syncs.
        var changes = annLaptop.edit(
            interview: Self.antwerp, nis: "11002",
            Self.meta("11002", state: "draft", user: annLaptop.principal.user, started: "2024-12-02T09:30:00Z", name: "Anaïs Dubois")
                + Self.answers(Self.antwerpAnswers),
            at: day
        )
        try await fixture.sync(changes, from: annLaptop)
        // Later, still offline: she changes an answer and completes the interview.
        changes = annLaptop.edit(
            interview: Self.antwerp, nis: "11002",
            [
                (Interview.Field.answer("b_aanpak"), .string("planmatig")), (Interview.Field.state, .string("complete")),
                (Interview.Field.completedAt, .string("2024-12-02T10:45:00Z")),
            ],
            at: day + 3_600_000
        )
        // Meanwhile a coordinator corrects c_vte on the server, having seen Ann's first version...
        let coordinator = Principal(user: .system, name: "coordinator", role: .coordinator, device: nil)
        _ = try await fixture.store.editInterview(
            Self.uuid(Self.antwerp), fields: ["answers.c_vte": Self.coordinatorVTE], by: coordinator,
            now: Date(milliseconds: day + 3_000_000)
        )
        // ...while Ann, offline, changes c_vte too: neither saw the other, so they conflict.
        changes += annLaptop.edit(interview: Self.antwerp, nis: "11002", [(Interview.Field.answer("c_vte"), Self.laptopSecondVTE)], at: day + 3_700_000)
        try await fixture.sync(changes, from: annLaptop)
        // The coordinator resolves the conflict with a third value.
        let open = try await fixture.store.conflicts(openOnly: true)
        guard let conflict = open.first(where: { $0.key.field == "answers.c_vte" }) else { throw FixtureError.rejected(["no conflict on c_vte"]) }
        _ = try await fixture.store.editInterview(
            Self.uuid(Self.antwerp), fields: ["answers.c_vte": Self.resolvedVTE], by: coordinator,
            now: Date(milliseconds: day + 7_200_000)
        )
        try await fixture.store.engine.write { db in
            _ = try SQLServerStore.author(
                [
                    FieldEdit(
                        scope: conflict.scope, entity: .conflict, entityId: conflict.loser.id.description, field: "resolution",
                        value: .object(["choice": .string("other"), "value": Self.resolvedVTE])
                    )
                ],
                by: .system, now: Date(milliseconds: day + 7_200_000), in: db
            )
        }

        // Bert: Borsbeek, complete, no consent to be quoted.
        var bertAnswers = Self.antwerpAnswers
        bertAnswers["f_citaat_toestemming"] = .string("nee")
        bertAnswers["b_visie_omschrijving"] = .string("Geheim: dit mag nooit geciteerd worden, ook niet anoniem.")
        bertAnswers["a_dienst"] = .string("onderwijs")
        bertAnswers["c_coordinator"] = .string("ja")
        bertAnswers["c_coordinatorrol"] = .string("onderwijsregisseur")
        changes = bertLaptop.edit(
            interview: Self.borsbeek, nis: "11007",
            Self.meta("11007", state: "complete", user: bertLaptop.principal.user, started: "2024-11-20T14:00:00Z", name: "Jan Janssens")
                + Self.answers(bertAnswers),
            at: day
        )
        try await fixture.sync(changes, from: bertLaptop)

        // Ann: Pajottegem (2025), draft and withdrawn interviews.
        var pajottegem = Self.antwerpAnswers
        pajottegem["b_visie_omschrijving"] = .string("Kort: samenwerking met alle scholen.")
        changes = annLaptop.edit(
            interview: Self.pajottegem, nis: "23106",
            Self.meta("23106", state: "complete", user: annLaptop.principal.user, started: "2025-01-15T08:00:00+01:00") + Self.answers(pajottegem),
            at: day + 10_000_000
        )
        changes += annLaptop.edit(
            interview: Self.draft, nis: "23106",
            Self.meta("23106", state: "draft", user: annLaptop.principal.user, started: "2025-01-16T08:00:00Z")
                + Self.answers(["a_modus": .string("video"), "f_citaat_toestemming": .string("ja"), "f_opmerkingen": .string("Concept")]),
            at: day + 11_000_000
        )
        changes += annLaptop.edit(
            interview: Self.withdrawn, nis: "11002",
            Self.meta("11002", state: "withdrawn", user: annLaptop.principal.user, started: "2024-12-20T08:00:00Z")
                + Self.answers(["a_modus": .string("telefonisch")]),
            at: day + 12_000_000
        )
        try await fixture.sync(changes, from: annLaptop)
    }
}
