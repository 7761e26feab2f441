import BridgeModel
import CNI
import Planning
import Testing

private func failure(_ body: () throws -> Void) -> CNIError? {
    do { try body() } catch let error as CNIError { return error } catch { return nil }
    return nil
}

/// The config of shared/spec/cli.md, as podman sends it for ADD (runtimeConfig filled in).
private let podmanAdd = """
    {"cniVersion": "1.0.0", "name": "web", "type": "bridgectl",
     "subnet": "10.88.0.0/16", "gateway": "10.88.0.1", "ipRange": "10.88.1.0/24",
     "icc": false, "internal": false, "ipMasq": true, "mtu": 1400,
     "capabilities": {"portMappings": true, "dns": true, "ips": true, "mac": true},
     "runtimeConfig": {"aliases": {"web": ["db", "3f2a9c1d0b7e"], "other": ["x"]},
                       "portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp", "hostIP": "127.0.0.1"},
                                        {"hostPort": 5353, "containerPort": 53, "protocol": "udp", "hostIP": ""}]}}
    """

@Suite struct CNINetworkConfigTests {
    @Test func readsTheProtocolFields() throws {
        let config = try CNINetworkConfig(parsing: podmanAdd)
        #expect(config.version == .v1_0_0)
        #expect(config.name == "web")
        #expect(config.type == "bridgectl")
        #expect(config.prevResult == nil)
        #expect(config.validAttachments == nil)
        #expect(config.capabilities == ["portMappings": true, "dns": true, "ips": true, "mac": true])
    }

    @Test func mapsTheSettingsToNetworkCreate() throws {
        let request = try CNINetworkConfig(parsing: podmanAdd).networkRequest()
        #expect(request.name == "web")
        #expect(request.driver == "bridge")
        #expect(request.subnet == (try IPv4Network(parsing: "10.88.0.0/16")))
        #expect(request.gateway == IPv4Address("10.88.0.1"))
        #expect(request.ipRange == (try IPv4Network(parsing: "10.88.1.0/24")))
        #expect(!request.isInternal)
        #expect(request.options.map { "\($0.key)=\($0.value)" } == [
            "com.docker.network.bridge.enable_icc=false",
            "com.docker.network.bridge.enable_ip_masquerade=true",
            "com.docker.network.driver.mtu=1400",
        ])
        // The options parse as `network create -o` would have them.
        let options = try NetworkOptions(parsing: request.options)
        #expect(!options.enableICC && options.enableIPMasquerade && options.mtu == 1400)
    }

    @Test func leavesUnsetFieldsToBridgectlsDefaults() throws {
        let request = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n1","type":"bridgectl","internal":true}"#).networkRequest()
        #expect(request.subnet == nil && request.gateway == nil && request.ipRange == nil)
        #expect(request.options.isEmpty)
        #expect(request.isInternal)
    }

    @Test func readsTheCapabilityArguments() throws {
        let runtime = try CNINetworkConfig(parsing: podmanAdd).runtimeConfig()
        #expect(runtime.aliases == ["db", "3f2a9c1d0b7e"])
        #expect(runtime.portMappings == [
            PortBinding(hostIP: IPv4Address("127.0.0.1")!, hostPort: 8080, containerPort: 80, transport: .tcp),
            PortBinding(hostIP: .any, hostPort: 5353, containerPort: 53, transport: .udp),
        ])
        #expect(runtime.ip == nil && runtime.mac == nil)
    }

    @Test func readsIPsAndMACCapabilities() throws {
        let config = try CNINetworkConfig(parsing: """
            {"cniVersion":"1.1.0","name":"n1","type":"bridgectl",
             "runtimeConfig":{"ips":["10.88.0.7/16"],"mac":"02:42:0a:58:00:07","portMappings":[{"hostPort":1,"containerPort":2}]}}
            """)
        let runtime = try config.runtimeConfig()
        #expect(runtime.ip == IPv4Address("10.88.0.7"))
        #expect(runtime.mac?.description == "02:42:0a:58:00:07")
        #expect(runtime.portMappings.first?.transport == .tcp)
    }

    @Test func keepsPrevResultAndReadsBothGCKeys() throws {
        let config = try CNINetworkConfig(parsing: """
            {"cniVersion":"1.1.0","name":"n1","type":"bridgectl","prevResult":{"cniVersion":"1.1.0","interfaces":[{"name":"x","pciID":"0000:01"}]},
             "cni.dev/attachments":[{"containerID":"c1","ifname":"eth0"}]}
            """)
        #expect(config.prevResult?.compact == #"{"cniVersion":"1.1.0","interfaces":[{"name":"x","pciID":"0000:01"}]}"#)
        #expect(config.validAttachments == [CNIAttachmentKey(containerID: "c1", ifName: "eth0")])
        let both = try CNINetworkConfig(parsing: """
            {"cniVersion":"1.1.0","name":"n1","type":"bridgectl","cni.dev/valid-attachments":[],
             "cni.dev/attachments":[{"containerID":"c1","ifname":"eth0"}]}
            """)
        #expect(both.validAttachments == [])
    }

    @Test(arguments: [
        ("not json", CNIError.Code.decodingFailure, "error parsing the network config"),
        ("[]", .decodingFailure, "error parsing the network config"),
        (#"{"name":"n","type":"bridgectl"}"#, .incompatibleVersion, "incompatible CNI versions"),
        (#"{"cniVersion":"0.3.1","name":"n","type":"bridgectl"}"#, .incompatibleVersion, "incompatible CNI versions"),
        (#"{"cniVersion":1,"name":"n","type":"bridgectl"}"#, .decodingFailure, "error decoding the network config"),
        (#"{"cniVersion":"1.1.0","type":"bridgectl"}"#, .invalidNetworkConfig, "missing network name"),
        (#"{"cniVersion":"1.1.0","name":"bad name","type":"bridgectl"}"#, .invalidNetworkConfig, "invalid network name 'bad name'"),
        (#"{"cniVersion":"1.1.0","name":"n"}"#, .invalidNetworkConfig, "missing plugin type"),
        (#"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","prevResult":[]}"#, .decodingFailure, "error decoding the network config"),
        (#"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","capabilities":{"ips":"yes"}}"#, .decodingFailure,
         "error decoding the network config"),
        (#"{"cniVersion":"1.1.0","name":"n","type":"t","cni.dev/valid-attachments":[{"containerID":"c"}]}"#,
         .invalidNetworkConfig, "cni.dev/valid-attachments[0] needs containerID and ifname"),
    ])
    func refusesBadDocumentsWithTheirCode(text: String, code: CNIError.Code, msg: String) {
        let error = failure { _ = try CNINetworkConfig(parsing: text) }
        #expect(error?.code == code)
        #expect(error?.msg == msg)
    }

    @Test(arguments: [
        (#""subnet":"10.88.0.0/33""#, CNIError.Code.invalidNetworkConfig,
         "invalid subnet: invalid CIDR '10.88.0.0/33': expected an IPv4 subnet like 172.20.0.0/16"),
        (#""subnet":"10.88.0.1/16""#, .invalidNetworkConfig, "invalid subnet: invalid subnet '10.88.0.1/16': host bits are set, did you mean 10.88.0.0/16?"),
        (#""subnet":"10.88.0.0/16","gateway":"10.89.0.1""#, .invalidNetworkConfig, "gateway 10.89.0.1 is not in subnet 10.88.0.0/16"),
        (#""gateway":"10.89.0.1""#, .invalidNetworkConfig, "gateway needs a subnet"),
        (#""subnet":"10.88.0.0/16","ipRange":"10.99.0.0/24""#, .invalidNetworkConfig, "ipRange 10.99.0.0/24 is not in subnet 10.88.0.0/16"),
        (#""gateway":"x""#, .invalidNetworkConfig, "invalid gateway 'x': expected an IPv4 address"),
        (#""mtu":"9""#, .decodingFailure, "error decoding the network config: mtu must be a whole number, not a string"),
        (#""mtu":1.5"#, .decodingFailure, "error decoding the network config: mtu must be a whole number, not a number"),
        (#""mtu":40"#, .invalidNetworkConfig, "invalid mtu 40: expected 68 to 65535"),
        (#""icc":"yes""#, .decodingFailure, "error decoding the network config: icc must be true or false, not a string"),
        (#""ipam":{"type":"host-local"}"#, .unsupportedField,
         #"unsupported field "ipam": {"type":"host-local"}: bridgectl allocates addresses itself; use subnet, gateway and ipRange"#),
    ])
    func refusesBadSettingsWithTheirCode(fields: String, code: CNIError.Code, message: String) throws {
        let config = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","# + fields + "}")
        let error = failure { _ = try config.networkRequest() }
        #expect(error?.code == code)
        #expect(error?.message == message)
    }

    @Test(arguments: [
        (#"{"portMappings":{}}"#, CNIError.Code.decodingFailure,
         "error decoding the network config: runtimeConfig.portMappings must be an array, not an object"),
        (#"{"portMappings":[{"hostPort":0,"containerPort":80}]}"#, .invalidNetworkConfig,
         "invalid runtimeConfig.portMappings[0].hostPort 0: expected a port from 1 to 65535"),
        (#"{"portMappings":[{"containerPort":80}]}"#, .invalidNetworkConfig, "runtimeConfig.portMappings[0] has no hostPort"),
        (#"{"portMappings":[{"hostPort":80,"containerPort":80,"protocol":"sctp"}]}"#, .unsupportedField,
         #"unsupported field "runtimeConfig.portMappings[0].protocol": "sctp": bridgectl publishes tcp and udp"#),
        (#"{"portMappings":[{"hostPort":80,"containerPort":80,"hostIP":"::1"}]}"#, .unsupportedField,
         #"unsupported field "runtimeConfig.portMappings[0].hostIP": "::1": bridgectl publishes on IPv4 addresses only"#),
        (#"{"portMappings":[{"hostPort":80,"containerPort":80,"hostIP":"localhost"}]}"#, .invalidNetworkConfig,
         "invalid runtimeConfig.portMappings[0].hostIP 'localhost': expected an IPv4 address"),
        (#"{"aliases":{"n":"db"}}"#, .decodingFailure,
         "error decoding the network config: runtimeConfig.aliases.n must be an array of strings, not a string"),
        (#"{"ips":["fd00::5/64"]}"#, .unsupportedField, #"unsupported field "runtimeConfig.ips": "fd00::5/64": bridgectl networks are IPv4 only"#),
        (#"{"ips":["10.88.0.5/16","10.88.0.6/16"]}"#, .unsupportedField,
         #"unsupported field "runtimeConfig.ips": ["10.88.0.5/16","10.88.0.6/16"]: a bridgectl attachment has one IPv4 address"#),
        (#"{"mac":"ff:ff:ff:ff:ff:ff"}"#, .invalidNetworkConfig,
         "invalid runtimeConfig.mac 'ff:ff:ff:ff:ff:ff': expected a unicast MAC address like 02:42:0a:58:00:05"),
    ])
    func refusesBadCapabilityArguments(runtimeConfig: String, code: CNIError.Code, message: String) throws {
        let config = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","runtimeConfig":"# + runtimeConfig + "}")
        let error = failure { _ = try config.runtimeConfig() }
        #expect(error?.code == code)
        #expect(error?.message == message)
    }

    @Test func aDeleteReadsNoSettings() throws {
        // A DEL must clean up even when the settings would not make a network.
        let config = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","subnet":"bad","ipam":{}}"#)
        #expect(config.name == "n")
    }

    @Test func readsWhereTheStateIsWithTheProtocolFields() throws {
        // Read up front, so a DEL whose other settings are bad still goes to the right state.
        let config = try CNINetworkConfig(parsing: #"""
            {"cniVersion":"1.1.0","name":"n","type":"bridgectl","subnet":"bad",
             "stateRoot":"/srv/bridgectl-podman","firewall":"nftables"}
            """#)
        #expect(config.stateRoot == "/srv/bridgectl-podman")
        #expect(config.firewall == .nftables)
        let plain = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","stateRoot":null}"#)
        #expect(plain.stateRoot == nil && plain.firewall == nil)
        #expect(try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","firewall":"IPTables"}"#).firewall == .iptables)
    }

    @Test(arguments: [
        (#""stateRoot":"var/lib/bridgectl""#, "invalid stateRoot 'var/lib/bridgectl': expected an absolute path (at most 4095 bytes, no control characters)"),
        (#""stateRoot":"""#, "invalid stateRoot '': expected an absolute path (at most 4095 bytes, no control characters)"),
        (#""stateRoot":"/srv/a\nb""#, #"invalid stateRoot '/srv/a\nb': expected an absolute path (at most 4095 bytes, no control characters)"#),
        (#""firewall":"nft""#, "invalid firewall 'nft': expected iptables or nftables"),
        (#""firewall":"""#, "invalid firewall '': expected iptables or nftables"),
    ])
    func refusesAnInvalidStateRootOrFirewallNamingIt(member: String, message: String) {
        let error = failure { _ = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","# + member + "}") }
        #expect(error?.code == .invalidNetworkConfig)
        #expect(error?.message == message)
    }

    @Test func refusesAStateRootLongerThanAPath() {
        let path = "/" + String(repeating: "a", count: 4095)
        let error = failure { _ = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","stateRoot":""# + path + #""}"#) }
        #expect(error?.code == .invalidNetworkConfig)
        #expect(error?.msg == "invalid stateRoot '/" + String(repeating: "a", count: 76) + "...'")
    }

    @Test(arguments: [#""stateRoot":7"#, #""firewall":true"#])
    func refusesAStateRootOrFirewallOfTheWrongType(member: String) {
        let error = failure { _ = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","# + member + "}") }
        #expect(error?.code == .decodingFailure)
    }
}

@Suite struct CNIAttachSettingsTests {
    private func request(_ args: String) throws -> CNIRequest {
        try CNIRequest(environment: ["CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c1", "CNI_NETNS": "/run/netns/x",
                                     "CNI_IFNAME": "eth0", "CNI_ARGS": args])
    }

    @Test func combinesArgsAndRuntimeConfig() throws {
        let settings = try RuntimeAttachRequest(
            request: try request("IgnoreUnknown=1;K8S_POD_NAME=web-1;IP=10.88.0.9;MAC=02:00:00:00:00:09"),
            config: try CNINetworkConfig(parsing: podmanAdd))
        #expect(settings.name == "web-1")
        #expect(settings.staticIP == IPv4Address("10.88.0.9"))
        #expect(settings.mac?.description == "02:00:00:00:00:09")
        #expect(settings.aliases == ["db", "3f2a9c1d0b7e"])
        #expect(settings.ports.count == 2)
        #expect(settings.network.name == "web")
    }

    @Test func anInvalidPodNameIsLeftToTheEngine() throws {
        let settings = try RuntimeAttachRequest(request: try request("K8S_POD_NAME=-bad"), config: try CNINetworkConfig(parsing: podmanAdd))
        #expect(settings.name == nil)
    }

    @Test func argsAndCapabilitiesMustAgree() throws {
        let config = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","runtimeConfig":{"ips":["10.88.0.5/16"]}}"#)
        #expect(try RuntimeAttachRequest(request: try request("IP=10.88.0.5"), config: config).staticIP == IPv4Address("10.88.0.5"))
        let error = failure { _ = try RuntimeAttachRequest(request: try request("IP=10.88.0.6"), config: config) }
        #expect(error?.code == .invalidNetworkConfig)
        #expect(error?.message == "conflicting addresses: CNI_ARGS IP=10.88.0.6 but runtimeConfig.ips gives 10.88.0.5")
    }
}

@Suite struct CNIDeclaredVersionTests {
    @Test func readsTheVersionOfAnOtherwiseBadConfig() {
        #expect(CNINetworkConfig.declaredVersion(in: Array(#"{"cniVersion":"0.4.0","type":"bridgectl"}"#.utf8)) == .v0_4_0)
        #expect(CNINetworkConfig.declaredVersion(in: Array(#"{"cniVersion":"0.3.1"}"#.utf8)) == nil)
        #expect(CNINetworkConfig.declaredVersion(in: Array(#"{"cniVersion":"1.0.0""#.utf8)) == nil)
    }
}
