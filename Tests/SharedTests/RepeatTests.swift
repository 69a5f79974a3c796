import Foundation
import Testing
import TestSupport

@testable import Shared

/// Repeats: how the compiler reads them, what expressions see of them, and how their instances merge.
@Suite("Repeats")
struct RepeatTests {
    /// Households (repeat_count from a question), each with its members (a nested repeat asked with
    /// "add another?"), a total over the households and the second household's size.
    static let survey = """
        type,name,label,repeat_count,calculation,relevant,constraint
        integer,n_households,How many households?,,,,
        begin_repeat,household,Household,${n_households},,,
        text,head,Head of household,,,,
        integer,size,Size,,,,. > 0
        calculate,number,,,position(..),,
        begin_repeat,member,Member,,,,
        text,member_name,Name (household ${head}),,,,
        integer,age,Age,,,${size} > 1,
        end_repeat,,,,,,
        calculate,members,,,count(${member}),,
        end_repeat,,,,,,
        calculate,total,,,sum(${size}),,
        calculate,second,,,"indexed-repeat(${head}, ${household}, 2)",,
        calculate,households,,,count(${household}),,
        """

    private func compile(_ survey: String) throws -> Questionnaire {
        try XLSFormCompiler.compile(survey: survey, choices: nil, defaultFormID: "repeats")
    }

    // MARK: Compiling

    @Test("begin_repeat and end_repeat nest, with repeat_count, and questions know their repeat")
    func compilesNestedRepeats() throws {
        let form = try compile(Self.survey)
        let household = try #require(form.group(named: "household"))
        let member = try #require(form.group(named: "member"))
        #expect(household.repeats && member.repeats)
        #expect(household.repeatCount?.source == "${n_households}")
        #expect(member.repeatCount == nil)
        #expect(member.parent == "household")
        #expect(form.questions(inRepeat: "household").map(\.name) == ["head", "size", "number", "members"])
        #expect(form.questions(inRepeat: "member").map(\.name) == ["member_name", "age"])
        #expect(form.repeatChain(ofGroup: "member").map(\.name) == ["household", "member"])
        #expect(form.enclosingRepeat(ofGroup: nil) == nil)
        #expect(form.hasRepeats)
        // The compiled form round-trips through JSON, as it is published.
        let decoded = try JSONDecoder().decode(Questionnaire.self, from: JSONEncoder().encode(form))
        #expect(decoded == form)
    }

    @Test("position(..) parses only with .., and \"..\" elsewhere is refused")
    func positionTakesParent() throws {
        #expect(throws: ExpressionError.self) { try Expression("position()") }
        #expect(throws: ExpressionError.self) { try Expression("../x") }
        #expect(throws: ExpressionError.self) { try Expression("count(..)") }
        #expect(try Expression("position(..) + 1").source == "position(..) + 1")
    }

    // MARK: Evaluating

    private static func instance(_ id: String, _ group: String, parent: String? = nil, order: String, _ answers: [String: JSONValue]) -> RepeatInstance {
        RepeatInstance(id: id, group: group, parent: parent, order: order, answers: answers)
    }

    private static let instances: [String: [RepeatInstance]] = [
        "household": [
            instance("aaaaaaaa", "household", order: "1", ["head": .string("An"), "size": .int(3)]),
            instance("bbbbbbbb", "household", order: "2", ["head": .string("Bert"), "size": .int(1)]),
        ],
        "member": [
            instance("cccccccc", "member", parent: "aaaaaaaa", order: "3", ["member_name": .string("Cas")]),
            instance("dddddddd", "member", parent: "aaaaaaaa", order: "4", ["member_name": .string("Dina")]),
            instance("eeeeeeee", "member", parent: "bbbbbbbb", order: "5", ["member_name": .string("Els")]),
        ],
    ]

    private func value(_ source: String, path: [String] = []) throws -> ExpressionValue {
        let form = try compile(Self.survey)
        let all = Self.instances.values.flatMap { $0 }
        let scope = RepeatScope(form: form, instances: Self.instances, path: path.compactMap { id in all.first { $0.id == id } })
        return try Expression(source).evaluate(ExpressionContext(answers: ["n_households": .int(2)], today: "2025-01-15", repeats: scope))
    }

    @Test("count, sum and indexed-repeat from outside the repeat see every instance")
    func aggregatesFromOutside() throws {
        #expect(try value("count(${household})").number == 2)
        #expect(try value("sum(${size})").number == 4)
        #expect(try value("indexed-repeat(${head}, ${household}, 2)").text == "Bert")
        #expect(try value("indexed-repeat(${head}, ${household}, 3)").text == "")
        #expect(try value("count(${member})").number == 3, "all members of all households")
    }

    @Test("inside an instance, ${name} is that instance's answer, position(..) its number, and a nested count stays within it")
    func insideAnInstance() throws {
        #expect(try value("${head}", path: ["bbbbbbbb"]).text == "Bert")
        #expect(try value("position(..)", path: ["bbbbbbbb"]).number == 2)
        #expect(try value("count(${member})", path: ["aaaaaaaa"]).number == 2)
        #expect(try value("count(${member})", path: ["bbbbbbbb"]).number == 1)
        #expect(try value("${size} > 1", path: ["aaaaaaaa", "dddddddd"]).bool, "an enclosing instance's answer")
        #expect(try value("position(..)", path: ["aaaaaaaa", "dddddddd"]).number == 2)
        #expect(try value("${n_households}", path: ["aaaaaaaa"]).number == 2, "answers outside repeats stay visible")
    }

    @Test("sum() over an unanswered instance is NaN, as XPath and ODK Collect have it")
    func sumOfUnansweredIsNaN() throws {
        let form = try compile(Self.survey)
        var instances = Self.instances
        instances["household"]?.append(Self.instance("ffffffff", "household", order: "9", [:]))
        let context = ExpressionContext(answers: [:], today: "2025-01-15", repeats: RepeatScope(form: form, instances: instances))
        #expect(try Expression("sum(${size})").evaluate(context).number.isNaN)
    }

    // MARK: Fields

    @Test("repeat fields name an instance, and optionally a question; malformed ids are not repeat fields")
    func parsesFields() {
        let marker = RepeatInstance.parseField("repeats.abcd1234")
        #expect(marker?.instance == "abcd1234" && marker?.question == nil)
        let answer = RepeatInstance.parseField("repeats.abcd1234.head.of")
        #expect(answer?.instance == "abcd1234" && answer?.question == "head.of")
        #expect(RepeatInstance.parseField("repeats.ABCD1234") == nil)
        #expect(RepeatInstance.parseField("repeats.abc") == nil)
        #expect(RepeatInstance.parseField("repeats.abcd1234.") == nil)
        #expect(RepeatInstance.parseField("answers.abcd1234") == nil)
        #expect(RepeatInstance.isValidID(RepeatInstance.newID()))
    }

    @Test("instances come from the fields in order; deleted ones, orphans and answers without an instance are left out")
    func instancesFromFields() {
        let marker = { (group: String, parent: String?, order: String) in RepeatInstance.Marker(group: group, parent: parent, order: order).value }
        let fields: [String: JSONValue] = [
            "repeats.bbbbbbbb": marker("household", nil, "2"),
            "repeats.aaaaaaaa": marker("household", nil, "2"),
            "repeats.cccccccc": marker("household", nil, "1"),
            "repeats.aaaaaaaa.head": .string("An"),
            "repeats.aaaaaaaa.size": .null,
            "repeats.dddddddd": RepeatInstance.Marker(group: "household", parent: nil, order: "0", deleted: true).value,
            "repeats.dddddddd.head": .string("gone"),
            "repeats.eeeeeeee": marker("member", "dddddddd", "3"),
            "repeats.ffffffff.head": .string("never made"),
            "answers.n_households": .int(3),
        ]
        let instances = RepeatInstance.instances(inFields: fields)
        #expect(instances["household"]?.map(\.id) == ["cccccccc", "aaaaaaaa", "bbbbbbbb"], "by order, then id")
        #expect(instances["household"]?[1].answers == ["head": .string("An")])
        #expect(instances["member"] == nil, "a member of a deleted household is gone with it")
        #expect(Interview(id: UUID(), fields: fields).repeats == instances)
    }

    @Test("a marker reads back what it wrote, and other shapes are not markers")
    func markerShapes() {
        let marker = RepeatInstance.Marker(group: "member", parent: "aaaaaaaa", order: "0000018f-1")
        #expect(RepeatInstance.Marker(marker.value) == marker)
        #expect(RepeatInstance.Marker(marker.tombstone.value)?.deleted == true)
        #expect(RepeatInstance.Marker(.object(["group": .string("g")])) == nil)
        #expect(RepeatInstance.Marker(.object(["group": .string("g"), "order": .string("1"), "extra": .int(1)])) == nil)
        #expect(RepeatInstance.Marker(.object(["group": .string("g"), "order": .string("1"), "deleted": .bool(false)])) == nil)
        #expect(RepeatInstance.Marker(.null) == nil)
    }

    // MARK: Merging

    /// 200 generated cases: two to four laptops add, answer and delete instances of one interview
    /// offline, then every replica receives everything in its own order.
    @Test("laptops adding instances offline converge on every replica and keep every instance", arguments: 0..<4)
    func instancesConverge(batch: Int) {
        for offset in 0..<50 {
            let seed = UInt64(batch * 50 + offset) &* 6151 &+ 3
            var random = SeededRandom(seed: seed)
            var replicas = (0..<Int.random(in: 2...4, using: &random)).map {
                SimulatedReplica(device: DeviceID(rawValue: "d-laptop\($0)") ?? .server, author: UserID("u-\($0)"))
            }
            var all: [Change] = []
            var made: [String] = []
            var deleted: Set<String> = []
            for step in 0..<Int.random(in: 3...30, using: &random) {
                let index = Int.random(in: 0..<replicas.count, using: &random)
                let physical = Int64(1_700_000_000_000 + step)
                let own = made.filter { id in all.contains { $0.field == "repeats.\(id)" && $0.id.device == replicas[index].clock.device } }
                if own.isEmpty || Bool.random(using: &random) {
                    let id = RepeatInstance.newID()
                    let order = replicas[index].clock.tick(physical: physical).description
                    all.append(replicas[index].edit(Self.key("repeats.\(id)"), value: RepeatInstance.Marker(group: "household", parent: nil, order: order).value, physical: physical))
                    all.append(replicas[index].edit(Self.key("repeats.\(id).head"), value: .string("h\(step)"), physical: physical))
                    made.append(id)
                } else if let id = own.randomElement(using: &random), Int.random(in: 0..<4, using: &random) == 0 {
                    let marker = RepeatInstance.Marker(replicas[index].state.values[Self.key("repeats.\(id)")] ?? nil)
                    if let marker { all.append(replicas[index].edit(Self.key("repeats.\(id)"), value: marker.tombstone.value, physical: physical)) }
                    deleted.insert(id)
                }
            }
            for index in replicas.indices {
                for change in (all + all.prefix(3)).shuffled(using: &random) { replicas[index].receive(change, physical: 1_700_000_001_000) }
            }
            let views = replicas.map { Self.instances($0.state) }
            for view in views.dropFirst() { #expect(view == views[0], "seed \(seed): replicas disagree") }
            #expect(Set(views[0]["household"]?.map(\.id) ?? []) == Set(made).subtracting(deleted), "seed \(seed): an instance was lost or resurrected")
        }
    }

    private static func key(_ field: String) -> FieldKey {
        FieldKey(entity: .interview, entityId: "3f2a1d5e-0000-4000-8000-000000000001", field: field)
    }

    private static func instances(_ state: MergedState) -> [String: [RepeatInstance]] {
        var fields: [String: JSONValue] = [:]
        for (key, value) in state.values { if let value { fields[key.field] = value } }
        return RepeatInstance.instances(inFields: fields)
    }
}
