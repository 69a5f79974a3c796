import Foundation
import Testing
@testable import Shared

@Suite struct RosterTests {
    private static let header = "nis_code,name,province,valid_from,valid_to,merged_into_nis,arrondissement,predecessors,extra\n"

    @Test func defaultStudyCounts() throws {
        let roster = try Roster.defaultStudy()
        #expect(roster.municipalities(validOn: "2024-12-31").count == 300)
        #expect(roster.municipalities(validOn: "2025-01-01").count == 285)
        #expect(roster.municipalities(validOn: "2019-01-01").count == 300)
        #expect(roster.municipalities.count == 313)  // 300 rows up to 2024 and 13 new from 2025 (Antwerpen twice)
        #expect(Set(roster.municipalities.map(\.key)).count == roster.municipalities.count)
    }

    @Test func antwerpenAppearsTwice() throws {
        let roster = try Roster.defaultStudy()
        let rows = roster.municipalities.filter { $0.nis == "11002" }
        #expect(rows.count == 2)
        #expect(Set(rows.map(\.validFrom)) == ["2019-01-01", "2025-01-01"])
        let current = try #require(roster.current(nis: "11002"))
        #expect(current.validFrom == "2025-01-01")
        #expect(current.validTo == nil)
        #expect(current.predecessors == ["11002", "11007"])
        #expect(roster.municipality(nis: "11002", on: "2024-06-01")?.validTo == "2024-12-31")
    }

    @Test(arguments: [
        ("11007", "11002"),  // Borsbeek → Antwerpen
        ("11002", "11002"),  // Antwerpen continues
        ("11056", "46030"),  // Zwijndrecht → Beveren-Kruibeke-Zwijndrecht, across provinces
        ("44045", "46029"),  // Moerbeke → Lokeren
        ("71022", "71072"),  // Hasselt (old code) → Hasselt (new code)
        ("73040", "71072"),  // Kortessem → Hasselt
        ("11001", "11001"),  // Aartselaar, not merged
        ("46030", "46030"),  // a 2025 municipality maps to itself
        ("99999", "99999"),  // unknown code
    ])
    func successorMapping(old: String, new: String) throws {
        let roster = try Roster.defaultStudy()
        #expect(roster.successor2025(of: old) == new)
    }

    @Test func everyOldMunicipalityMapsToOneValidIn2025() throws {
        let roster = try Roster.defaultStudy()
        let valid2025 = Set(roster.municipalities(validOn: "2025-01-01").map(\.nis))
        for municipality in roster.municipalities(validOn: "2024-12-31") {
            #expect(valid2025.contains(roster.successor2025(of: municipality.nis)), "\(municipality.nis)")
        }
        #expect(Set(roster.municipalities(validOn: "2024-12-31").map { roster.successor2025(of: $0.nis) }).count == 285)
    }

    @Test func validity() {
        let old = Municipality(nis: "11007", name: "Borsbeek", province: "Antwerpen", arrondissement: "Antwerpen",
                               validFrom: "2019-01-01", validTo: "2024-12-31", mergedInto: "11002")
        #expect(old.isValid(on: "2024-12-31"))
        #expect(!old.isValid(on: "2025-01-01"))
        #expect(!old.isValid(on: "2018-12-31"))
        #expect(old.key == Municipality.Key(nis: "11007", validFrom: "2019-01-01"))
    }

    @Test func parseIgnoresExtraColumnsAndReadsLists() throws {
        let roster = try Roster.parse(csv: Self.header + """
            11001,Aartselaar,Antwerpen,2019-01-01,,,Antwerpen,,x
            23106,Pajottegem,Vlaams-Brabant,2025-01-01,,,Halle-Vilvoorde,23023;23024,y
            23023,Galmaarden,Vlaams-Brabant,2019-01-01,2024-12-31,23106,Halle-Vilvoorde,,z
            """)
        #expect(roster.municipalities.count == 3)
        #expect(roster.municipalities[1].predecessors == ["23023", "23024"])
        #expect(roster.municipalities[2].mergedInto == "23106")
        let data = try JSONEncoder().encode(roster)
        #expect(try JSONDecoder().decode(Roster.self, from: data) == roster)
    }

    @Test(arguments: [
        ("11001,Aartselaar,Antwerpen,2019-13-01,,,Antwerpen,,", 2, "valid_from"),
        ("11001,Aartselaar,Antwerpen,2019-02-29,,,Antwerpen,,", 2, "valid_from"),
        ("1100,Aartselaar,Antwerpen,2019-01-01,,,Antwerpen,,", 2, "nis_code"),
        ("11001,,Antwerpen,2019-01-01,,,Antwerpen,,", 2, "name"),
        ("11001,Aartselaar,Antwerpen,2019-01-01,2018-01-01,,Antwerpen,,", 2, "valid_to"),
        ("11001,Aartselaar,Antwerpen,2019-01-01,2024-12-31,1x002,Antwerpen,,", 2, "merged_into_nis"),
        ("11001,Aartselaar,Antwerpen,2019-01-01,2024-12-31,11002,Antwerpen,,", 2, "merged_into_nis"),
        ("11001,Aartselaar,Antwerpen,2019-01-01,,,Antwerpen,123,", 2, "predecessors"),
        ("11001,A,Antwerpen,2019-01-01,,,Antwerpen,,\n11001,B,Antwerpen,2019-01-01,,,Antwerpen,,", 3, "valid_from"),
    ])
    func badRowsNameRowAndColumn(line: String, row: Int, column: String) {
        do {
            _ = try Roster.parse(csv: Self.header + line)
            Issue.record("expected an error for \(line)")
        } catch let error as RosterError {
            #expect(error.row == row)
            #expect(error.column == column)
            #expect(error.description.contains("row \(row), column \"\(column)\""))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func missingColumn() {
        #expect(throws: RosterError(row: 1, column: "arrondissement", reason: "the header lacks this column")) {
            try Roster.parse(csv: "nis_code,name,province,valid_from,valid_to,merged_into_nis,predecessors\n")
        }
    }
}
