import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkServer

@Suite("Export: SPSS system file")
struct ExportSAVTests {
    @Test("the system file reads back: names, labels, value labels, user-missing values, very long UTF-8 strings")
    func structure() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            let export = try await scenario.fixture.export(ExportOptions(format: .sav))
            let file = try SAVReader(export.bytes)
            #expect(file.productName.hasPrefix("@(#) SPSS DATA FILE"))
            #expect(file.encoding == "UTF-8")
            #expect(file.caseCountInHeader == -1)
            #expect(file.cases.count == 3)
            #expect(file.fileLabel.contains("log \(export.manifest.logPosition)"))
            #expect(file.documents.contains { $0.contains("change-log position \(export.manifest.logPosition)") })

            let modus = try #require(file.variable("a_modus"))
            #expect(modus.width == 0)
            #expect(modus.label == "Hoe verloopt deze bevraging?")
            #expect(modus.valueLabels[1] == "Face-to-face interview")
            #expect(modus.valueLabels[4] == "Zelf ingevuld door het bestuur")
            #expect(modus.valueLabels[-99] == "Niet beantwoord")
            #expect(modus.valueLabels[-98] == "Niet van toepassing")
            #expect(modus.missing == [-99, -98])
            #expect(file.variable("d_doelen")?.label == "Wat wil uw bestuur met samenwerking en partnerschappen bereiken?")
            #expect(file.variable("d_overleg")?.label == "Is er een structureel (periodiek) overleg met scholen en diensten?")
            // Long names survive (more than 8 bytes).
            #expect(file.variable("b_doelstellingen__gelijke_kansen")?.valueLabels[1] == "Gekozen")
            #expect(file.variables.allSatisfy { $0.shortName.utf8.count <= 8 })
            #expect(Set(file.variables.map { $0.shortName }).count == file.variables.count)

            // A very long string: the width is the longest answer in bytes, segments joined back.
            let vision = try #require(file.variable("b_visie_omschrijving"))
            #expect(vision.width == ExportScenario.longVision.utf8.count)
            #expect(vision.width > 255)
            #expect(vision.segmentWidths.count == 2)
            #expect(file.value("b_visie_omschrijving", interview: ExportScenario.antwerp) == .string(ExportScenario.longVision))
            #expect(file.value("f_opmerkingen", interview: ExportScenario.antwerp) == .string("Geen, dank u — ça va."))
            #expect(file.variable("f_opmerkingen")?.width == "Geen, dank u — ça va.".utf8.count)

            // Values and missing codes.
            #expect(file.value("a_modus", interview: ExportScenario.antwerp) == .number(1))
            #expect(file.value("c_vte", interview: ExportScenario.antwerp) == .number(1.75))
            #expect(file.value("a_aantal_respondenten", interview: ExportScenario.antwerp) == .number(2))
            #expect(file.value("e_subsidie_per_kind", interview: ExportScenario.antwerp) == .number(12.5))
            #expect(file.value("c_coordinatorrol", interview: ExportScenario.antwerp) == .number(MissingCode.notApplicable))
            #expect(file.value("d_overleg_sinds", interview: ExportScenario.antwerp) == .number(MissingCode.notAnswered))
            #expect(file.value("c_coordinatorrol", interview: ExportScenario.borsbeek) == .number(5))  // onderwijsregisseur, 5th choice
            #expect(file.value("b_doelstellingen", interview: ExportScenario.antwerp) == .string("gelijke_kansen inclusie"))
            #expect(file.value("b_doelstellingen__inclusie", interview: ExportScenario.antwerp) == .number(1))
            #expect(file.value("b_doelstellingen__samenwerking", interview: ExportScenario.antwerp) == .number(0))
            #expect(file.value("municipality_nis_2025", interview: ExportScenario.borsbeek) == .string("11002"))
            #expect(file.value("municipality_nis_2024", interview: ExportScenario.pajottegem) == .string(""))
            // 2024-12-02T09:30:00Z in seconds since 1582-10-14.
            let started = (TimestampText.unixSeconds("2024-12-02T09:30:00Z") ?? 0) + SystemFileWriter.epochOffset
            #expect(file.value("started_at", interview: ExportScenario.antwerp) == .number(started))
            #expect(started == 13_952_511_000)
            // 2025-01-15T08:00:00+01:00 is 07:00 UTC.
            #expect(file.value("started_at", interview: ExportScenario.pajottegem) == .number((TimestampText.unixSeconds("2025-01-15T07:00:00Z") ?? 0) + SystemFileWriter.epochOffset))
        }
    }

    @Test("pyreadstat reads the file as SPSS would (skipped without python3 and pyreadstat)")
    func pyreadstat() async throws {
        guard let python = try await onOwnThread({ Self.pythonWithPyreadstat() }) else { return }
        try await withTemporaryDirectory { directory in
            let scenario = try await ExportScenario.make(directory)
            let export = try await scenario.fixture.export(ExportOptions(format: .sav))
            let sav = directory.appending("export.sav")
            try Data(export.bytes).write(to: sav)
            let expectations: JSONValue = .object([
                "rows": .int(3),
                "variableLabels": .object([
                    "a_modus": .string("Hoe verloopt deze bevraging?"),
                    "c_coordinator": .string("Is er iemand die de coördinatie van het flankerend onderwijsbeleid opneemt?"),
                    "b_doelstellingen__inclusie": .string("Welke doelstellingen staan centraal in het flankerend onderwijsbeleid?: Inclusie en participatie"),
                ]),
                "valueLabels": .object([
                    "a_modus": .object(["1": .string("Face-to-face interview"), "-98": .string("Niet van toepassing"), "-99": .string("Niet beantwoord")]),
                    "b_doelstellingen__inclusie": .object(["0": .string("Niet gekozen"), "1": .string("Gekozen")]),
                ]),
                "userMissing": .object(["c_coordinatorrol": .array([.int(-99), .int(-98)]), "c_vte": .array([.int(-99), .int(-98)])]),
                "cells": .object([
                    ExportScenario.antwerp: .object([
                        "b_visie_omschrijving": .string(ExportScenario.longVision),
                        "f_opmerkingen": .string("Geen, dank u — ça va."),
                        "a_functie": .string("Onderwijsregisseur, team \"Samen\""),
                        "c_vte": .double(1.75), "a_modus": .int(1),
                        "c_coordinatorrol": .object(["missing": .int(-98)]),
                        "d_overleg_sinds": .object(["missing": .int(-99)]),
                        "started_at": .string("2024-12-02T09:30:00"),
                        "municipality_nis_2024": .string("11002"),
                    ]),
                    ExportScenario.borsbeek: .object(["municipality_nis_2025": .string("11002"), "c_coordinatorrol": .int(5)]),
                ]),
            ])
            let expect = directory.appending("expect.json")
            try Data(expectations.canonicalJSON.utf8).write(to: expect)
            let (status, output) = try await onOwnThread { [script = Self.script] in try Self.run(python, [script.path, sav.path, expect.path]) }
            #expect(status == 0, "check-sav.py: \(output)")
        }
    }

    @Test("a generated study's file reads back case for case")
    func generated() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ExportFixture(directory: directory)
            _ = try await fixture.generate(300, seed: 11)
            let options = try ExportOptions(parameters: [("format", "sav"), ("state", "all")])
            let file = try SAVReader(try await fixture.export(options).bytes)
            #expect(file.cases.count == 300)
            let jsonl = try await fixture.exportText(try ExportOptions(parameters: [("format", "jsonl"), ("state", "all")]))
            let objects = try jsonl.split(separator: "\n").map { try JSONValue(json: String($0)).objectValue ?? [:] }
            for (row, object) in zip(file.cases, objects) {
                let answers = object["answers"]?.objectValue ?? [:]
                for name in ["b_visie_omschrijving", "e_voorbeeld", "f_ondersteuning"] {
                    let column = try #require(file.index(of: name))
                    #expect(row[column] == .string(answers[name]?.stringValue ?? ""))
                }
                let vte = try #require(file.index(of: "c_vte"))
                if let value = answers["c_vte"]?.doubleValue { #expect(row[vte] == .number(value)) }
            }
        }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/check-sav.py")

    /// `python3` (through `env`) when it can import pyreadstat, else nil.
    static func pythonWithPyreadstat() -> String? {
        guard let (status, _) = try? run("/usr/bin/env", ["python3", "-c", "import pyreadstat"]), status == 0 else { return nil }
        return "python3"
    }

    /// Runs a program found on the PATH; returns its exit status and output.
    static func run(_ program: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = program == "/usr/bin/env" ? arguments : [program] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
