import BridgeModel
import Testing

@Suite struct ExtraHostTests {
    @Test(arguments: [
        ("db:10.0.0.5", "db", ExtraHost.Target.address(IPv4Address(0x0A00_0005))),
        ("db=10.0.0.5", "db", .address(IPv4Address(0x0A00_0005))),
        ("my.host-name:1.2.3.4", "my.host-name", .address(IPv4Address(0x0102_0304))),
        ("gw:host-gateway", "gw", .hostGateway),
        ("host.docker.internal=host-gateway", "host.docker.internal", .hostGateway),
    ])
    func parsesDockerForms(text: String, name: String, target: ExtraHost.Target) throws {
        let host = try ExtraHost(parsing: text)
        #expect(host == ExtraHost(name: name, target: target))
    }

    @Test(arguments: [
        "db", "db:", "db=", ":10.0.0.5", "=10.0.0.5", "db:10.0.0", "db:10.0.0.256", "db:host-gateway2",
        "db:Host-Gateway", "db:::1", "db: 10.0.0.5", "",
    ])
    func rejectsBadForms(text: String) {
        #expect(throws: ModelError.invalidAddHost(text)) { try ExtraHost(parsing: text) }
    }

    /// The name becomes a word of /etc/netns/NAME/hosts: a space or newline would add entries.
    @Test(arguments: ["-db:1.2.3.4", "d b:1.2.3.4", "db\n6.6.6.6 evil:1.2.3.4", "a..b:1.2.3.4", "db.:1.2.3.4"])
    func rejectsNamesThatAreNotDNSNames(text: String) {
        #expect(throws: ModelError.self) { try ExtraHost(parsing: text) }
        do { _ = try ExtraHost(parsing: text) } catch {
            #expect(error.message.hasPrefix("invalid --add-host name '"))
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func message() {
        #expect(ModelError.invalidAddHost("db").message
                == "invalid --add-host 'db': expected NAME:IP or NAME:host-gateway")
    }
}

@Suite struct KeyValueTests {
    @Test(arguments: [
        ("a=b", "a", "b"),
        ("a=", "a", ""),
        ("a=b=c", "a", "b=c"),
        ("com.docker.network.driver.mtu=1400", "com.docker.network.driver.mtu", "1400"),
        ("key = v", "key ", " v"),
    ])
    func splitsAtFirstEquals(text: String, key: String, value: String) throws {
        let pair = try parseKeyValue(text, flag: "--label")
        #expect(pair.key == key)
        #expect(pair.value == value)
    }

    @Test(arguments: ["=b", "ab", "", "="])
    func rejectsMissingKey(text: String) {
        #expect(throws: ModelError.invalidKeyValue(text, flag: "-o")) { try parseKeyValue(text, flag: "-o") }
    }

    @Test func message() {
        #expect(ModelError.invalidKeyValue("ab", flag: "--aux-address").message
                == "invalid --aux-address 'ab': expected KEY=VALUE")
    }
}
