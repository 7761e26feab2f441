import BridgeModel
@testable import DNS
import Testing

enum World {
    static let bridge = NetworkRecord(id: oid("b0"), name: "bridge", kind: .defaultBridge, created: "t", bridgeName: "bridgectl0",
                                      subnet: try! IPv4Network(parsing: "172.17.0.0/16"), gateway: ip("172.17.0.1"))
    static let host = NetworkRecord(id: oid("b1"), name: "host", kind: .host, created: "t", bridgeName: "")
    static func user(_ name: String, _ id: String, _ prefix: String) -> NetworkRecord {
        NetworkRecord(id: oid(id), name: name, kind: .user, created: "t", bridgeName: "br-\(id)",
                      subnet: try! IPv4Network(parsing: "\(prefix).0/24"), gateway: ip("\(prefix).1"))
    }
    static let front = user("front", "f1", "172.18.0")
    static let back = user("back", "ba", "172.19.0")
    static let side = user("Side", "5d", "172.20.0")
    static let dotted = user("my.net", "d0", "172.21.0")
    static let networks = [bridge, host, front, back, side, dotted]

    static func endpoint(_ network: NetworkRecord, _ host: Int, aliases: [String] = []) -> Endpoint {
        let prefix = network.gateway!.value & 0xFFFF_FF00
        let address = IPv4Address(prefix | UInt32(host))
        return Endpoint(networkID: network.id, endpointID: oid("e\(network.id.hex.prefix(2))\(host)"), interfaceName: "eth0",
                        hostInterfaceName: "veth\(host)", address: address, prefixLength: 24, gateway: network.gateway!,
                        mac: MACAddress(derivedFrom: address), aliases: aliases, staticAddress: false)
    }

    static func container(_ name: String, _ id: String, _ endpoints: [Endpoint]) -> ContainerRecord {
        ContainerRecord(id: oid(id), name: name, created: "t", hostname: name, mode: .bridged, endpoints: endpoints)
    }

    static let web = container("web", "a1", [endpoint(front, 2, aliases: ["www"]), endpoint(back, 2)])
    static let db = container("db", "a2", [endpoint(back, 3, aliases: ["database", "Store"])])
    static let cache1 = container("cache1", "a3", [endpoint(front, 5, aliases: ["cache"])])
    static let cache2 = container("cache2", "a4", [endpoint(front, 4, aliases: ["cache", "CACHE"])])
    static let lonely = container("lonely", "a5", [endpoint(side, 2)])
    static let legacy = container("legacy", "a6", [endpoint(bridge, 2)])
    static let mixed = container("Serveur", "a7", [endpoint(bridge, 3), endpoint(front, 9)])
    static let api = container("api", "a8", [endpoint(dotted, 2), endpoint(front, 10)])
    static let twin = container("twin", "a9", [endpoint(back, 20), endpoint(front, 20)])
    static let hostMode = ContainerRecord(id: oid("aa"), name: "onhost", created: "t", hostname: "h", mode: .host)
    static let containers = [web, db, cache1, cache2, lonely, legacy, mixed, api, twin, hostMode]

    static let table = NameTable(networks: networks, containers: containers)
}

@Suite struct NameTableTests {
    let table = World.table

    func a(_ name: String, from container: ContainerRecord, type: UInt16 = DNSType.a, rotation: Int = 0) -> LookupResult {
        table.lookup(DNSQuestion(name: name, type: type), from: container.id, rotation: rotation)
    }

    func addresses(_ result: LookupResult) -> [String] {
        guard case .answer(let records) = result else { return [] }
        return records.map { record in
            switch record.data {
            case .a(let address): return address.description
            case .ptr(let name): return name
            }
        }
    }

    @Test func sharedNetworkNamesResolveToTheSharedAddress() {
        #expect(a("db", from: World.web) == .answer([ResourceRecord(name: "db", ttl: 600, data: .a(ip("172.19.0.3")))]))
        #expect(addresses(a("web", from: World.db)) == ["172.19.0.2"])      // web's address on back
        #expect(addresses(a("web", from: World.cache1)) == ["172.18.0.2"])  // and on front
        #expect(addresses(a("web", from: World.web)) == ["172.18.0.2"])     // itself, first network first
        #expect(addresses(a("api", from: World.web)) == ["172.18.0.10"])
    }

    @Test func unsharedNamesAreNXDOMAINNotForwarded() {
        #expect(a("db", from: World.cache1) == .nxdomain)
        #expect(a("web", from: World.lonely) == .nxdomain)
        #expect(a("lonely", from: World.web) == .nxdomain)
        #expect(a("database", from: World.cache1) == .nxdomain)
        #expect(a("db", from: World.cache1, type: DNSType.aaaa) == .nxdomain)
        // An unknown requester shares nothing.
        #expect(table.lookup(DNSQuestion(name: "web", type: 1), from: oid("ff"), rotation: 0) == .nxdomain)
        #expect(table.lookup(DNSQuestion(name: "example.com", type: 1), from: oid("ff"), rotation: 0) == .forward)
    }

    @Test func everythingElseIsForwarded() {
        #expect(a("example.com", from: World.web) == .forward)
        #expect(a("www.example.com", from: World.web) == .forward)
        #expect(a("", from: World.web) == .forward)
        #expect(a("localhost", from: World.web) == .forward)
        #expect(a("example.com", from: World.web, type: DNSType.aaaa) == .forward)
        // Other classes (CHAOS "version.bind") are never ours.
        #expect(table.lookup(DNSQuestion(name: "web", type: 16, qclass: 3), from: World.web.id, rotation: 0) == .forward)
    }

    @Test func aliasesArePerNetwork() {
        #expect(addresses(a("www", from: World.cache1)) == ["172.18.0.2"])
        #expect(a("www", from: World.db) == .nxdomain)  // web's alias on front, db only on back
        #expect(addresses(a("database", from: World.web)) == ["172.19.0.3"])
        #expect(addresses(a("store", from: World.twin)) == ["172.19.0.3"])
    }

    @Test func shortIDsResolveAsInDocker() {
        #expect(addresses(a(World.db.id.short, from: World.web)) == ["172.19.0.3"])
        #expect(a(World.db.id.short, from: World.cache1) == .nxdomain)
    }

    @Test func roundRobinRotatesAllAddresses() {
        #expect(addresses(a("cache", from: World.web, rotation: 0)) == ["172.18.0.4", "172.18.0.5"])
        #expect(addresses(a("cache", from: World.web, rotation: 1)) == ["172.18.0.5", "172.18.0.4"])
        #expect(addresses(a("cache", from: World.web, rotation: 2)) == ["172.18.0.4", "172.18.0.5"])
        #expect(addresses(a("cache", from: World.web, rotation: -1)) == ["172.18.0.5", "172.18.0.4"])
        #expect(addresses(a("cache", from: World.web, rotation: Int.min)).count == 2)
        #expect(addresses(a("cache", from: World.web, rotation: Int.max)).count == 2)
        // An alias given twice in different case counts once.
        #expect(addresses(a("CaChE", from: World.cache2)).count == 2)
    }

    @Test func roundRobinOverManyContainers() {
        let many = (1...50).map { World.container("c\($0)", "c\($0)f", [World.endpoint(World.front, 100 + $0, aliases: ["pool"])]) }
        let table = NameTable(networks: World.networks, containers: [World.web] + many)
        var firsts = Set<String>()
        for rotation in 0..<50 {
            let result = table.lookup(DNSQuestion(name: "pool", type: 1), from: World.web.id, rotation: rotation)
            let found = addresses(result)
            #expect(found.count == 50)
            #expect(Set(found).count == 50)
            firsts.insert(found[0])
        }
        #expect(firsts.count == 50)
    }

    @Test func firstSharedNetworkThatKnowsTheNameAnswers() {
        // twin is on back and front; web is on front then back: front's address.
        #expect(addresses(a("twin", from: World.web)) == ["172.18.0.20"])
        #expect(addresses(a("web", from: World.twin)) == ["172.19.0.2"])  // twin's first network is back
    }

    @Test func defaultBridgeGivesNoNames() {
        #expect(a("legacy", from: World.mixed) == .forward)
        #expect(a("legacy", from: World.legacy) == .forward)
        #expect(a("serveur", from: World.legacy) == .nxdomain)  // serveur is a name on front, not shared
        #expect(addresses(a("serveur", from: World.web)) == ["172.18.0.9"])
        #expect(a("PTR-less", from: World.legacy) == .forward)
        #expect(a("2.0.17.172.in-addr.arpa", from: World.mixed, type: DNSType.ptr) == .forward)
        #expect(a("onhost", from: World.web) == .forward)
    }

    @Test func caseInsensitiveWithTrailingDot() {
        let result = a("SERVEUR.", from: World.web)
        #expect(result == .answer([ResourceRecord(name: "SERVEUR.", ttl: 600, data: .a(ip("172.18.0.9")))]))
        #expect(addresses(a("Serveur", from: World.cache1)) == ["172.18.0.9"])
        #expect(addresses(a("DataBase", from: World.web)) == ["172.19.0.3"])
        #expect(addresses(a("WEB.FRONT", from: World.cache1)) == ["172.18.0.2"])
    }

    @Test func qualifiedNames() {
        #expect(addresses(a("web.back", from: World.db)) == ["172.19.0.2"])
        #expect(addresses(a("web.front", from: World.web)) == ["172.18.0.2"])
        #expect(addresses(a("web.back", from: World.web)) == ["172.19.0.2"])
        #expect(addresses(a("www.front", from: World.cache2)) == ["172.18.0.2"])
        #expect(addresses(a("cache.front", from: World.web, rotation: 1)) == ["172.18.0.5", "172.18.0.4"])
        #expect(a("web.front", from: World.db) == .nxdomain)     // exists, db is not on front
        #expect(a("lonely.side", from: World.web) == .nxdomain)
        #expect(addresses(a("lonely.SIDE", from: World.lonely)) == ["172.20.0.2"])
        #expect(a("nobody.front", from: World.web) == .forward)  // a network name is not a zone we own
        // Network names with dots: "api.my.net" is api on my.net.
        #expect(addresses(a("api.my.net", from: World.api)) == ["172.21.0.2"])
        #expect(a("api.my.net", from: World.web) == .nxdomain)
        #expect(a("web.front", from: World.web, type: DNSType.aaaa) == .noData)
    }

    @Test func hostDockerInternalIsTheFirstGateway() {
        #expect(a("host.docker.internal", from: World.web)
                == .answer([ResourceRecord(name: "host.docker.internal", ttl: 600, data: .a(ip("172.18.0.1")))]))
        #expect(addresses(a("Host.Docker.Internal.", from: World.mixed)) == ["172.17.0.1"])
        #expect(addresses(a("host.docker.internal", from: World.twin)) == ["172.19.0.1"])
        #expect(a("host.docker.internal", from: World.web, type: DNSType.aaaa) == .noData)
        #expect(a("host.docker.internal", from: World.hostMode) == .forward)
    }

    @Test func otherTypesForKnownNamesAreNoData() {
        #expect(a("db", from: World.web, type: DNSType.aaaa) == .noData)
        #expect(a("db", from: World.web, type: 15) == .noData)         // MX
        #expect(a("db", from: World.web, type: DNSType.ptr) == .noData)
        #expect(addresses(a("db", from: World.web, type: DNSType.any)) == ["172.19.0.3"])
    }

    @Test func reverseLookups() {
        #expect(a("2.0.18.172.in-addr.arpa", from: World.cache1, type: DNSType.ptr)
                == .answer([ResourceRecord(name: "2.0.18.172.in-addr.arpa", ttl: 600, data: .ptr("web.front"))]))
        #expect(addresses(a("2.0.19.172.IN-ADDR.ARPA.", from: World.db, type: DNSType.ptr)) == ["web.back"])
        #expect(addresses(a("9.0.18.172.in-addr.arpa", from: World.web, type: DNSType.ptr)) == ["Serveur.front"])
        #expect(addresses(a("2.0.21.172.in-addr.arpa", from: World.api, type: DNSType.ptr)) == ["api.my.net"])
        // Known, but on a network the requester does not share: not leaked.
        #expect(a("2.0.20.172.in-addr.arpa", from: World.web, type: DNSType.ptr) == .nxdomain)
        // Unknown addresses, gateways and other shapes go upstream.
        #expect(a("8.8.8.8.in-addr.arpa", from: World.web, type: DNSType.ptr) == .forward)
        #expect(a("1.0.18.172.in-addr.arpa", from: World.web, type: DNSType.ptr) == .forward)
        #expect(a("0.18.172.in-addr.arpa", from: World.web, type: DNSType.ptr) == .forward)
        #expect(a("02.0.18.172.in-addr.arpa", from: World.web, type: DNSType.ptr) == .forward)
        #expect(a("256.0.18.172.in-addr.arpa", from: World.web, type: DNSType.ptr) == .forward)
        #expect(a("1.2.0.18.172.in-addr.arpa", from: World.web, type: DNSType.ptr) == .forward)
        #expect(a("in-addr.arpa", from: World.web, type: DNSType.ptr) == .forward)
        #expect(a(".in-addr.arpa", from: World.web, type: DNSType.ptr) == .forward)
        #expect(a("2.0.18.172.in-addr.arpa", from: World.web, type: DNSType.aaaa) == .noData)
    }

    @Test func countsForStatus() {
        #expect(table.containerCount == World.containers.count)
        #expect(table.nameCount > 10)
    }
}

/// A table kept up to date one change at a time must equal one built from scratch.
@Suite struct NameTableIncrementalTests {
    @Test func singleChanges() {
        var table = NameTable(networks: World.networks, containers: [])
        for container in World.containers { table.upsert(container: container) }
        #expect(table == World.table)

        var moved = World.db
        moved.endpoints = [World.endpoint(World.front, 33, aliases: ["database"])]
        table.upsert(container: moved)
        let others = World.containers.filter { $0.id != moved.id }
        #expect(table == NameTable(networks: World.networks, containers: others + [moved]))
        #expect(table.lookup(DNSQuestion(name: "store", type: 1), from: World.web.id, rotation: 0) == .forward)
        #expect(table.lookup(DNSQuestion(name: "db", type: 1), from: World.cache1.id, rotation: 0)
                == .answer([ResourceRecord(name: "db", ttl: 600, data: .a(ip("172.18.0.33")))]))

        table.remove(containerID: moved.id)
        #expect(table == NameTable(networks: World.networks, containers: others))
        #expect(table.lookup(DNSQuestion(name: "db", type: 1), from: World.web.id, rotation: 0) == .forward)
        table.remove(containerID: moved.id)  // twice is fine
        #expect(table == NameTable(networks: World.networks, containers: others))
    }

    @Test func networksArrivingAfterTheirContainers() {
        var table = NameTable(networks: [], containers: World.containers)
        #expect(table.lookup(DNSQuestion(name: "db", type: 1), from: World.web.id, rotation: 0) == .forward)
        for network in World.networks.reversed() { table.upsert(network: network) }
        #expect(table == World.table)
        // Renaming a network moves its qualified names; removing it drops its names.
        var renamed = World.back
        renamed.name = "backend"
        table.upsert(network: renamed)
        let networks = World.networks.map { $0.id == renamed.id ? renamed : $0 }
        #expect(table == NameTable(networks: networks, containers: World.containers))
        #expect(table.lookup(DNSQuestion(name: "db.backend", type: 1), from: World.web.id, rotation: 0)
                == .answer([ResourceRecord(name: "db.backend", ttl: 600, data: .a(ip("172.19.0.3")))]))
        table.remove(networkID: renamed.id)
        #expect(table == NameTable(networks: networks.filter { $0.id != renamed.id }, containers: World.containers))
        #expect(table.lookup(DNSQuestion(name: "db", type: 1), from: World.web.id, rotation: 0) == .forward)
    }

    /// 2,000 random upserts and removals of containers and networks, compared with a rebuild
    /// after each.
    @Test func randomChangesMatchRebuilds() {
        var generator = SeededGenerator(seed: 42)
        var networks: [ObjectID: NetworkRecord] = [:]
        var containers: [ObjectID: ContainerRecord] = [:]
        var table = NameTable(networks: [], containers: [])
        let pool = [World.bridge, World.front, World.back, World.side, World.dotted]
        let names = ["a", "b", "c", "A", "web", "db"]
        let aliases = ["x", "y", "X", "pool", "web"]
        for step in 0..<2000 {
            switch Int.random(in: 0...9, using: &generator) {
            case 0:
                var network = pool.randomElement(using: &generator)!
                if Bool.random(using: &generator) { network.name += "\(Int.random(in: 0...1, using: &generator))" }
                if Int.random(in: 0...4, using: &generator) == 0 { network.kind = .defaultBridge }
                networks[network.id] = network
                table.upsert(network: network)
            case 1:
                let network = pool.randomElement(using: &generator)!
                networks[network.id] = nil
                table.remove(networkID: network.id)
            case 2, 3:
                let id = oid("c\(Int.random(in: 0...15, using: &generator))f")
                containers[id] = nil
                table.remove(containerID: id)
            default:
                let id = oid("c\(Int.random(in: 0...15, using: &generator))f")
                let endpoints = pool.shuffled(using: &generator).prefix(Int.random(in: 0...3, using: &generator)).map { network in
                    World.endpoint(network, Int.random(in: 2...6, using: &generator),
                                   aliases: Array(aliases.shuffled(using: &generator).prefix(Int.random(in: 0...2, using: &generator))))
                }
                let container = ContainerRecord(id: id, name: names.randomElement(using: &generator)!, created: "t", hostname: "h",
                                                mode: .bridged, endpoints: endpoints)
                containers[id] = container
                table.upsert(container: container)
            }
            let rebuilt = NameTable(networks: Array(networks.values), containers: Array(containers.values))
            #expect(table == rebuilt, "step \(step)")
            if table != rebuilt { return }
        }
    }
}
