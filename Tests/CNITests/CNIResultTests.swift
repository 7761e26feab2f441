import BridgeModel
import CNI
import Testing

private func oid(_ prefix: String) -> ObjectID { ObjectID(prefix + String(repeating: "0", count: 64 - prefix.count))! }

private let network = NetworkRecord(
    id: oid("a1"), name: "web", kind: .user, created: "t", bridgeName: "br-a10000000000",
    subnet: try! IPv4Network(parsing: "10.88.0.0/16"), gateway: IPv4Address("10.88.0.1"))

private let container = ContainerRecord(
    id: oid("c1"), name: "web-1", created: "t", hostname: "web-1", mode: .bridged,
    endpoints: [Endpoint(networkID: oid("a1"), endpointID: oid("e1"), interfaceName: "eth0", hostInterfaceName: "veth1a2b3c4",
                         address: IPv4Address("10.88.0.2")!, prefixLength: 16, gateway: IPv4Address("10.88.0.1")!,
                         mac: MACAddress(bytes: [0x02, 0x42, 0x0a, 0x58, 0x00, 0x02]), aliases: [], staticAddress: false)])

private let netns = "/run/netns/netns-4f1c"

private func result(_ network: NetworkRecord = network) -> CNIResult {
    CNIResult.attachment(container: container, network: network, netns: netns)!
}

/// Golden results: one per spec version, compared as whole documents.
@Suite struct CNIResultTests {
    @Test func version1_1_0() {
        #expect(result().json(version: .v1_1_0).compact == """
            {"cniVersion":"1.1.0",\
            "interfaces":[{"name":"veth1a2b3c4"},{"name":"eth0","mac":"02:42:0a:58:00:02","mtu":1500,"sandbox":"/run/netns/netns-4f1c"}],\
            "ips":[{"interface":1,"address":"10.88.0.2/16","gateway":"10.88.0.1"}],\
            "routes":[{"dst":"0.0.0.0/0","gw":"10.88.0.1"}],\
            "dns":{"nameservers":["127.0.0.11"]}}
            """)
    }

    @Test func version1_0_0HasNoInterfaceMTU() {
        #expect(result().json(version: .v1_0_0).compact == """
            {"cniVersion":"1.0.0",\
            "interfaces":[{"name":"veth1a2b3c4"},{"name":"eth0","mac":"02:42:0a:58:00:02","sandbox":"/run/netns/netns-4f1c"}],\
            "ips":[{"interface":1,"address":"10.88.0.2/16","gateway":"10.88.0.1"}],\
            "routes":[{"dst":"0.0.0.0/0","gw":"10.88.0.1"}],\
            "dns":{"nameservers":["127.0.0.11"]}}
            """)
    }

    @Test func version0_4_0NamesTheIPVersion() {
        #expect(result().json(version: .v0_4_0).compact == """
            {"cniVersion":"0.4.0",\
            "interfaces":[{"name":"veth1a2b3c4"},{"name":"eth0","mac":"02:42:0a:58:00:02","sandbox":"/run/netns/netns-4f1c"}],\
            "ips":[{"version":"4","interface":1,"address":"10.88.0.2/16","gateway":"10.88.0.1"}],\
            "routes":[{"dst":"0.0.0.0/0","gw":"10.88.0.1"}],\
            "dns":{"nameservers":["127.0.0.11"]}}
            """)
    }

    @Test func anInternalNetworkHasNoDefaultRoute() {
        var isolated = network
        isolated.isInternal = true
        let json = result(isolated).json(version: .v1_1_0)
        #expect(json["routes"] == nil)
        #expect(json["dns"]?.compact == #"{"nameservers":["127.0.0.11"]}"#)
    }

    @Test func theNetworkMTUIsTheContainerInterfaces() {
        var small = network
        small.options.mtu = 1400
        #expect(result(small).json(version: .v1_1_0)["interfaces"]?.compact.contains(#""mtu":1400"#) == true)
    }

    @Test func anUnattachedNetworkGivesNoResult() {
        var other = network
        other.id = oid("a2")
        #expect(CNIResult.attachment(container: container, network: other, netns: netns) == nil)
    }

    @Test func afterAPreviousPluginItsEntriesComeFirstAndIndexesShift() throws {
        let previous = try CNIJSON(parsing: """
            {"cniVersion":"1.1.0","interfaces":[{"name":"lo","sandbox":"/run/netns/netns-4f1c"}],
             "ips":[{"interface":0,"address":"127.0.0.1/8"}],"routes":[{"dst":"10.0.0.0/8","table":100}],
             "dns":{"nameservers":["10.0.0.53"],"domain":"example.com"},"x-extra":{"kept":true}}
            """)
        #expect(result().json(version: .v1_1_0, after: previous).compact == """
            {"cniVersion":"1.1.0",\
            "interfaces":[{"name":"lo","sandbox":"/run/netns/netns-4f1c"},{"name":"veth1a2b3c4"},\
            {"name":"eth0","mac":"02:42:0a:58:00:02","mtu":1500,"sandbox":"/run/netns/netns-4f1c"}],\
            "ips":[{"interface":0,"address":"127.0.0.1/8"},{"interface":2,"address":"10.88.0.2/16","gateway":"10.88.0.1"}],\
            "routes":[{"dst":"10.0.0.0/8","table":100},{"dst":"0.0.0.0/0","gw":"10.88.0.1"}],\
            "dns":{"nameservers":["10.0.0.53","127.0.0.11"],"domain":"example.com"},\
            "x-extra":{"kept":true}}
            """)
    }

    @Test func anEmptyPreviousResultGivesTheOwnResult() throws {
        let previous = try CNIJSON(parsing: #"{"cniVersion":"1.0.0"}"#)
        #expect(result().json(version: .v1_0_0, after: previous) == result().json(version: .v1_0_0))
        #expect(result().json(version: .v1_0_0, after: nil) == result().json(version: .v1_0_0))
    }
}

@Suite struct CNIErrorAndVersionTests {
    @Test func errorJSON() {
        let error = CNIError(.invalidNetworkConfig, "invalid subnet", details: "invalid CIDR '10.0.0.0/33'")
        #expect(error.json(version: .v1_0_0).compact
            == #"{"cniVersion":"1.0.0","code":7,"msg":"invalid subnet","details":"invalid CIDR '10.0.0.0/33'"}"#)
        #expect(error.message == "invalid subnet: invalid CIDR '10.0.0.0/33'")
        #expect(CNIError(.pluginNotAvailable, "not ready").json().compact == #"{"cniVersion":"1.1.0","code":50,"msg":"not ready"}"#)
    }

    @Test func reservedCodes() {
        let codes: [CNIError.Code] = [.incompatibleVersion, .unsupportedField, .unknownContainer, .invalidEnvironment, .ioFailure,
                                      .decodingFailure, .invalidNetworkConfig, .tryAgainLater, .pluginNotAvailable, .limitedConnectivity]
        #expect(codes.map(\.rawValue) == [1, 2, 3, 4, 5, 6, 7, 11, 50, 51])
        let own: [CNIError.Code] = [.operationFailed, .networkConflict, .attachmentDiffers, .notPermitted]
        #expect(own.allSatisfy { $0.rawValue >= 100 })
    }

    @Test func versionResult() {
        #expect(CNIVersion.versionResult.compact == #"{"cniVersion":"1.1.0","supportedVersions":["0.4.0","1.0.0","1.1.0"]}"#)
    }

    @Test func versionsOrderAndRefuseOthers() {
        #expect(CNIVersion.v0_4_0 < .v1_0_0 && CNIVersion.v1_0_0 < .v1_1_0)
        for text in ["0.3.1", "1.2.0", "", "1.1"] {
            #expect(throws: CNIError.self) { try CNIVersion(requested: text) }
        }
    }
}
