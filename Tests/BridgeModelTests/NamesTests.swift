import BridgeModel
import Testing

@Suite struct NamesTests {
    @Test(arguments: ["a", "web", "my_net.1-2", "A9", "0", "Net-Front", String(repeating: "x", count: 128)])
    func objectNameAccepted(name: String) throws {
        try Names.validateObjectName(name, kind: "network")
    }

    @Test(arguments: ["", "_x", "-x", ".x", "a b", "a/b", "a:b", "héllo", "a\tb", "a@b", String(repeating: "x", count: 129)])
    func objectNameRejected(name: String) {
        #expect(throws: ModelError.invalidName(name, kind: "container")) {
            try Names.validateObjectName(name, kind: "container")
        }
    }

    @Test func objectNameMessage() {
        #expect(ModelError.invalidName("-x", kind: "network").message
                == "invalid network name '-x': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
    }

    @Test(arguments: ["a", "br0", "eth0.100", "bridgectl0", "br-0123456789ab", "123456789012345"])
    func interfaceNameAccepted(name: String) throws {
        try Names.validateInterfaceName(name)
    }

    @Test(arguments: ["", ".", "..", "a/b", "a:b", "a b", "a\tb", "ééééééé"])
    func interfaceNameInvalid(name: String) {
        #expect(throws: ModelError.invalidInterfaceName(name)) { try Names.validateInterfaceName(name) }
    }

    @Test(arguments: ["1234567890123456", "br-0123456789abc", "éééééééé" /* 8 characters, 16 bytes */])
    func interfaceNameOver15BytesTooLong(name: String) {
        #expect(throws: ModelError.interfaceNameTooLong(name)) { try Names.validateInterfaceName(name) }
    }

    @Test func interfaceNameTooLongMessage() {
        #expect(ModelError.interfaceNameTooLong("br-0123456789abc").message
                == "interface name 'br-0123456789abc' is longer than 15 bytes")
    }

    /// Four labels of 63 characters and their dots: 255 bytes, too long; three of 63 and one of
    /// 61: exactly 253.
    static let longestName = [String](repeating: String(repeating: "h", count: 63), count: 3).joined(separator: ".")
        + "." + String(repeating: "h", count: 61)

    @Test(arguments: ["web", "db-1", "a.b.c", "x_y", "1host", "Web.Example", "_srv.example", "a-b.c-d",
                      String(repeating: "h", count: 63), longestName])
    func domainNameAccepted(name: String) throws {
        try Names.validateDomainName(name, kind: "alias")
    }

    @Test(arguments: [
        ("", "it is empty"),
        (".a", "it has an empty label (a leading, trailing or doubled dot)"),
        ("a..b", "it has an empty label (a leading, trailing or doubled dot)"),
        ("a.", "it has an empty label (a leading, trailing or doubled dot)"),
        ("-a", "label '-a' starts or ends with '-'"),
        ("a.b-", "label 'b-' starts or ends with '-'"),
        ("a b", "whitespace is not allowed (only letters, digits, '-', '_' and dots between labels)"),
        ("a\tb", "whitespace is not allowed (only letters, digits, '-', '_' and dots between labels)"),
        ("a\nb", "a newline is not allowed (only letters, digits, '-', '_' and dots between labels)"),
        ("a\u{0}b", "a control character is not allowed (only letters, digits, '-', '_' and dots between labels)"),
        ("a/b", "'/' is not allowed (only letters, digits, '-', '_' and dots between labels)"),
        ("a:b", "':' is not allowed (only letters, digits, '-', '_' and dots between labels)"),
        ("héllo", "'é' is not allowed (only letters, digits, '-', '_' and dots between labels)"),
        (String(repeating: "h", count: 64), "label 'hhhhhhhhhhhhhhhh...' is longer than 63 characters"),
        (longestName + "h", "it is longer than 253 characters"),
    ])
    func domainNameRejected(name: String, reason: String) {
        #expect(throws: ModelError.invalidDomainName(name, kind: "hostname", reason: reason)) {
            try Names.validateDomainName(name, kind: "hostname")
        }
    }

    /// Issue #7: this value wrote a `nameserver 6.6.6.6` line into the container's resolv.conf.
    @Test func searchDomainInjectionRefusedWithTheValueOnOneLine() {
        let injection = "evil.com\nnameserver 6.6.6.6"
        let error = #expect(throws: ModelError.self) { try Names.validateSearchDomain(injection) }
        #expect(error?.message == "invalid --dns-search domain 'evil.com\\nnameserver 6.6.6.6': "
                + "a newline is not allowed (only letters, digits, '-', '_' and dots between labels)")
    }

    @Test(arguments: ["example.com", "example.com.", "corp", ".", "a_b.example"])
    func searchDomainAccepted(domain: String) throws {
        try Names.validateSearchDomain(domain)
    }

    @Test(arguments: ["..", "a..", "-corp", "corp example", "", "a;b"])
    func searchDomainRejected(domain: String) {
        #expect(throws: ModelError.self) { try Names.validateSearchDomain(domain) }
    }

    @Test func printableEscapesControlCharacters() {
        #expect(Names.printable("a\nb\tc\rd\u{0}e\u{1b}f\\g h") == "a\\nb\\tc\\rd\\0e\\u{1b}f\\\\g h")
    }

    @Test(arguments: [
        ModelError.invalidIPv4("1.1.1.1\nnameserver 6.6.6.6"), .invalidCIDR("10.0.0.0/8\n"),
        .invalidKeyValue("a\nb", flag: "--label"), .invalidOptionValue(key: "k", value: "x\ny"),
        .unknownOption("k\nx"), .invalidInterfaceName("br\n0"), .invalidPublish("80\n", reason: "r"),
    ])
    func everyMessageKeepsTheValueOnOneLine(error: ModelError) {
        #expect(!error.message.contains("\n"))
        #expect(error.message.contains("\\n"))
    }

    @Test func objectNameMessageShowsControlCharactersEscaped() {
        #expect(ModelError.invalidName("a\nb", kind: "container").message
                == "invalid container name 'a\\nb': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
    }
}
