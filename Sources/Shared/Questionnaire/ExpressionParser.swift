import Foundation

/// Turns expression text into an ``Expression/Node`` tree by recursive descent, one level per
/// precedence tier (XPath 1.0 order).
enum ExpressionParser {
    /// Parses `source` completely.
    /// - Throws: `ExpressionError` at the first problem.
    static func parse(_ source: String) throws -> Expression.Node {
        var parser = try State(source: source)
        if parser.tokens.count == 1 { throw parser.error("the expression is empty", at: 0) }
        let node = try parser.parseOr()
        guard case .end = parser.peek.kind else {
            throw parser.error("unexpected \(parser.peek.kind.display)", at: parser.peek.offset)
        }
        return node
    }

    /// A lexical token with its character offset.
    struct Token {
        enum Kind: Equatable {
            case number(Double)
            case string(String)
            case reference(String)
            case dot
            case parent
            case name(String)
            case symbol(String)  // ( ) , = != < <= > >= + - *
            case end

            var display: String {
                switch self {
                case .number(let value): return "number \(ExpressionValue.number(value).text)"
                case .string(let text): return "text '\(text)'"
                case .reference(let name): return "${\(name)}"
                case .dot: return "\".\""
                case .parent: return "\"..\""
                case .name(let name): return "\"\(name)\""
                case .symbol(let symbol): return "\"\(symbol)\""
                case .end: return "end of expression"
                }
            }
        }
        var kind: Kind
        var offset: Int
    }

    struct State {
        let source: String
        var tokens: [Token]
        var position = 0

        init(source: String) throws {
            self.source = source
            self.tokens = try Self.tokenize(source)
        }

        var peek: Token { tokens[min(position, tokens.count - 1)] }

        mutating func advance() -> Token {
            let token = peek
            if position < tokens.count - 1 { position += 1 }
            return token
        }

        func error(_ message: String, at offset: Int?) -> ExpressionError {
            ExpressionError(message: message, offset: offset, source: source)
        }

        // MARK: Grammar

        mutating func parseOr() throws -> Expression.Node {
            var node = try parseAnd()
            while case .name("or") = peek.kind {
                _ = advance()
                node = .binary(.or, node, try parseAnd())
            }
            return node
        }

        mutating func parseAnd() throws -> Expression.Node {
            var node = try parseEquality()
            while case .name("and") = peek.kind {
                _ = advance()
                node = .binary(.and, node, try parseEquality())
            }
            return node
        }

        mutating func parseEquality() throws -> Expression.Node {
            try parseLeftAssociative([.equal, .notEqual]) { try $0.parseRelational() }
        }

        mutating func parseRelational() throws -> Expression.Node {
            try parseLeftAssociative([.less, .lessOrEqual, .greater, .greaterOrEqual]) { try $0.parseAdditive() }
        }

        mutating func parseAdditive() throws -> Expression.Node {
            try parseLeftAssociative([.add, .subtract]) { try $0.parseMultiplicative() }
        }

        mutating func parseMultiplicative() throws -> Expression.Node {
            try parseLeftAssociative([.multiply, .divide, .modulo]) { try $0.parseUnary() }
        }

        mutating func parseLeftAssociative(
            _ operators: [Expression.BinaryOperator], operand: (inout State) throws -> Expression.Node
        ) throws -> Expression.Node {
            var node = try operand(&self)
            while let op = operators.first(where: { matches($0) }) {
                _ = advance()
                node = .binary(op, node, try operand(&self))
            }
            return node
        }

        func matches(_ op: Expression.BinaryOperator) -> Bool {
            switch peek.kind {
            case .symbol(let symbol): return symbol == op.rawValue
            case .name(let name): return (op == .divide || op == .modulo) && name == op.rawValue
            default: return false
            }
        }

        mutating func parseUnary() throws -> Expression.Node {
            if case .symbol("-") = peek.kind {
                _ = advance()
                return .negate(try parseUnary())
            }
            return try parsePrimary()
        }

        mutating func parsePrimary() throws -> Expression.Node {
            let token = advance()
            switch token.kind {
            case .number(let value): return .number(value)
            case .string(let text): return .string(text)
            case .reference(let name): return .reference(name)
            case .dot: return .current
            case .symbol("("):
                let node = try parseOr()
                try expect(")", opening: token.offset)
                return node
            case .name(let name):
                guard case .symbol("(") = peek.kind else {
                    if ["and", "or", "div", "mod"].contains(name) {
                        throw error("\"\(name)\" needs a value on its left", at: token.offset)
                    }
                    return .choiceColumn(name)
                }
                let open = advance()
                guard let function = Expression.Function(rawValue: name) else {
                    let known = Expression.Function.allCases.map { $0.rawValue + "()" }.joined(separator: ", ")
                    throw error("unknown function \(name)(); known: \(known)", at: token.offset)
                }
                var arguments: [Expression.Node] = []
                if function == .position {
                    // `position(..)`: the number of the repeat instance the expression is in.
                    guard case .parent = advance().kind else {
                        throw error("position() takes \"..\" as in position(..): the number of the current repeat instance", at: token.offset)
                    }
                    try expect(")", opening: open.offset)
                } else if case .symbol(")") = peek.kind {
                    _ = advance()
                } else {
                    arguments.append(try parseOr())
                    while case .symbol(",") = peek.kind {
                        _ = advance()
                        arguments.append(try parseOr())
                    }
                    try expect(")", opening: open.offset)
                }
                guard function.arity.contains(arguments.count) else {
                    let range = function.arity
                    let wanted = range.lowerBound == range.upperBound ? "\(range.lowerBound)"
                        : range.upperBound == Int.max ? "at least \(range.lowerBound)"
                        : "\(range.lowerBound) to \(range.upperBound)"
                    throw error("\(name)() takes \(wanted) argument\(wanted == "1" ? "" : "s"), not \(arguments.count)", at: token.offset)
                }
                if function == .regex, case .string(let pattern) = arguments[1] {
                    do {
                        _ = try NSRegularExpression(pattern: pattern)
                    } catch {
                        throw self.error("regex pattern '\(pattern)' does not compile", at: token.offset)
                    }
                }
                return .call(function, arguments)
            case .parent:
                throw error("\"..\" (parent) is only supported in position(..); refer to questions as ${name}", at: token.offset)
            case .end:
                throw error("the expression ends where a value is expected", at: token.offset)
            default:
                throw error("unexpected \(token.kind.display) where a value is expected", at: token.offset)
            }
        }

        mutating func expect(_ symbol: String, opening: Int) throws {
            guard case .symbol(symbol) = peek.kind else {
                throw error("expected \"\(symbol)\" to close the \"(\" at character \(opening + 1), found \(peek.kind.display)", at: peek.offset)
            }
            _ = advance()
        }

        // MARK: Tokens

        static func tokenize(_ source: String) throws -> [Token] {
            let chars = Array(source)
            var tokens: [Token] = []
            var index = 0
            func fail(_ message: String, _ offset: Int) -> ExpressionError {
                ExpressionError(message: message, offset: offset, source: source)
            }
            func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }
            func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
            func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" || c == "." || c == ":" }

            while index < chars.count {
                let c = chars[index]
                let start = index
                if c.isWhitespace {
                    index += 1
                    continue
                }
                if c == "$" {
                    guard index + 1 < chars.count, chars[index + 1] == "{" else {
                        throw fail("\"$\" must start a reference like ${name}", start)
                    }
                    guard let close = chars[(index + 2)...].firstIndex(of: "}") else {
                        throw fail("the reference ${ is never closed with }", start)
                    }
                    let name = String(chars[(index + 2)..<close]).trimmingCharacters(in: .whitespaces)
                    guard let first = name.first, isNameStart(first), name.allSatisfy(isNameChar) else {
                        throw fail("${\(name)} is not a valid question name", start)
                    }
                    tokens.append(Token(kind: .reference(name), offset: start))
                    index = close + 1
                } else if c == "'" || c == "\"" {
                    guard let close = chars[(index + 1)...].firstIndex(of: c) else {
                        throw fail("the text starting with \(c) is never closed", start)
                    }
                    tokens.append(Token(kind: .string(String(chars[(index + 1)..<close])), offset: start))
                    index = close + 1
                } else if isDigit(c) || (c == "." && index + 1 < chars.count && isDigit(chars[index + 1])) {
                    var end = index
                    var seenDot = false
                    while end < chars.count, isDigit(chars[end]) || (chars[end] == "." && !seenDot) {
                        if chars[end] == "." { seenDot = true }
                        end += 1
                    }
                    let text = String(chars[index..<end])
                    guard let value = ExpressionValue.decimal(text) else { throw fail("\(text) is not a number", start) }
                    tokens.append(Token(kind: .number(value), offset: start))
                    index = end
                } else if c == "." {
                    if index + 1 < chars.count, chars[index + 1] == "." {
                        tokens.append(Token(kind: .parent, offset: start))
                        index += 2
                        continue
                    }
                    tokens.append(Token(kind: .dot, offset: start))
                    index += 1
                } else if isNameStart(c) {
                    var end = index + 1
                    while end < chars.count, isNameChar(chars[end]) { end += 1 }
                    // A trailing "-" belongs to a following minus, e.g. `x-1` is unusual but `mod-` is not a name.
                    while end > index + 1, chars[end - 1] == "-" || chars[end - 1] == "." { end -= 1 }
                    tokens.append(Token(kind: .name(String(chars[index..<end])), offset: start))
                    index = end
                } else {
                    let next = index + 1 < chars.count ? chars[index + 1] : nil
                    switch (c, next) {
                    case ("!", "="), ("<", "="), (">", "="):
                        tokens.append(Token(kind: .symbol(String([c, "="])), offset: start))
                        index += 2
                    case ("=", "="):
                        throw fail("\"==\" is not an operator; compare with a single \"=\"", start)
                    case ("&", _), ("|", _):
                        throw fail("\"\(c)\" is not an operator; write \"and\" or \"or\"", start)
                    case ("!", _):
                        throw fail("\"!\" is not an operator; write not(...) or \"!=\"", start)
                    case ("(", _), (")", _), (",", _), ("=", _), ("<", _), (">", _), ("+", _), ("-", _), ("*", _):
                        tokens.append(Token(kind: .symbol(String(c)), offset: start))
                        index += 1
                    case ("/", _):
                        throw fail("\"/\" is not supported; divide with \"div\", refer to questions as ${name}", start)
                    default:
                        throw fail("unexpected character \"\(c)\"", start)
                    }
                }
            }
            tokens.append(Token(kind: .end, offset: chars.count))
            return tokens
        }
    }
}
