import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient

/// The interview runner in a real pseudo-terminal: keys as a terminal sends them, answers as stored.
@Suite("Line editing in the runner (a pseudo-terminal)")
struct LineEditingTests {
    static let left = "\u{1B}[D"
    static let home = "\u{1B}[H"
    static let backspace = "\u{7F}"
    static let ctrlE = "\u{05}"
    static let ctrlW = "\u{17}"

    @Test("arrow keys, Home, Backspace and Ctrl-W edit the line (UTF-8 aware); the current answer comes back for editing")
    func editingKeys() async throws {
        try await onOwnThread {
            let fixture = try ClientFixture()
            defer { fixture.remove() }
            let interview = try fixture.newInterview()
            let id = interview.id.uuidString.lowercased()
            let terminal = try PseudoTerminalProgram("veldwerk", ["interview", "run", id, "--home", fixture.home])

            var at = try terminal.waitFor("a_modus> ")
            terminal.type("2\r")
            at = try terminal.waitFor("a_functie> ", after: at)
            // "Geen budgt", Left, "e" → "Geen budget"; Home, "Zoëë", Backspace (one whole ë), ": "; End, " xyz", Ctrl-W, Backspace.
            terminal.type("Geen budgt" + Self.left + "e" + Self.home + "Zoëë" + Self.backspace + ": " + Self.ctrlE + " xyz" + Self.ctrlW + Self.backspace + "\r")
            at = try terminal.waitFor("a_dienst> ", after: at)
            terminal.type("1\r")
            at = try terminal.waitFor("a_aantal_respondenten> ", after: at)
            // Refused by the constraint (1 to 10): a number is typed anew.
            terminal.type("12\r")
            at = try terminal.waitFor("Geef een aantal tussen 1 en 10.", after: at)
            at = try terminal.waitFor("a_aantal_respondenten> ", after: at)
            terminal.type("1\r")
            at = try terminal.waitFor("b_visie_uitgeschreven> ", after: at)
            // Back: the current answer (1) is on the line; typing 0 after it makes 10.
            terminal.type("back\r")
            at = try terminal.waitFor("a_aantal_respondenten> 1", after: at)
            terminal.type("0\r")
            at = try terminal.waitFor("b_visie_uitgeschreven> ", after: at)
            terminal.type("quit\r")
            #expect(try terminal.finish() == 0, "\(terminal.output.suffix(600))")

            let stored = try #require(try fixture.store.interview(interview.id))
            #expect(stored.answers["a_functie"] == .string("Zoë: Geen budget"))
            #expect(stored.answers["a_dienst"] == .string("onderwijs"))
            #expect(stored.answers["a_aantal_respondenten"] == .int(10))
            for (name, value) in stored.answers {
                #expect(!(value.stringValue ?? "").unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(name) holds a control character")
            }
        }
    }

    @Test("text put on the line for editing is one line without control characters (libedit would run them as keys)")
    func prefillIsPlainText() {
        #expect(LineEditor.editable("Zoë\u{1B}[D\nsecond line") == "Zoë[D")
    }
}
