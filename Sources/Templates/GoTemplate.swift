/// The part of Go's text/template that `docker ... --format` users type: field paths
/// (`.IPAM.Config`), `index`, `json`, `join`, `len`, `upper`, `lower`, parentheses, pipes,
/// `range`/`if`/`else`/`end`, and `{{-`/`-}}` trimming. Evaluated over inspect documents.
public struct GoTemplate: Sendable {
    /// How deep parentheses, pipelines, field chains and `if`/`range` blocks may nest in total.
    /// Parsing, rendering and freeing the tree recurse once per level, so without a bound a
    /// long enough template overflows the stack; real `--format` templates nest a few levels.
    public static let maximumNesting = 100

    indirect enum Node: Sendable {
        case text(String)
        case action(Expression)
        case range(Expression, body: [Node], otherwise: [Node])
        case conditional(Expression, body: [Node], otherwise: [Node])
    }

    indirect enum Expression: Sendable {
        case dot
        case field(Expression, String)
        case string(String)
        case number(Int)
        case call(String, [Expression])
    }

    public struct TemplateError: Error, CustomStringConvertible {
        public let description: String
    }

    static let tooDeep = TemplateError(description: "template: nested more than \(maximumNesting) levels deep")

    let nodes: [Node]

    public init(parsing source: String) throws {
        var parser = Parser(source: source)
        let (nodes, terminator) = try parser.parseNodes()
        guard terminator == nil else { throw TemplateError(description: "template: unexpected {{\(terminator!)}}") }
        self.nodes = nodes
    }

    public func render(_ document: JSONValue) throws -> String {
        try Self.render(nodes, dot: document)
    }

    // MARK: Evaluation

    static func render(_ nodes: [Node], dot: JSONValue) throws -> String {
        var out = ""
        for node in nodes {
            switch node {
            case .text(let text): out += text
            case .action(let expression): out += format(try evaluate(expression, dot: dot))
            case .range(let expression, let body, let otherwise):
                let items: [JSONValue]
                switch try evaluate(expression, dot: dot) {
                case .array(let values): items = values
                case .object(let pairs): items = pairs.sorted { $0.0 < $1.0 }.map(\.1)
                default: items = []
                }
                if items.isEmpty { out += try render(otherwise, dot: dot) }
                for item in items { out += try render(body, dot: item) }
            case .conditional(let expression, let body, let otherwise):
                out += try render(truthy(try evaluate(expression, dot: dot)) ? body : otherwise, dot: dot)
            }
        }
        return out
    }

    static func evaluate(_ expression: Expression, dot: JSONValue) throws -> JSONValue {
        switch expression {
        case .dot: return dot
        case .string(let text): return .string(text)
        case .number(let value): return .int(value)
        case .field(let base, let name):
            let value = try evaluate(base, dot: dot)
            guard case .object = value else {
                throw TemplateError(description: "template: can't evaluate field \(name) in type \(typeName(value))")
            }
            return value[name] ?? .null
        case .call(let function, let arguments):
            let values = try arguments.map { try evaluate($0, dot: dot) }
            return try call(function, values)
        }
    }

    static func call(_ function: String, _ arguments: [JSONValue]) throws -> JSONValue {
        switch (function, arguments.count) {
        case ("json", 1): return .string(arguments[0].compact)
        case ("len", 1):
            switch arguments[0] {
            case .array(let items): return .int(items.count)
            case .object(let pairs): return .int(pairs.count)
            case .string(let text): return .int(text.count)
            default: throw TemplateError(description: "template: len of \(typeName(arguments[0]))")
            }
        case ("upper", 1): return .string(format(arguments[0]).uppercased())
        case ("lower", 1): return .string(format(arguments[0]).lowercased())
        case ("join", 2):
            guard case .array(let items) = arguments[0] else { throw TemplateError(description: "template: join needs a list") }
            return .string(items.map(format).joined(separator: format(arguments[1])))
        case ("index", _) where arguments.count >= 2:
            var value = arguments[0]
            for key in arguments.dropFirst() {
                switch (value, key) {
                case (.array(let items), .int(let position)):
                    guard items.indices.contains(position) else {
                        throw TemplateError(description: "template: index out of range: \(position)")
                    }
                    value = items[position]
                case (.object, .string(let name)): value = value[name] ?? .null
                default: throw TemplateError(description: "template: can't index \(typeName(value)) with \(key.compact)")
                }
            }
            return value
        default:
            throw TemplateError(description: "template: function \"\(function)\" not defined or wrong number of arguments")
        }
    }

    static func truthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .array(let items): return !items.isEmpty
        case .object(let pairs): return !pairs.isEmpty
        }
    }

    /// Go's %v: maps as map[k:v], structs (capitalised keys, as Docker's types) as {v v}.
    static func format(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "<no value>"
        case .array(let items): return "[" + items.map(format).joined(separator: " ") + "]"
        case .object(let pairs):
            let isStruct = !pairs.isEmpty && pairs.allSatisfy { $0.0.first?.isUppercase == true }
            if isStruct { return "{" + pairs.map { format($0.1) }.joined(separator: " ") + "}" }
            return "map[" + pairs.sorted { $0.0 < $1.0 }.map { "\($0.0):\(format($0.1))" }.joined(separator: " ") + "]"
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .string: return "string"
        case .int: return "int"
        case .bool: return "bool"
        case .null: return "nil"
        case .array: return "slice"
        case .object: return "map"
        }
    }

    // MARK: Parsing

    /// Levels of `expression`; recursion is safe because every sub-expression was checked.
    static func depth(of expression: Expression) -> Int {
        switch expression {
        case .dot, .string, .number: return 1
        case .field(let base, _): return 1 + depth(of: base)
        case .call(_, let arguments): return 1 + (arguments.map(depth(of:)).max() ?? 0)
        }
    }

    struct Parser {
        let characters: [Character]
        var position = 0
        /// `if`/`range` blocks open around the current position.
        var openBlocks = 0

        init(source: String) { characters = Array(source) }

        /// Parses until end of input or an `end`/`else` action, which it returns.
        mutating func parseNodes() throws -> ([Node], String?) {
            var nodes: [Node] = []
            while position < characters.count {
                guard let open = find("{{", from: position) else {
                    nodes.append(.text(String(characters[position...])))
                    position = characters.count
                    break
                }
                var text = String(characters[position..<open])
                var start = open + 2
                if start < characters.count, characters[start] == "-" {
                    text = String(text.reversed().drop(while: \.isWhitespace).reversed())
                    start += 1
                }
                if !text.isEmpty { nodes.append(.text(text)) }
                guard let close = find("}}", from: start) else { throw TemplateError(description: "template: unclosed action") }
                var end = close
                var trimAfter = false
                if end > start, characters[end - 1] == "-" { end -= 1; trimAfter = true }
                let action = String(characters[start..<end]).trimmingWhitespace()
                position = close + 2
                if trimAfter { while position < characters.count, characters[position].isWhitespace { position += 1 } }

                if action == "end" || action == "else" { return (nodes, action) }
                if action.hasPrefix("range ") || action.hasPrefix("if ") {
                    let isRange = action.hasPrefix("range ")
                    let expression = try parseExpression(String(action.dropFirst(isRange ? 6 : 3)))
                    openBlocks += 1
                    defer { openBlocks -= 1 }
                    guard openBlocks + GoTemplate.depth(of: expression) <= GoTemplate.maximumNesting else { throw GoTemplate.tooDeep }
                    let (body, terminator) = try parseNodes()
                    var otherwise: [Node] = []
                    if terminator == "else" {
                        let (elseBody, elseTerminator) = try parseNodes()
                        guard elseTerminator == "end" else { throw TemplateError(description: "template: missing {{end}}") }
                        otherwise = elseBody
                    } else if terminator != "end" {
                        throw TemplateError(description: "template: missing {{end}}")
                    }
                    nodes.append(isRange ? .range(expression, body: body, otherwise: otherwise)
                                         : .conditional(expression, body: body, otherwise: otherwise))
                } else {
                    nodes.append(.action(try parseExpression(action)))
                }
            }
            return (nodes, nil)
        }

        func find(_ needle: String, from start: Int) -> Int? {
            let pattern = Array(needle)
            var index = start
            while index + pattern.count <= characters.count {
                if Array(characters[index..<index + pattern.count]) == pattern { return index }
                index += 1
            }
            return nil
        }

        func parseExpression(_ text: String) throws -> Expression {
            var lexer = Lexer(Array(text), outerNesting: openBlocks)
            let expression = try lexer.pipeline()
            guard lexer.atEnd else { throw TemplateError(description: "template: unexpected \"\(lexer.rest)\" in \(text)") }
            return expression
        }
    }

    /// Tokens and precedence of one action: pipeline := command ('|' command)*.
    struct Lexer {
        let characters: [Character]
        var position = 0
        /// Blocks around this action plus parentheses open at `position`.
        var nesting: Int

        init(_ characters: [Character], outerNesting: Int) {
            self.characters = characters
            nesting = outerNesting
        }

        /// `expression`, once it is known not to nest too deep with what surrounds it.
        func bounded(_ expression: Expression) throws -> Expression {
            guard nesting + GoTemplate.depth(of: expression) <= GoTemplate.maximumNesting else { throw GoTemplate.tooDeep }
            return expression
        }

        var atEnd: Bool { mutating get { skipSpaces(); return position >= characters.count } }
        var rest: String { String(characters[position...]) }

        mutating func skipSpaces() { while position < characters.count, characters[position].isWhitespace { position += 1 } }

        mutating func pipeline() throws -> Expression {
            var expression = try command()
            while true {
                skipSpaces()
                guard position < characters.count, characters[position] == "|" else { return expression }
                position += 1
                guard case .call(let name, let arguments) = try command() else {
                    throw TemplateError(description: "template: only a function can follow |")
                }
                expression = try bounded(.call(name, arguments + [expression]))
            }
        }

        mutating func command() throws -> Expression {
            var operands: [Expression] = []
            var function: String?
            while true {
                skipSpaces()
                guard position < characters.count, characters[position] != "|", characters[position] != ")" else { break }
                if operands.isEmpty && function == nil, characters[position].isLetter {
                    function = identifier()
                    continue
                }
                operands.append(try operand())
            }
            if let function { return try bounded(.call(function, operands)) }
            guard operands.count == 1 else { throw TemplateError(description: "template: expected one value, got \(operands.count)") }
            return operands[0]
        }

        mutating func operand() throws -> Expression {
            var base: Expression
            let character = characters[position]
            if character == "(" {
                position += 1
                nesting += 1
                defer { nesting -= 1 }
                guard nesting <= GoTemplate.maximumNesting else { throw GoTemplate.tooDeep }
                base = try pipeline()
                skipSpaces()
                guard position < characters.count, characters[position] == ")" else { throw TemplateError(description: "template: missing )") }
                position += 1
            } else if character == "\"" {
                position += 1
                var text = ""
                while position < characters.count, characters[position] != "\"" {
                    if characters[position] == "\\", position + 1 < characters.count { position += 1 }
                    text.append(characters[position])
                    position += 1
                }
                guard position < characters.count else { throw TemplateError(description: "template: unterminated string") }
                position += 1
                return .string(text)
            } else if character.isNumber || character == "-" {
                var text = String(character)
                position += 1
                while position < characters.count, characters[position].isNumber { text.append(characters[position]); position += 1 }
                guard let number = Int(text) else { throw TemplateError(description: "template: bad number \(text)") }
                return .number(number)
            } else if character == "." || character == "$" {
                base = .dot
                if character == "$" { position += 1 }
            } else {
                throw TemplateError(description: "template: unexpected \"\(character)\"")
            }
            // Field chain: .A.B after a term (or a bare "." for dot itself).
            while position < characters.count, characters[position] == "." {
                position += 1
                let name = identifier()
                if !name.isEmpty { base = try bounded(.field(base, name)) }
            }
            return base
        }

        mutating func identifier() -> String {
            var name = ""
            while position < characters.count, characters[position].isLetter || characters[position].isNumber || characters[position] == "_" {
                name.append(characters[position])
                position += 1
            }
            return name
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
