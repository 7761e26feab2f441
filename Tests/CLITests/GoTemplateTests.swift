import Testing
@testable import BridgectlCLI

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
