import BridgeModel

/// The host as one observation found it: plain data, filled by the Engine
/// (`HostSnapshot.take(parts:)`) and compared here, purely, against the expected host.
/// A snapshot holds only the parts it was asked for (`parts`), so a command that needs the
/// host's addresses never pays for entering every container's namespace.
public struct HostSnapshot: Equatable, Sendable {
    public enum Part: Hashable, Sendable, CaseIterable {
        case hostLinks, hostAddresses, hostRoutes
        /// The names in /run/netns.
        case namespaces
        /// The files under /etc/netns/NAME, with their contents.
        case etcNetns
        /// Links, addresses and routes inside each namespace named in `containerNamespaces`.
        case containerNamespaces
        /// `iptables-save`.
        case firewall
        /// bridgectl's own nftables table (read through netlink, never the whole ruleset).
        case nftables
        /// ip_forward and bridge-nf-call-iptables.
        case forwardingSysctls
        /// route_localnet, disable_ipv6 and hairpin of every bridge and bridge port (needs hostLinks).
        case linkSysctls
    }

    public struct Link: Equatable, Sendable {
        public var index: Int32
        public var name: String
        /// "bridge", "veth", ...; nil for a plain device.
        public var kind: String?
        public var mtu: Int
        public var mac: MACAddress?
        public var isUp: Bool
        public var masterIndex: Int32?
        /// IFLA_IFALIAS: bridgectl's mark (see LinkMark).
        public var alias: String?
        /// A veth's peer: its index in the namespace netlink calls `peerNamespaceID` (nil: same one).
        public var peerIndex: Int32?
        public var peerNamespaceID: Int32?

        public init(index: Int32, name: String, kind: String? = nil, mtu: Int = 1500, mac: MACAddress? = nil,
                    isUp: Bool = true, masterIndex: Int32? = nil, alias: String? = nil,
                    peerIndex: Int32? = nil, peerNamespaceID: Int32? = nil) {
            self.index = index; self.name = name; self.kind = kind; self.mtu = mtu; self.mac = mac; self.isUp = isUp
            self.masterIndex = masterIndex; self.alias = alias; self.peerIndex = peerIndex
            self.peerNamespaceID = peerNamespaceID
        }
    }

    public struct Address: Equatable, Sendable {
        public var link: String
        public var address: InterfaceAddress
        public init(link: String, address: InterfaceAddress) { self.link = link; self.address = address }
    }

    /// A main-table IPv4 route; the default route is 0.0.0.0/0.
    public struct Route: Equatable, Sendable {
        public var destination: IPv4Network
        public var gateway: IPv4Address?
        public var link: String?
        public init(destination: IPv4Network, gateway: IPv4Address? = nil, link: String? = nil) {
            self.destination = destination; self.gateway = gateway; self.link = link
        }
        public var isDefault: Bool { destination.prefixLength == 0 }
    }

    /// One network namespace's links, addresses and routes.
    public struct NetworkView: Equatable, Sendable {
        public var links: [Link]
        public var addresses: [Address]
        public var routes: [Route]

        public init(links: [Link] = [], addresses: [Address] = [], routes: [Route] = []) {
            self.links = links; self.addresses = addresses; self.routes = routes
        }

        public func link(named name: String) -> Link? { links.first { $0.name == name } }
        public func link(index: Int32) -> Link? { links.first { $0.index == index } }
        public func addresses(on link: String) -> [InterfaceAddress] {
            addresses.filter { $0.link == link }.map(\.address)
        }
        public var defaultRoute: Route? { routes.first(where: \.isDefault) }
    }

    /// Which parts were taken; the diff says nothing about the others.
    public var parts: Set<Part>
    /// The host's namespace (the parts taken of it).
    public var host: NetworkView
    /// Names in /run/netns.
    public var namespaceNames: Set<String>
    /// /etc/netns/NAME/FILE contents, by NAME then FILE.
    public var etcNetns: [String: [String: String]]
    /// Each namespace entered, by name; a namespace that could not be entered is in
    /// `unreadableNamespaces` with the reason instead.
    public var containerNamespaces: [String: NetworkView]
    public var unreadableNamespaces: [String: String]
    public var firewall: FirewallObservation
    public var nftables: NftObservation = .absent
    /// Sysctl values by key, in the form the planners write them (SysctlKey.forInterface); a key that
    /// could not be read is absent.
    public var sysctls: [String: String]
    /// Bridge ports' hairpin mode, by port name.
    public var hairpin: [String: Bool]

    public init(parts: Set<Part> = [], host: NetworkView = NetworkView(), namespaceNames: Set<String> = [],
                etcNetns: [String: [String: String]] = [:], containerNamespaces: [String: NetworkView] = [:],
                unreadableNamespaces: [String: String] = [:], firewall: FirewallObservation = FirewallObservation(),
                sysctls: [String: String] = [:], hairpin: [String: Bool] = [:]) {
        self.parts = parts; self.host = host; self.namespaceNames = namespaceNames; self.etcNetns = etcNetns
        self.containerNamespaces = containerNamespaces; self.unreadableNamespaces = unreadableNamespaces
        self.firewall = firewall; self.sysctls = sysctls; self.hairpin = hairpin
    }

    /// Subnets the host already uses (interface addresses and routes, loopback and the default
    /// route aside): IPAM's default pools skip them.
    public var subnetClaims: [SubnetClaim] {
        var claims: [SubnetClaim] = []
        for entry in host.addresses where entry.address.ip.octets[0] != 127 {
            claims.append(SubnetClaim(subnet: entry.address.network, owner: "host address \(entry.address) on \(entry.link)"))
        }
        for route in host.routes where !route.isDefault && route.destination.address.octets[0] != 127 {
            claims.append(SubnetClaim(subnet: route.destination,
                                      owner: "host route \(route.destination)\(route.link.map { " dev \($0)" } ?? "")"))
        }
        return claims
    }

    /// The sysctl keys `linkSysctls` reads for a link: bridges' route_localnet and every
    /// bridgectl-relevant link's disable_ipv6 (hairpin is read apart: it is not a sysctl).
    public static func linkSysctlKeys(for link: Link) -> [String] {
        var keys = [SysctlKey.forInterface("net.ipv6.conf", link.name, "disable_ipv6")]
        if link.kind == "bridge" { keys.append(SysctlKey.forInterface("net.ipv4.conf", link.name, "route_localnet")) }
        return keys
    }

    public static let forwardingSysctlKeys = ["net.ipv4.ip_forward", "net.bridge.bridge-nf-call-iptables"]
}
