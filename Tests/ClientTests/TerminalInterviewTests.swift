import Foundation
import Shared
import Testing

@testable import VeldwerkClient

@Suite struct TerminalInterviewTests {
    /// Lines to read and text written, for a session without a terminal.
    final class Console {
        var input: [String]
        var written = ""
        init(_ input: [String]) { self.input = input }
        func readLine() -> String? { input.isEmpty ? nil : input.removeFirst() }
    }

    @Test func eachAnswerIsInTheStoreBeforeTheNextPrompt() throws {
        let fixture = try ClientFixture()
        defer { fixture.remove() }
        let interview = try fixture.newInterview()
        let console = Console(["2", "Schepen", "abc"])
        var outboxAtPrompt: [Int] = []
        var session = TerminalInterview(store: fixture.store, terminal: Terminal(colors: false, stderrIsTTY: false), editor: nil)
        session.readLine = { prompt, _ in
            console.written += prompt
            outboxAtPrompt.append((try? fixture.store.outboxCount()) ?? -1)
            return console.readLine()
        }
        session.write = { console.written += $0 }
        let finish = try session.run(interview: interview, form: fixture.form, mode: .full, language: nil)
        #expect(finish == .endOfInput)
        // 6 changes from `new`, then one more after "2" and after the one-line text; none for "abc".
        #expect(outboxAtPrompt == [6, 7, 8, 8])
        let stored = try #require(try fixture.store.interview(interview.id))
        #expect(stored.answers == ["a_modus": .string("telefonisch"), "a_functie": .string("Schepen")])
        #expect(console.written.contains("a_dienst> "))
        #expect(console.written.hasSuffix("Saved on this laptop; 8 changes wait for the next sync.\n"))
        #expect(!console.written.contains("\u{1B}["))
    }

    @Test func coloursOnlyWhenAsked() {
        let plain = Terminal(colors: false, stderrIsTTY: false)
        let coloured = Terminal(colors: true, stderrIsTTY: false)
        let line = InterviewRunner.Line(.error, "nope")
        #expect(plain.render(line) == "nope")
        #expect(coloured.render(line) == "\u{1B}[31mnope\u{1B}[0m")
        #expect(SyncProgress.line(sent: 5, total: 10, received: 3, rounds: 2, width: 10) == "Syncing [#####-----] 5/10 sent, 3 received (round 2)")
    }
}
