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

    @Test(arguments: ["web", "db-1", "a.b.c", "x_y", "1host", "Web.Example", String(repeating: "h", count: 253)])
    func hostNameAccepted(name: String) throws {
        try Names.validateHostName(name, kind: "alias")
    }

    @Test(arguments: ["", ".a", "-a", "a b", "a/b", "a:b", "a@b", String(repeating: "h", count: 254)])
    func hostNameRejected(name: String) {
        #expect(throws: ModelError.invalidName(name, kind: "hostname")) {
            try Names.validateHostName(name, kind: "hostname")
        }
    }
}
