import BridgeModel
import Foundation
import Testing

private func id(_ prefix: String) -> ObjectID {
    ObjectID(prefix + String(repeating: "0", count: 64 - prefix.count))!
}
private func ip(_ text: String) -> IPv4Address { IPv4Address(text)! }

@Suite struct RecordsCodableTests {
    static func network() throws -> NetworkRecord {
        var options = NetworkOptions()
        options.bridgeName = "mybr0"
        options.mtu = 1400
        options.enableICC = false
        return NetworkRecord(
            id: id("0123456789ab"), name: "front", kind: .user, created: "2024-05-01T10:00:00Z",
            bridgeName: "mybr0", subnet: try IPv4Network(parsing: "172.18.0.0/16"), gateway: ip("172.18.0.1"),
            ipRange: try IPv4Network(parsing: "172.18.5.0/24"),
            auxAddresses: ["router": ip("172.18.0.2"), "printer": ip("172.18.0.3")], isInternal: true,
            options: options,
            rawOptions: [NetworkOptions.bridgeNameKey: "mybr0", NetworkOptions.mtuKey: "1400",
                         NetworkOptions.enableICCKey: "false"],
            labels: ["team": "web", "empty": ""],
            ipamNotes: ["172.17.0.0/16 skipped: overlaps the default network 'bridge'"])
    }

    static func container() -> ContainerRecord {
        let endpoint = Endpoint(
            networkID: id("0123456789ab"), endpointID: id("e1"), interfaceName: "eth0",
            hostInterfaceName: "vethc0ffee00", address: ip("172.18.0.2"), prefixLength: 16,
            gateway: ip("172.18.0.1"), mac: MACAddress(derivedFrom: ip("172.18.0.2")), aliases: ["web", "www"],
            staticAddress: true)
        let second = Endpoint(
            networkID: id("abc"), endpointID: id("e2"), interfaceName: "eth1",
            hostInterfaceName: "vethc0ffee01", address: ip("192.168.16.2"), prefixLength: 20,
            gateway: ip("192.168.16.1"), mac: MACAddress(derivedFrom: ip("192.168.16.2")), aliases: [],
            staticAddress: false)
        return ContainerRecord(
            id: id("c0ffee"), name: "c1", created: "2024-05-01T10:00:01Z", hostname: "web", mode: .bridged,
            endpoints: [endpoint, second], dns: [ip("1.1.1.1"), ip("9.9.9.9")], dnsSearch: ["corp.example"],
            extraHosts: [ExtraHost(name: "db", target: .address(ip("10.0.0.5"))),
                         ExtraHost(name: "host.docker.internal", target: .hostGateway)])
    }

    @Test func networkRecordRoundTrips() throws {
        let record = try Self.network()
        let data = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(NetworkRecord.self, from: data) == record)
    }

    @Test(arguments: [NetworkRecord.Kind.defaultBridge, .host, .none])
    func builtinNetworkRecordsRoundTrip(kind: NetworkRecord.Kind) throws {
        let record = NetworkRecord(id: id("b0"), name: "\(kind)", kind: kind, created: "", bridgeName: "")
        let data = try JSONEncoder().encode(record)
        let decoded = try JSONDecoder().decode(NetworkRecord.self, from: data)
        #expect(decoded == record)
        #expect(decoded.subnet == nil)
        #expect(decoded.gateway == nil)
    }

    @Test func networkRecordJSONUsesTextForms() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let object = try JSONSerialization.jsonObject(with: encoder.encode(try Self.network())) as! [String: Any]
        #expect(object["subnet"] as? String == "172.18.0.0/16")
        #expect(object["gateway"] as? String == "172.18.0.1")
        #expect(object["ipRange"] as? String == "172.18.5.0/24")
        #expect(object["kind"] as? String == "user")
        #expect(object["id"] as? String == "0123456789ab" + String(repeating: "0", count: 52))
        #expect(object["auxAddresses"] as? [String: String] == ["router": "172.18.0.2", "printer": "172.18.0.3"])
    }

    @Test func containerRecordRoundTrips() throws {
        let record = Self.container()
        let data = try JSONEncoder().encode(record)
        let decoded = try JSONDecoder().decode(ContainerRecord.self, from: data)
        #expect(decoded == record)
        #expect(decoded.endpoints.map(\.mac.description) == ["02:42:ac:12:00:02", "02:42:c0:a8:10:02"])
        #expect(decoded.extraHosts.map(\.target) == [.address(ip("10.0.0.5")), .hostGateway])
    }

    @Test(arguments: [ContainerRecord.NetworkMode.bridged, .none, .host])
    func containerModesRoundTrip(mode: ContainerRecord.NetworkMode) throws {
        let record = ContainerRecord(id: id("d"), name: "x", created: "", hostname: "x", mode: mode)
        #expect(try JSONDecoder().decode(ContainerRecord.self, from: JSONEncoder().encode(record)) == record)
    }

    @Test func recordHelpers() throws {
        let network = try Self.network()
        #expect(network.isBridged)
        #expect(network.driver == "bridge")
        #expect(network.scope == "local")
        let make = { (kind: NetworkRecord.Kind) in NetworkRecord(id: id("1"), name: "n", kind: kind, created: "", bridgeName: "") }
        #expect(make(.defaultBridge).isBridged && make(.defaultBridge).driver == "bridge")
        #expect(!make(.host).isBridged && make(.host).driver == "host")
        #expect(!make(.none).isBridged && make(.none).driver == "null")

        let container = Self.container()
        #expect(container.endpoint(on: id("abc"))?.interfaceName == "eth1")
        #expect(container.endpoint(on: id("fff")) == nil)
        #expect(container.endpoints[0].interfaceAddress.description == "172.18.0.2/16")
    }
}
