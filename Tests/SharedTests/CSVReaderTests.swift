import Foundation
import Testing
@testable import Shared

@Suite struct CSVReaderTests {
    @Test func plainRowsAndTrailingNewline() throws {
        #expect(try CSVReader.rows("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try CSVReader.rows("a,b") == [["a", "b"]])
        #expect(try CSVReader.rows("") == [])
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "name,label\nx,\"Ja, er is \"\"een\"\" document\"\ny,\"two\nlines\"\n"
        #expect(try CSVReader.rows(text) == [
            ["name", "label"], ["x", "Ja, er is \"een\" document"], ["y", "two\nlines"],
        ])
    }

    @Test func emptyFieldsAndEmptyQuotedField() throws {
        #expect(try CSVReader.rows(",,\n\"\",a,\"\"\n") == [["", "", ""], ["", "a", ""]])
    }

    @Test func crlfAndBOM() throws {
        #expect(try CSVReader.rows("\u{FEFF}a,b\r\n1,\"x\r\ny\"\r\n2,3\r\n") == [["a", "b"], ["1", "x\r\ny"], ["2", "3"]])
    }

    @Test func unterminatedQuoteNamesItsLine() {
        #expect(throws: CSVError.unterminatedQuote(line: 3)) {
            try CSVReader.rows("a,b\n1,2\n3,\"open\n4,5\n")
        }
        #expect(CSVError.unterminatedQuote(line: 3).description.contains("line 3"))
    }

    @Test func tableKeysByHeaderWithLineNumbers() throws {
        let text = " type ,name\nnote,\"multi\nline\"\n,\ntext,last\n"
        let table = try CSVReader.table(text)
        #expect(table.header == ["type", "name"])
        #expect(table.records.count == 2)  // the all-empty row is skipped
        #expect(table.records[0]["type"] == "note")
        #expect(table.records[0]["name"] == "multi\nline")
        #expect(table.records[0].line == 2)
        #expect(table.records[0].row == 2)
        #expect(table.records[1]["name"] == "last")
        #expect(table.records[1].line == 5)  // the quoted field spans lines 2-3, the blank row is line 4
        #expect(table.records[1].row == 4)
        #expect(table.records[1]["missing"] == nil)
    }

    @Test func shortRecordsGetEmptyFields() throws {
        let table = try CSVReader.table("a,b,c\n1\n")
        #expect(table.records.first?.values == ["a": "1", "b": "", "c": ""])
    }
}
