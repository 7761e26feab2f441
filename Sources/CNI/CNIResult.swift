import BridgeModel

/// An ADD result in bridgectl's terms, written out in the config's spec version.
public struct CNIResult: Equatable, Sendable {
    public struct Interface: Equatable, Sendable {
        public var name: String
        public var mac: MACAddress?
        public var mtu: Int?
        /// The namespace path for an interface inside the container; nil on the host.
        public var sandbox: String?
        public init(name: String, mac: MACAddress? = nil, mtu: Int? = nil, sandbox: String? = nil) {
            self.name = name; self.mac = mac; self.mtu = mtu; self.sandbox = sandbox
        }
    }

    public struct IPConfig: Equatable, Sendable {
        public var address: InterfaceAddress
        public var gateway: IPv4Address?
        /// Index into `interfaces`.
        public var interface: Int
        public init(address: InterfaceAddress, gateway: IPv4Address?, interface: Int) {
            self.address = address; self.gateway = gateway; self.interface = interface
        }
    }

    public struct Route: Equatable, Sendable {
        public var destination: IPv4Network
        public var gateway: IPv4Address?
        public init(destination: IPv4Network, gateway: IPv4Address?) { self.destination = destination; self.gateway = gateway }
    }

    public struct DNS: Equatable, Sendable {
        public var nameservers: [IPv4Address]
        public var search: [String]
        public var options: [String]
        public init(nameservers: [IPv4Address], search: [String] = [], options: [String] = []) {
            self.nameservers = nameservers; self.search = search; self.options = options
        }
        var isEmpty: Bool { nameservers.isEmpty && search.isEmpty && options.isEmpty }
    }

    public var interfaces: [Interface]
    public var ips: [IPConfig]
    public var routes: [Route]
    public var dns: DNS?

    public init(interfaces: [Interface], ips: [IPConfig], routes: [Route], dns: DNS?) {
        self.interfaces = interfaces; self.ips = ips; self.routes = routes; self.dns = dns
    }

    /// The embedded DNS server's address inside every container on a user network, as Docker's.
    public static let embeddedNameserver = IPv4Address(0x7f00_000b)

    /// What one attachment made: the host end of the veth (on the host, so without sandbox) and
    /// the container's interface in the runtime's namespace, its address and gateway, the
    /// default route (none on an internal network, which has no way out) and the embedded DNS.
    public static func attachment(container: ContainerRecord, network: NetworkRecord, netns: String) -> CNIResult? {
        guard let endpoint = container.endpoint(on: network.id) else { return nil }
        let interfaces = [
            Interface(name: endpoint.hostInterfaceName),
            Interface(name: endpoint.interfaceName, mac: endpoint.mac, mtu: network.options.mtu, sandbox: netns),
        ]
        let ips = [IPConfig(address: endpoint.interfaceAddress, gateway: endpoint.gateway, interface: 1)]
        let routes = network.isInternal
            ? [] : [Route(destination: IPv4Network(containing: .any, prefixLength: 0), gateway: endpoint.gateway)]
        var dns: DNS?
        if network.kind == .user {
            dns = DNS(nameservers: [embeddedNameserver], search: container.dnsSearch.filter { $0 != "." })
        }
        return CNIResult(interfaces: interfaces, ips: ips, routes: routes, dns: dns)
    }

    // MARK: Encoding

    /// 1.1.0 adds `mtu` to interfaces; 0.4.0 has `version` on each IP.
    public func json(version: CNIVersion) -> CNIJSON {
        .object([("cniVersion", .string(version.rawValue))] + members(version: version))
    }

    func members(version: CNIVersion) -> [(key: String, value: CNIJSON)] {
        var members: [(key: String, value: CNIJSON)] = []
        members.append(("interfaces", .array(interfaces.map { $0.json(version: version) })))
        members.append(("ips", .array(ips.map { $0.json(version: version) })))
        if !routes.isEmpty { members.append(("routes", .array(routes.map(\.json)))) }
        if let dns, !dns.isEmpty { members.append(("dns", dns.json)) }
        return members
    }

    /// The result after a previous plugin's: its interfaces, IPs and routes first, unchanged,
    /// then this attachment's, with IP interface indexes moved past the previous interfaces;
    /// its DNS kept, this attachment's nameservers and search domains added after. Any other
    /// key of the previous result goes on as it came.
    public func json(version: CNIVersion, after previous: CNIJSON?) -> CNIJSON {
        guard let previous, let previousMembers = previous.objectMembers else { return json(version: version) }
        func items(_ key: String) -> [CNIJSON] {
            if case .array(let items)? = previous[key] { return items }
            return []
        }
        let offset = items("interfaces").count
        var shifted = self
        for index in shifted.ips.indices { shifted.ips[index].interface += offset }
        let own = Dictionary(uniqueKeysWithValues: shifted.members(version: version).map { ($0.key, $0.value) })
        func ownItems(_ key: String) -> [CNIJSON] {
            if case .array(let items)? = own[key] { return items }
            return []
        }
        var merged = CNIJSON.object(previousMembers).setting("cniVersion", to: .string(version.rawValue))
        for key in ["interfaces", "ips", "routes"] {
            let all = items(key) + ownItems(key)
            if !all.isEmpty { merged = merged.setting(key, to: .array(all)) }
        }
        if let dns = mergedDNS(previous["dns"]) { merged = merged.setting("dns", to: dns) }
        return merged
    }

    private func mergedDNS(_ previous: CNIJSON?) -> CNIJSON? {
        guard let dns, !dns.isEmpty else { return previous }
        guard let previous, case .object = previous else { return dns.json }
        var result = previous
        func strings(_ key: String) -> [CNIJSON] {
            if case .array(let items)? = previous[key] { return items }
            return []
        }
        for (key, values) in [("nameservers", dns.nameservers.map(\.description)), ("search", dns.search), ("options", dns.options)] {
            var list = strings(key)
            for value in values where !list.contains(.string(value)) { list.append(.string(value)) }
            if !list.isEmpty { result = result.setting(key, to: .array(list)) }
        }
        return result
    }
}

extension CNIResult.Interface {
    func json(version: CNIVersion) -> CNIJSON {
        var members: [(key: String, value: CNIJSON)] = [("name", .string(name))]
        if let mac { members.append(("mac", .string(mac.description))) }
        if let mtu, version >= .v1_1_0 { members.append(("mtu", .int(mtu))) }
        if let sandbox, !sandbox.isEmpty { members.append(("sandbox", .string(sandbox))) }
        return .object(members)
    }
}

extension CNIResult.IPConfig {
    func json(version: CNIVersion) -> CNIJSON {
        var members: [(key: String, value: CNIJSON)] = []
        if version < .v1_0_0 { members.append(("version", .string("4"))) }
        members.append(("interface", .int(interface)))
        members.append(("address", .string(address.description)))
        if let gateway { members.append(("gateway", .string(gateway.description))) }
        return .object(members)
    }
}

extension CNIResult.Route {
    var json: CNIJSON {
        var members: [(key: String, value: CNIJSON)] = [("dst", .string(destination.description))]
        if let gateway { members.append(("gw", .string(gateway.description))) }
        return .object(members)
    }
}

extension CNIResult.DNS {
    var json: CNIJSON {
        var members: [(key: String, value: CNIJSON)] = []
        if !nameservers.isEmpty { members.append(("nameservers", .array(nameservers.map { .string($0.description) }))) }
        if !search.isEmpty { members.append(("search", .array(search.map(CNIJSON.string)))) }
        if !options.isEmpty { members.append(("options", .array(options.map(CNIJSON.string)))) }
        return .object(members)
    }
}
