import BridgeModel
import Testing

@Suite struct NetworkOptionsTests {
    typealias O = NetworkOptions

    @Test func defaultsMatchDocker() throws {
        let options = try NetworkOptions(parsing: [])
        #expect(options == NetworkOptions())
        #expect(options.bridgeName == nil)
        #expect(options.enableICC == true)
        #expect(options.enableIPMasquerade == true)
        #expect(options.hostBindingIPv4 == IPv4Address(0))
        #expect(options.mtu == 1500)
    }

    @Test func keysAreDockers() {
        #expect(O.knownKeys == [
            "com.docker.network.bridge.name",
            "com.docker.network.bridge.enable_icc",
            "com.docker.network.bridge.enable_ip_masquerade",
            "com.docker.network.bridge.host_binding_ipv4",
            "com.docker.network.driver.mtu",
        ])
    }

    @Test func parsesEveryKnownKey() throws {
        let options = try NetworkOptions(parsing: [
            (O.bridgeNameKey, "mybr0"),
            (O.enableICCKey, "false"),
            (O.enableMasqueradeKey, "0"),
            (O.hostBindingKey, "127.0.0.1"),
            (O.mtuKey, "9000"),
        ])
        #expect(options.bridgeName == "mybr0")
        #expect(options.enableICC == false)
        #expect(options.enableIPMasquerade == false)
        #expect(options.hostBindingIPv4 == IPv4Address.loopback)
        #expect(options.mtu == 9000)
    }

    @Test(arguments: [("1", true), ("t", true), ("T", true), ("true", true), ("TRUE", true), ("True", true),
                      ("0", false), ("f", false), ("F", false), ("false", false), ("FALSE", false), ("False", false)])
    func boolsFollowGoParseBool(text: String, value: Bool) throws {
        #expect(try NetworkOptions(parsing: [(O.enableICCKey, text)]).enableICC == value)
        #expect(try NetworkOptions(parsing: [(O.enableMasqueradeKey, text)]).enableIPMasquerade == value)
    }

    @Test(arguments: ["yes", "no", "", "tRuE", "on", "2", " true"])
    func badBool(text: String) {
        #expect(throws: ModelError.invalidOptionValue(key: O.enableICCKey, value: text)) {
            try NetworkOptions(parsing: [(O.enableICCKey, text)])
        }
    }

    @Test(arguments: [("68", 68), ("1500", 1500), ("65535", 65535)])
    func mtuBounds(text: String, value: Int) throws {
        #expect(try NetworkOptions(parsing: [(O.mtuKey, text)]).mtu == value)
    }

    @Test(arguments: ["abc", "67", "0", "65536", "", "-1", "1500.0", " 1500"])
    func badMTU(text: String) {
        #expect(throws: ModelError.invalidOptionValue(key: O.mtuKey, value: text)) {
            try NetworkOptions(parsing: [(O.mtuKey, text)])
        }
    }

    @Test func badHostBinding() {
        #expect(throws: ModelError.invalidOptionValue(key: O.hostBindingKey, value: "1.2.3")) {
            try NetworkOptions(parsing: [(O.hostBindingKey, "1.2.3")])
        }
    }

    @Test func unknownKey() {
        let key = "com.docker.network.bridge.inhibit_ipv4"
        #expect(throws: ModelError.unknownOption(key)) {
            try NetworkOptions(parsing: [(O.mtuKey, "1400"), (key, "true")])
        }
        #expect(ModelError.unknownOption(key).message == "unknown network option '\(key)'")
    }

    @Test func bridgeNameTooLong() {
        #expect(throws: ModelError.interfaceNameTooLong("br-0123456789abc")) {
            try NetworkOptions(parsing: [(O.bridgeNameKey, "br-0123456789abc")])
        }
        #expect(throws: ModelError.invalidInterfaceName("my br")) {
            try NetworkOptions(parsing: [(O.bridgeNameKey, "my br")])
        }
    }

    @Test func lastValueWins() throws {
        let options = try NetworkOptions(parsing: [(O.mtuKey, "1400"), (O.mtuKey, "1450")])
        #expect(options.mtu == 1450)
    }
}
