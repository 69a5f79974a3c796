/// Typed lines for whole default-questionnaire interviews, wrong inputs included, shared by the
/// runner tests and the binary test.
enum InterviewScripts {
    /// "Other" department, a coordinator, structural consultation, bridge figures, a subsidy per child,
    /// another bottleneck: every optional branch taken.
    static let everyBranch: [String] = [
        "2",  // a_modus: telefonisch
        "Onderwijsregisseur",  // a_functie (one line: Enter ends it)
        "7",  // a_dienst: andere
        "Jeugddienst",  // a_dienst_andere
        "abc", "11", "2",  // a_aantal_respondenten: a letter, out of range, then right
        "ja",  // b_visie_uitgeschreven by name
        "1",  // b_meerjarenplan
        "1 6",  // b_doelstellingen: two choices
        "zzz", "beide",  // b_aanpak: unknown choice, then right
        "Kort", ".",  // b_visie_omschrijving (multiline: ends with "."): too short (constraint)
        "Gelijke kansen voor elk kind,", "in elke school van de gemeente.", ".",  // two lines
        "skip",  // b_knelpunten (optional)
        "1,5",  // c_vte with a decimal comma
        "ja",  // c_coordinator
        "5",  // c_coordinatorrol
        "3",  // c_inbedding
        "nee",  // c_uitbreiding
        "2",  // c_schepenen
        "",  // c_knelpunten: Enter skips an optional question
        "1",  // d_doelen
        "2",  // d_partners_intern
        "1 2",  // d_partners_onderwijs
        "skip",  // d_partners_extern
        "ja",  // d_overleg
        "2",  // d_overleg_frequentie
        "2015",  // d_overleg_sinds
        "ja",  // d_digitaal
        "skip",  // d_knelpunten
        "1",  // e_doelgroepen
        "sommige",  // e_brugfiguren
        "4",  // e_brugfiguren_scholen
        "skip", "skip", "skip", "skip", "skip",  // e_schooltransitie … e_opvang_vrijetijd
        "2",  // e_financieel: subsidie_per_kind
        "25",  // e_subsidie_per_kind
        "skip", "skip",  // e_infrastructuur, e_voorbeeld
        "1 9",  // f_knelpunten: middelen, andere
        "Afstand tot scholen",  // f_knelpunt_andere
        "skip",  // f_ondersteuning
        "ja",  // f_citaat_toestemming
        "skip",  // f_opmerkingen
        "complete",
    ]

    /// The short way round: no follow-up question is relevant.
    static let shortest: [String] = [
        "face_to_face",  // a_modus
        "Diensthoofd welzijn",  // a_functie
        "1",  // a_dienst: onderwijs (a_dienst_andere not asked)
        "1",  // a_aantal_respondenten
        "3", "2", "2", "2",  // b_visie_uitgeschreven, b_meerjarenplan, b_doelstellingen, b_aanpak
        "Er is nog geen uitgeschreven visie.", ".",  // b_visie_omschrijving
        "",  // b_knelpunten
        "0", "nee",  // c_vte, c_coordinator (c_coordinatorrol not asked)
        "1", "3", "0", "",  // c_inbedding, c_uitbreiding, c_schepenen, c_knelpunten
        "1", "1", "1", "", "nee",  // d_doelen … d_overleg (frequency and year not asked)
        "nee", "",  // d_digitaal, d_knelpunten
        "1", "nee",  // e_doelgroepen, e_brugfiguren (schools not asked)
        "", "", "", "", "", "", "", "",  // e_schooltransitie … e_voorbeeld (no subsidy per child)
        "1",  // f_knelpunten (no "andere")
        "", "nee", "",  // f_ondersteuning, f_citaat_toestemming, f_opmerkingen
        "complete",
    ]
}
