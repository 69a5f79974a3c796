import Foundation
import Shared
import Testing

@Suite("The programs' language")
struct LanguageTests {
    @Test("Codes as locales, XLSForm columns and people write them", arguments: [
        ("nl", Language.nl), ("nl-BE", .nl), ("nl_BE.UTF-8", .nl), ("Dutch", .nl), ("Nederlands", .nl), ("Dutch (nl)", .nl),
        ("en", .en), ("en_US.UTF-8", .en), ("English (en)", .en), ("EN", .en), ("C", nil), ("C.UTF-8", nil), ("POSIX", nil), ("fr_BE.UTF-8", nil),
        ("", nil),
    ])
    func codes(code: String, expected: Language?) {
        #expect(Language(code: code) == expected)
    }

    @Test("--lang wins, then LC_ALL, LC_MESSAGES, LANG (the first that is set), then the study form, then Dutch")
    func precedence() throws {
        #expect(try Language.resolve(option: "en", environment: ["LANG": "nl_BE.UTF-8"], study: "nl") == .en)
        #expect(try Language.resolve(option: nil, environment: ["LANG": "en_US.UTF-8"], study: "nl") == .en)
        #expect(try Language.resolve(option: nil, environment: ["LC_ALL": "nl_BE.UTF-8", "LANG": "en_US.UTF-8"], study: "en") == .nl)
        #expect(try Language.resolve(option: nil, environment: ["LC_MESSAGES": "en_US.UTF-8", "LANG": "nl_BE.UTF-8"], study: "nl") == .en)
        #expect(try Language.resolve(option: nil, environment: ["LANG": "C.UTF-8"], study: "en") == .en, "C names no language: the study's")
        #expect(try Language.resolve(option: nil, environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"], study: "nl") == .nl, "a set LC_ALL decides")
        #expect(try Language.resolve(option: nil, environment: [:], study: nil) == .nl)
        #expect(try Language.resolve(option: nil, environment: [:], study: "English (en)") == .en)
        #expect(throws: LanguageError.unknown("fr")) { try Language.resolve(option: "fr", environment: [:], study: "nl") }
    }

    @Test("--lang is found anywhere on a command line, and taken out of it; -- ends the search")
    func option() {
        #expect(Language.extractOption(from: ["--lang", "en", "sync"]) == ("en", ["sync"]))
        #expect(Language.extractOption(from: ["sync", "--lang=nl", "--home", "x"]) == ("nl", ["sync", "--home", "x"]))
        #expect(Language.extractOption(from: ["contact", "--", "--lang", "en"]) == (nil, ["contact", "--", "--lang", "en"]))
    }

    @Test("Sentences, counts and percentages follow the language of the moment")
    func words() {
        Language.$current.withValue(.nl) {
            #expect(localized(nl: "ja", en: "yes") == "ja")
            #expect(counted(3, nl: ("vraag", "vragen"), en: ("question", "questions")) == "3 vragen")
            #expect(CaseStatus.notContacted.words == "niet gecontacteerd")
            #expect(ResponseFigures.percent(0.323) == "32,3%")
        }
        Language.$current.withValue(.en) {
            #expect(counted(1, nl: ("vraag", "vragen"), en: ("question", "questions")) == "1 question")
            #expect(CaseStatus.notContacted.words == "not contacted")
            #expect(ResponseFigures.percent(0.323) == "32.3%")
        }
        // No internal spelling (`notContacted`, `no-answer`) reaches a screen, in either language.
        for language in Language.allCases {
            Language.$current.withValue(language) {
                for status in CaseStatus.allCases { #expect(status.words == status.words.lowercased(), "\(status)") }
                for outcome in ContactAttempt.Outcome.allCases { #expect(!outcome.words.contains("-"), "\(outcome)") }
            }
        }
    }
}

@Suite("Invitations")
struct InvitationTests {
    @Test("A link opens until it expires or is revoked, and never longer than a year after it was made, whatever expiry a laptop wrote")
    func openUntil() {
        let id = UUID()
        func invitation(created: String?, expires: String?, revoked: String? = nil) -> Invitation {
            var fields: [String: JSONValue] = [:]
            if let created { fields[Invitation.Field.createdAt] = .string(created) }
            if let expires { fields[Invitation.Field.expiresAt] = .string(expires) }
            if let revoked { fields[Invitation.Field.revokedAt] = .string(revoked) }
            return Invitation(id: id, fields: fields)
        }
        let day = { (text: String) in Date(timeIntervalSince1970: Double(Timestamp.milliseconds(text)!) / 1000) }
        let normal = invitation(created: "2025-01-01T00:00:00Z", expires: "2025-01-31T00:00:00Z")
        #expect(normal.isOpen(at: day("2025-01-30T23:00:00Z")))
        #expect(!normal.isOpen(at: day("2025-01-31T00:00:00Z")))
        #expect(!invitation(created: "2025-01-01T00:00:00Z", expires: "2025-01-31T00:00:00Z", revoked: "2025-01-02T00:00:00Z").isOpen(at: day("2025-01-03T00:00:00Z")))
        let forever = invitation(created: "2025-01-01T00:00:00Z", expires: "2099-01-01T00:00:00Z")
        #expect(forever.isOpen(at: day("2025-12-30T00:00:00Z")))
        #expect(!forever.isOpen(at: day("2026-01-02T00:00:00Z")), "capped at 365 days")
        #expect(!invitation(created: nil, expires: "2099-01-01T00:00:00Z").isOpen(at: day("2025-01-02T00:00:00Z")))
        #expect(Invitation.device(for: id).rawValue.hasPrefix("w-"))
    }
}
