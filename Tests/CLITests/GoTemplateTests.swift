import Testing
@testable import BridgectlCLI
@testable import Templates

let network: JSONValue = .object([
    "Name": .string("app-network"),
    "IPAM": .object(["Driver": .string("default"), "Config": .array([
        .object(["Subnet": .string("172.18.0.0/16"), "Gateway": .string("172.18.0.1")]),
    ])]),
    "Containers": .object([
        ("bbbb", .object(["Name": .string("serveur"), "IPv4Address": .string("172.18.0.2/16")])),
        ("aaaa", .object(["Name": .string("client"), "IPv4Address": .string("172.18.0.3/16")])),
    ]),
    "Labels": .object([]),
])

@Suite struct GoTemplateTests {
    @Test(arguments: [
        ("{{.Name}}", "app-network"),
        ("{{(index .IPAM.Config 0).Gateway}}", "172.18.0.1"),
        ("{{index (index .IPAM.Config 0) \"Subnet\"}}", "172.18.0.0/16"),
        ("{{.IPAM.Config}}", "[{172.18.0.0/16 172.18.0.1}]"),
        ("{{json .Labels}}", "{}"),
        ("{{json .IPAM.Config}}", "[{\"Subnet\":\"172.18.0.0/16\",\"Gateway\":\"172.18.0.1\"}]"),
        ("{{range .Containers}}{{.Name}} {{end}}", "client serveur "),
        ("{{len .Containers}} containers", "2 containers"),
        ("{{.Name | upper}}", "APP-NETWORK"),
        ("{{if .Labels}}labels{{else}}none{{end}}", "none"),
        ("a {{- .Name -}} b", "aapp-networkb"),
        ("{{.Missing}}", "<no value>"),
    ])
    func renders(template: String, expected: String) throws {
        #expect(try GoTemplate(parsing: template).render(network) == expected)
    }

    @Test(arguments: ["{{.Name", "{{range .Containers}}x", "{{nosuch .Name}}", "{{index .IPAM.Config 5}}", "{{.Name.Sub}}"])
    func rejects(template: String) {
        #expect(throws: (any Error).self) { try GoTemplate(parsing: template).render(network) }
    }

    /// `levels` of one kind of nesting, built here so the test log names the kind, not 100 KB.
    static func nested(_ kind: String, levels: Int) -> String {
        switch kind {
        case "parentheses": return "{{" + String(repeating: "(", count: levels) + ".Name" + String(repeating: ")", count: levels) + "}}"
        case "if": return String(repeating: "{{if .Name}}", count: levels) + String(repeating: "{{end}}", count: levels)
        case "range": return String(repeating: "{{range .Containers}}", count: levels) + String(repeating: "{{end}}", count: levels)
        case "fields": return "{{." + Array(repeating: "Name", count: levels).joined(separator: ".") + "}}"
        case "pipes": return "{{.Name" + String(repeating: " | upper", count: levels) + "}}"
        default: return "{{" + String(repeating: "(len ", count: levels) + ".Name" + String(repeating: ")", count: levels) + "}}"
        }
    }

    /// 20000 levels of any kind overflowed the stack (SIGSEGV) before nesting was bounded.
    @Test(arguments: ["parentheses", "if", "range", "fields", "pipes", "calls"])
    func refusesDeepNesting(kind: String) {
        #expect(throws: GoTemplate.TemplateError.self) { try GoTemplate(parsing: Self.nested(kind, levels: 20000)) }
        #expect(GoTemplate.tooDeep.description == "template: nested more than 100 levels deep")
    }

    @Test func nestsAsDeepAsTheBoundAllows() throws {
        let parens = GoTemplate.maximumNesting - 1
        let template = "{{" + String(repeating: "(", count: parens) + "." + String(repeating: ")", count: parens) + "}}"
        #expect(try GoTemplate(parsing: "{{if .}}" + template + "{{end}}").render(.string("x")) == "x")
        let blocks = GoTemplate.maximumNesting - 1
        let nested = String(repeating: "{{if .}}", count: blocks) + "{{.}}" + String(repeating: "{{end}}", count: blocks)
        #expect(try GoTemplate(parsing: nested).render(.string("y")) == "y")
    }
}

@Suite struct JSONValueTests {
    @Test func prettyPrintsLikeDockerInspect() {
        let value: JSONValue = .array([.object(["Name": .string("x"), "Options": .object([]), "List": .array([.int(1), .bool(true), .null])])])
        #expect(value.pretty() == """
            [
                {
                    "Name": "x",
                    "Options": {},
                    "List": [
                        1,
                        true,
                        null
                    ]
                }
            ]
            """)
    }

    @Test func escapesAsGoDoes() {
        #expect(JSONValue.string("a\"b\\c\n<&>\u{1}").compact == "\"a\\\"b\\\\c\\n\\u003c\\u0026\\u003e\\u0001\"")
    }
}

@Suite struct TableTests {
    @Test func padsColumnsToTheWidestCell() {
        var table = Table(["NETWORK ID", "NAME"])
        table.append(["1234", "a-long-name"])
        #expect(table.render() == "NETWORK ID   NAME\n1234         a-long-name")
    }
}
