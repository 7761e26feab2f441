import BridgeModel
import Planning

/// An ID whose hex starts with `prefix` and is padded with zeros.
func oid(_ prefix: String) -> ObjectID {
    ObjectID(prefix + String(repeating: "0", count: 64 - prefix.count))!
}

func ip(_ text: String) -> IPv4Address { IPv4Address(text)! }
func net(_ text: String) -> IPv4Network { try! IPv4Network(parsing: text) }

enum Fixture {
    static let bridgeID = oid("b0")
    static let hostID = oid("b1")
    static let noneID = oid("b2")

    /// The default network as it is stored before its first use: no subnet yet.
    static let defaultBridge = NetworkRecord(id: bridgeID, name: "bridge", kind: .defaultBridge, created: "t0",
                                             bridgeName: "bridgectl0")
    /// The default network once activated.
    static let activeDefaultBridge = NetworkRecord(id: bridgeID, name: "bridge", kind: .defaultBridge, created: "t0",
                                                   bridgeName: "bridgectl0", subnet: net("172.17.0.0/16"),
                                                   gateway: ip("172.17.0.1"))
    static let host = NetworkRecord(id: hostID, name: "host", kind: .host, created: "t0", bridgeName: "")
    static let none = NetworkRecord(id: noneID, name: "none", kind: .none, created: "t0", bridgeName: "")
    static let builtins = [defaultBridge, host, none]

    static func user(_ name: String, id: ObjectID, subnet: String, isInternal: Bool = false,
                     ipRange: String? = nil, aux: [String: IPv4Address] = [:]) -> NetworkRecord {
        let subnet = net(subnet)
        return NetworkRecord(id: id, name: name, kind: .user, created: "t1", bridgeName: "br-\(id.short)",
                             subnet: subnet, gateway: IPv4Address(subnet.hostRange.lowerBound),
                             ipRange: ipRange.map(net), auxAddresses: aux, isInternal: isInternal)
    }

    static let front = user("front", id: oid("f00d00000001"), subnet: "172.18.0.0/16")
    static let back = user("back", id: oid("bac000000002"), subnet: "172.19.0.0/16", isInternal: true)
    static let side = user("side", id: oid("51de00000003"), subnet: "172.20.0.0/16")

    /// A host where nothing of bridgectl's firewall exists yet: forwarding off, br_netfilter loaded
    /// and on, no other bridged network active.
    static let firewall = FirewallContext(observed: FirewallObservation(), ipForward: "0", bridgeNetfilter: "1",
                                          otherActiveNetworks: false)

    /// `record` with its options changed by `change`.
    static func with(_ record: NetworkRecord, _ change: (inout NetworkOptions) -> Void) -> NetworkRecord {
        var copy = record
        change(&copy.options)
        return copy
    }

    static let containerID = oid("1234567abc")
    static let hostResolver = EtcFiles.ResolverConfig(parsing: "nameserver 10.0.0.53\nsearch example.com\n")

    static let baseHosts = """
        127.0.0.1\tlocalhost
        ::1\tlocalhost ip6-localhost ip6-loopback
        fe00::0\tip6-localnet
        ff00::0\tip6-mcastprefix
        ff02::1\tip6-allnodes
        ff02::2\tip6-allrouters

        """
}

/// Hands out endpoint IDs e1, e2, ... in order.
struct IDSequence {
    var next = 0
    mutating func make() -> ObjectID {
        next += 1
        return oid("e\(next)")
    }
}

extension ContainerPlanner {
    /// `create` with the fixtures' defaults.
    static func create(_ request: ContainerCreateRequest, mode: ContainerRecord.NetworkMode = .bridged,
                       targets: [AttachTarget]) throws -> (ContainerRecord, Plan) {
        var ids = IDSequence()
        return try create(request, id: Fixture.containerID, created: "t2", mode: mode, targets: targets,
                          hostResolver: Fixture.hostResolver, makeID: { ids.make() })
    }
}
