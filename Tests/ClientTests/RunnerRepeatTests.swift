import Foundation
import Shared
import Testing

@testable import VeldwerkClient

/// The runner asking repeats, on `Tests/Fixtures/forms/households`: households by `repeat_count`
/// (`${n_households}`), members by "add another?" only when a household has more than one person.
@Suite struct RunnerRepeatTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/forms/households")
    let form: Questionnaire

    init() throws {
        let read = { (name: String) in try? String(contentsOf: Self.fixture.appendingPathComponent(name), encoding: .utf8) }
        form = try XLSFormCompiler.compile(survey: try #require(read("survey.csv")), choices: read("choices.csv"), settings: read("settings.csv"))
    }

    /// Instance markers saved, in order: (id, marker).
    static func markers(_ driver: RunnerDriver) -> [(id: String, marker: RepeatInstance.Marker)] {
        var result: [(String, RepeatInstance.Marker)] = []
        for case .fields(let fields) in driver.saves {
            for field in fields {
                guard let (id, question) = RepeatInstance.parseField(field.field), question == nil, let marker = RepeatInstance.Marker(field.value) else { continue }
                result.append((id, marker))
            }
        }
        return result
    }

    /// Every saved field's last value.
    static func fields(_ driver: RunnerDriver) -> [String: JSONValue?] {
        var result: [String: JSONValue?] = [:]
        for case .fields(let fields) in driver.saves {
            for field in fields { result[field.field] = .some(field.value) }
        }
        return result
    }

    @Test("repeat_count asks that many households; members are offered only where size > 1, with add another; answers go to repeats.<id>.<q>")
    func asksHouseholdsAndMembers() throws {
        var driver = RunnerDriver(form: form, language: "en")
        #expect(driver.runner.current == "n_households")
        driver.type("2")
        var households = Self.markers(driver)
        #expect(households.count == 1 && households.first?.marker.group == "household" && households.first?.marker.parent == nil)
        #expect(households.first?.marker.order == "", "the store writes the change's clock")
        #expect(driver.runner.current == "head")
        #expect(driver.text.contains("Household 1 of 2"))
        driver.type("An", "0")
        #expect(driver.runner.current == "size", "the constraint . > 0 holds in the instance")
        driver.type("1")
        // size 1: no members; the second household is made and asked.
        households = Self.markers(driver)
        #expect(households.count == 2)
        #expect(driver.runner.current == "head" && driver.runner.path == [households[1].id])
        driver.type("Bert", "3")
        #expect(driver.runner.adding == "member")
        #expect(driver.lastLines.contains("Add a member? (y/n)"))
        driver.type("maybe")
        #expect(driver.lastLines.contains("Type y (yes) or n (no)."))
        driver.type("y")
        #expect(driver.runner.current == "member_name")
        #expect(driver.text.contains("Name (household Bert)"), "${head} is the enclosing household's answer")
        driver.type("Cor", "40")
        #expect(driver.lastLines.contains("Add another member? (y/n)"))
        driver.type("j", "Dirk", "12", "n")
        #expect(driver.runner.current == nil && driver.runner.adding == nil, "two households asked: the end")
        #expect(driver.lastLines.contains("4 people, first head An"), "the note's sum() and indexed-repeat() see the instances: \(driver.lastLines)")

        let markers = Self.markers(driver)
        #expect(markers.count == 4)
        let (first, second) = (markers[0].id, markers[1].id)
        let members = markers.filter { $0.marker.group == "member" }
        #expect(members.count == 2 && members.allSatisfy { $0.marker.parent == second })
        let fields = Self.fields(driver)
        #expect(fields["repeats.\(first).head"] == .some(.string("An")))
        #expect(fields["repeats.\(first).size"] == .some(.int(1)))
        #expect(fields["repeats.\(second).size"] == .some(.int(3)))
        #expect(fields["repeats.\(members[0].id).member_name"] == .some(.string("Cor")))
        #expect(fields["repeats.\(members[1].id).age"] == .some(.int(12)))
        #expect(!fields.keys.contains { $0.hasPrefix("answers.head") || $0.hasPrefix("answers.member") }, "\(fields.keys)")

        driver.type("list")
        let list = driver.lastLines.joined(separator: "\n")
        #expect(list.contains("Household: 2"), "\(list)")
        #expect(list.contains("\(first.prefix(8))  head=An, size=1"), "\(list)")
        driver.type("complete")
        #expect(driver.outputs.last?.finished == .completed)
    }

    @Test("delete N at add another asks first, then deletes the member; back inside an instance goes to its previous question")
    func deletesAndGoesBack() throws {
        var driver = RunnerDriver(form: form, language: "en")
        driver.type("1", "Bert", "2", "y", "Cor", "40", "y", "Dirk")
        #expect(driver.runner.current == "age")
        driver.type("back")
        #expect(driver.runner.current == "member_name")
        driver.type("", "12")
        #expect(driver.runner.adding == "member")
        let memberIDs = Self.markers(driver).filter { $0.marker.group == "member" }.map(\.id)
        #expect(memberIDs.count == 2)
        driver.type("delete 1")
        #expect(driver.lastLines.contains { $0.hasPrefix("Delete member 1 (\(memberIDs[0].prefix(8)))") })
        driver.type("n")
        #expect(!driver.saves.contains(.deleteInstance(memberIDs[0])))
        driver.type("verwijder 1", "y")
        #expect(driver.saves.last == .deleteInstance(memberIDs[0]))
        #expect(driver.runner.children(of: "member", parent: driver.runner.path.last).map(\.id) == [memberIDs[1]])
        driver.type("delete 5")
        #expect(driver.lastLines.contains("There is no number 5; pick 1 to 1."))
        driver.type("n")
        #expect(driver.runner.current == nil)
        driver.type("delete 1")
        #expect(driver.lastLines.first?.contains("No repeat is being asked here") == true)
    }

    @Test("a resumed interview walks the existing instances and stops at the first open question in one; missing instances are made, none doubled")
    func resumes() throws {
        let first = RepeatInstance(id: "aaaaaaaa", group: "household", order: "1", answers: ["head": .string("An")])
        var driver = RunnerDriver(form: form, answers: ["n_households": .int(2)], instances: ["household": [first]], language: "en")
        #expect(driver.runner.current == "size" && driver.runner.path == ["aaaaaaaa"])
        #expect(Self.markers(driver).isEmpty)
        driver.type("1")
        let made = Self.markers(driver)
        #expect(made.count == 1, "the second household is made, the first reused")
        #expect(driver.runner.current == "head" && driver.runner.path == [made[0].id])
        #expect(driver.runner.instances["household"]?.map(\.id) == ["aaaaaaaa", made[0].id])

        let done = RepeatInstance(id: "aaaaaaaa", group: "household", order: "1", answers: ["head": .string("An"), "size": .int(1)])
        let again = RunnerDriver(form: form, answers: ["n_households": .int(1)], instances: ["household": [done]], language: "en")
        #expect(again.runner.current == nil && again.runner.adding == nil && Self.markers(again).isEmpty, "nothing left to ask")

        // Two laptops made a household each where n_households is 1: the second is kept, not asked, and named.
        let other = RepeatInstance(id: "bbbbbbbb", group: "household", order: "2", answers: ["head": .string("Bert")])
        let surplus = RunnerDriver(form: form, answers: ["n_households": .int(1)], instances: ["household": [done, other]], language: "en")
        #expect(surplus.runner.current == nil)
        #expect(surplus.text.contains("Household: 2 instances, but ${n_households} asks for 1; not asked: bbbbbbbb."), "\(surplus.text)")
    }

    @Test("a repeat first in the form opens with add one?; a required question in an instance keeps complete back, naming the instance")
    func completeNeedsInstanceAnswers() throws {
        let form = try XLSFormCompiler.compile(
            survey: "type,name,label,required\nbegin_repeat,child,Child,\ntext,child_name,Name,yes\nend_repeat,,,\ntext,remark,Remark,\n", choices: nil,
            defaultFormID: "kinderen"
        )
        var driver = RunnerDriver(form: form, language: "en")
        #expect(driver.runner.adding == "child")
        #expect(driver.lastLines.contains("Add a child? (y/n)"))
        driver.type("y")
        #expect(driver.runner.current == "child_name")
        let id = try #require(Self.markers(driver).first?.id)
        driver.type("complete")
        #expect(driver.outputs.last?.finished == nil)
        #expect(driver.lastLines.contains { $0.contains("child_name (Child \(id.prefix(8)))") }, "\(driver.lastLines)")
        driver.type("Eva", "n")
        #expect(driver.runner.current == "remark")
        driver.type("complete")
        #expect(driver.outputs.last?.finished == .completed)
    }

    @Test("through the store: instances are changes whose order is their clock, a deleted member keeps its order, and a new session resumes at add a member?")
    func throughTheStore() throws {
        let fixture = try ClientFixture(form: form)
        defer { fixture.remove() }
        let interview = try fixture.newInterview()
        func session(_ lines: [String]) throws -> String {
            var input = lines
            var written = ""
            var terminal = TerminalInterview(store: fixture.store, terminal: Terminal(colors: false, stderrIsTTY: false), editor: nil)
            terminal.readLine = { prompt, _ in
                written += prompt
                return input.isEmpty ? nil : input.removeFirst()
            }
            terminal.write = { written += $0 }
            let stored = try #require(try fixture.store.interview(interview.id))
            try terminal.run(interview: stored, form: form, mode: .full, language: "en")
            return written
        }
        _ = try session(["1", "An", "3", "y", "Cor", "40", "delete 1", "y"])
        let stored = try #require(try fixture.store.interview(interview.id))
        let household = try #require(stored.repeats?["household"]?.first)
        #expect(stored.repeats?["household"]?.count == 1 && stored.repeats?["member"] == nil)
        #expect(household.answers == ["head": .string("An"), "size": .int(3)])
        let changes = try fixture.store.outbox(limit: 100)
        let markers = changes.filter { RepeatInstance.parseField($0.field)?.question == nil && $0.field.hasPrefix("repeats.") }
        #expect(markers.count == 3, "two made, one deleted")
        for change in markers.prefix(2) {
            #expect(RepeatInstance.Marker(change.value)?.order == change.hlc.encoded, "the order is the creating change's clock")
        }
        let tombstone = try #require(RepeatInstance.Marker(markers[2].value))
        #expect(tombstone.deleted && tombstone.order == RepeatInstance.Marker(markers[1].value)?.order && tombstone.parent == household.id)

        let resumed = try session([])
        #expect(resumed.contains("Resuming at the first unanswered question."))
        #expect(resumed.contains("Add a member? (y/n)"), "\(resumed)")
        #expect(try fixture.store.interview(interview.id)?.repeats?["household"]?.count == 1, "nothing made again")
    }

    @Test("in Dutch: een lid toevoegen? (j/n), ja and nee, verwijder N; jump NAME reaches a question in an instance")
    func dutchAndJump() throws {
        try Language.$current.withValue(.nl) {
            var driver = RunnerDriver(form: form)
            driver.type("1", "Bert", "2")
            #expect(driver.lastLines.contains("Een lid toevoegen? (j/n)"), "\(driver.lastLines)")
            #expect(driver.outputs.last?.prompt == "member (j/n)> ")
            driver.type("ja", "Cor", "4")
            #expect(driver.lastLines.contains("Nog een lid toevoegen? (j/n)"))
            let member = try #require(Self.markers(driver).last?.id)
            driver.type("verwijder 1")
            #expect(driver.lastLines.contains("Lid 1 (\(member.prefix(8))) met al zijn antwoorden verwijderen? (j/n)"), "\(driver.lastLines)")
            driver.type("nee", "nee")
            #expect(driver.runner.current == nil && driver.runner.adding == nil)
            let household = try #require(Self.markers(driver).first?.id)
            driver.type("jump head")
            #expect(driver.runner.current == "head" && driver.runner.path == [household])
            #expect(driver.outputs.last?.prefill == "Bert")
        }
    }

    @Test("delete 1 inside the member being asked: after a yes, back at add a member? with none left; back does not return into it")
    func deletesTheInstanceBeingAsked() throws {
        var driver = RunnerDriver(form: form, language: "en")
        driver.type("1", "Bert", "2", "y", "Cor")
        #expect(driver.runner.current == "age")
        let member = try #require(Self.markers(driver).last?.id)
        driver.type("delete 1", "y")
        #expect(driver.saves.last == .deleteInstance(member))
        #expect(driver.runner.adding == "member" && driver.runner.path.count == 1)
        #expect(driver.lastLines.contains("Add a member? (y/n)"))
        driver.type("back")
        #expect(driver.runner.current == "size", "the household's last question, not the deleted member's")
    }
}
