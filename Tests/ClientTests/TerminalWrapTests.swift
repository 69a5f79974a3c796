import Foundation
import Shared
import Testing
import TestSupport

@testable import VeldwerkClient

@Suite("Wrapping runner text to the terminal's width")
struct TerminalWrapTests {
    @Test("lines break at spaces within the width; a numbered choice's label continues under itself")
    func wrapsAtWords() {
        let question = "Is flankerend onderwijsbeleid expliciet opgenomen in het meerjarenplan van het lokaal bestuur?"
        let lines = Terminal.wrap(question, width: 30)
        #expect(lines.allSatisfy { $0.count <= 30 })
        #expect(lines.joined(separator: " ") == question, "only spaces become line breaks")
        let choice = Terminal.wrap("  12. Dienst vrije tijd, cultuur en sport van het lokaal bestuur  (vrije_tijd)", width: 40)
        #expect(choice.count > 1)
        #expect(choice.dropFirst().allSatisfy { $0.hasPrefix("      ") && !$0.hasPrefix("       ") }, "\(choice)")
        #expect(Terminal.wrap("kort", width: 40) == ["kort"])
        #expect(Terminal.wrap("een-heel-lang-woord-zonder-spaties", width: 10) == ["een-heel-lang-woord-zonder-spaties"])
        let rendered = Terminal(colors: false, stderrIsTTY: false, width: 30).render(InterviewRunner.Line(.question, question))
        #expect(rendered.split(separator: "\n").count == lines.count)
    }
}
