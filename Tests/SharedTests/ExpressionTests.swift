import Foundation
import Testing
@testable import Shared

@Suite struct ExpressionTests {
    private func value(_ source: String, _ answers: [String: JSONValue] = [:], current: JSONValue? = nil) throws -> ExpressionValue {
        try Expression(source).evaluate(ExpressionContext(answers: answers, current: current, today: "2025-01-15"))
    }

    private func bool(_ source: String, _ answers: [String: JSONValue] = [:], current: JSONValue? = nil) throws -> Bool {
        try Expression(source).evaluateBool(ExpressionContext(answers: answers, current: current, today: "2025-01-15"))
    }

    // MARK: Unanswered semantics

    @Test func unansweredComparesAsEmptyText() throws {
        #expect(try bool("${x} = 'ja'") == false)
        #expect(try bool("${x} != 'ja'") == true)
        #expect(try bool("${x} = ''") == true)
        #expect(try bool("${x} = 'ja'", ["x": .string("ja")]) == true)
        #expect(try bool("${x} != 'ja'", ["x": .string("ja")]) == false)
        #expect(try bool("${x} = 'ja'", ["x": .null]) == false)
    }

    @Test func unansweredNumericComparisonsAreFalse() throws {
        for op in ["<", "<=", ">", ">=", "="] {
            #expect(try bool("${n} \(op) 0") == false, "\(op)")
            #expect(try bool(". \(op) 0") == false, "\(op)")
        }
        #expect(try bool("${n} != 0") == true)
        #expect(try bool("count-selected(${m}) = 0") == true)
        #expect(try bool("string-length(${t}) = 0") == true)
        #expect(try bool("selected(${m}, 'a')") == false)
    }

    // MARK: Operators

    @Test(arguments: [
        ("1 + 2 * 3 = 7", true),
        ("(1 + 2) * 3 = 9", true),
        ("10 - 4 - 3 = 3", true),
        ("7 div 2 = 3.5", true),
        ("7 mod 3 = 1", true),
        ("-7 mod 3 = -1", true),
        ("- 2 * 3 = -6", true),
        ("--2 = 2", true),
        ("1 div 0 > 1000000", true),
        ("1 < 2 and 2 < 3", true),
        ("1 <= 1 and 2 >= 2 and 3 > 2", true),
        ("true() or false() and false()", true),   // and binds tighter: true or (false and false)
        ("(true() or false()) and false()", false),
        ("false() and true() or true()", true),    // (false and true) or true
        ("not(1 = 2)", true),
        ("not(true())", false),
        ("1 = 1 = true()", true),
        ("'a' = \"a\"", true),
        ("'2' = 2", true),
        ("'02' = 2", true),
        ("'abc' < 1", false),
        ("true() = 'x'", true),
        ("0 = false()", true),
        ("1 < 2 = true()", true),                   // relational binds tighter than equality
    ])
    func operators(source: String, expected: Bool) throws {
        #expect(try bool(source) == expected)
    }

    @Test func arithmeticValues() throws {
        #expect(try value("1 + 2 * 3") == .number(7))
        #expect(try value("7 div 2") == .number(3.5))
        #expect(try value("${a} + ${b}", ["a": .int(2), "b": .double(0.5)]) == .number(2.5))
        #expect(try value("${a} * 2").number.isNaN)
        #expect(try value(".5 + 1") == .number(1.5))
    }

    // MARK: Answers and current value

    @Test func currentValue() throws {
        #expect(try bool(". >= 1 and . <= 10", current: .int(4)))
        #expect(try bool(". >= 1 and . <= 10", current: .int(11)) == false)
        #expect(try bool(". > 0", current: .double(0.5)))
        #expect(try bool("string-length(.) >= 3", current: .string("abc")))
        #expect(try bool("string-length() = 3", current: .string("abc")))
    }

    @Test func selectFunctions() throws {
        let answers: [String: JSONValue] = ["m": .array([.string("a"), .string("b")]), "s": .string("b")]
        #expect(try bool("selected(${m}, 'a')", answers))
        #expect(try bool("selected(${m}, 'b')", answers))
        #expect(try bool("selected(${m}, 'c')", answers) == false)
        #expect(try bool("selected(${s}, 'b')", answers))
        #expect(try value("count-selected(${m})", answers) == .number(2))
        #expect(try value("count-selected(${m})", ["m": .array([])]) == .number(0))
        #expect(try bool("count-selected(.) >= 1", current: .array([.string("x")])))
        #expect(try bool("${m} = 'a b'", answers))
    }

    @Test func stringLengthCountsCharacters() throws {
        #expect(try value("string-length('één')") == .number(3))
        #expect(try value("string-length(${t})", ["t": .string("hello world")]) == .number(11))
    }

    @Test func regexSearchesAnywhere() throws {
        #expect(try bool("regex(., '[0-9]{4}')", current: .string("sinds 2019")))
        #expect(try bool("regex(., '^[0-9]{4}$')", current: .string("sinds 2019")) == false)
        #expect(try bool("regex(., '^[0-9]{4}$')", current: .string("2019")))
        #expect(try bool("regex(${mail}, '^[^@]+@[^@]+$')", ["mail": .string("a@b.be")]))
        #expect(try bool("regex(${mail}, '^[^@]+@[^@]+$')") == false)
    }

    @Test func otherFunctions() throws {
        #expect(try value("today()") == .string("2025-01-15"))
        #expect(try bool("today() > '2024-12-31'"))
        #expect(try bool("${d} < today()", ["d": .string("2025-01-14")]))
        #expect(try bool("${d} < today()", ["d": .string("2025-01-16")]) == false)
        #expect(try value("if(${x} = 'ja', 'yes', 'no')", ["x": .string("ja")]) == .string("yes"))
        #expect(try value("if(${x} = 'ja', 'yes', 'no')") == .string("no"))
        #expect(try value("number('3.5') + 1") == .number(4.5))
        #expect(try value("number('abc')").number.isNaN)
        #expect(try value("number('1e3')").number.isNaN)
        #expect(try value("string(3)") == .string("3"))
        #expect(try value("string(2.5)") == .string("2.5"))
        #expect(try value("string(1 = 1)") == .string("true"))
        #expect(try value("coalesce(${x}, 'fallback')") == .string("fallback"))
        #expect(try value("coalesce(${x}, 'fallback')", ["x": .string("v")]) == .string("v"))
        #expect(try value("concat('a', 1, true())") == .string("a1true"))
        #expect(try value("int(-3.7)") == .number(-3))
        #expect(try bool("contains('abc', 'b') and starts-with('abc', 'a')"))
        #expect(try bool("true()") && !(try bool("false()")))
        #expect(try bool("boolean('')") == false)
    }

    // MARK: Parsing

    @Test func referencedNames() throws {
        let expression = try Expression("${a} = 'x' or selected(${b}, 'y') and . > ${c}")
        #expect(expression.referencedNames() == ["a", "b", "c"])
        #expect(try Expression(". > 1").referencedNames().isEmpty)
        #expect(try Expression("name != ${a}").choiceColumnNames() == ["name"])
    }

    @Test func parsesIntoTree() throws {
        let expression = try Expression("1 + 2 * ${x}")
        #expect(expression.root == .binary(.add, .number(1), .binary(.multiply, .number(2), .reference("x"))))
        #expect(try Expression("not(. = 'a')").root == .call(.not, [.binary(.equal, .current, .string("a"))]))
        #expect(try Expression("a or b and c").root == .binary(.or, .choiceColumn("a"), .binary(.and, .choiceColumn("b"), .choiceColumn("c"))))
    }

    @Test(arguments: [
        "${a} = ",
        "(1 + 2",
        "1 + 2)",
        "${a = 'x'",
        "${1a} = 1",
        "'open",
        "${a} == 'x'",
        "${a} && ${b}",
        "foo(1)",
        "selected(${a})",
        "today(1)",
        "regex(., '[')",
        "1 2",
        "",
        "and 1",
        "../x",
        "${a} # 1",
    ])
    func syntaxErrors(source: String) {
        #expect(throws: ExpressionError.self) { try Expression(source) }
    }

    @Test func syntaxErrorSaysWhere() {
        do {
            _ = try Expression("(${a} = 'x'")
            Issue.record("expected a syntax error")
        } catch let error as ExpressionError {
            #expect(error.offset == 11)
            #expect(error.description.contains("expected \")\""))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func codableAsSourceText() throws {
        let expression: Shared.Expression = try Expression("${a} = 'x'")
        let data = try JSONEncoder().encode([expression])
        #expect(String(decoding: data, as: UTF8.self) == #"["${a} = 'x'"]"#)
        #expect(try JSONDecoder().decode([Shared.Expression].self, from: data) == [expression])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Shared.Expression].self, from: Data(#"["(1"]"#.utf8))
        }
    }

    @Test func valueConversions() {
        #expect(ExpressionValue(answer: .array([.string("a"), .string("b")])) == .string("a b"))
        #expect(ExpressionValue(answer: nil) == .string(""))
        #expect(ExpressionValue(answer: .int(3)) == .number(3))
        #expect(ExpressionValue.number(3).text == "3")
        #expect(ExpressionValue.number(.nan).text == "NaN")
        #expect(ExpressionValue.string("1970-01-02").number == 1)
        #expect(ExpressionValue.string(" 42 ").number == 42)
        #expect(ExpressionValue.string("").bool == false)
        #expect(ExpressionValue.number(.nan).bool == false)
    }
}
