/// What bridgectl remembers about a network. Persisted as JSON by the state store.
public struct NetworkRecord: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case user, defaultBridge, host, none
    }

    public var id: ObjectID
    public var name: String
    public var kind: Kind
    public var created: String
    public var bridgeName: String
    public var subnet: IPv4Network?
    public var gateway: IPv4Address?
    public var ipRange: IPv4Network?
    public var auxAddresses: [String: IPv4Address]
    public var isInternal: Bool
    public var options: NetworkOptions
    /// The `-o` options exactly as given, for inspect's `Options` (Docker shows what the user set).
    public var rawOptions: [String: String]
    public var labels: [String: String]
    /// Why IPAM passed over default subnets, for `inspect` and `--verbose`.
    public var ipamNotes: [String]
    /// The backend holding the network's rules, set when it is activated; absent in records of
    /// iptables networks (and of every record written before there was a choice).
    public var firewallBackend: FirewallBackend?

    public init(id: ObjectID, name: String, kind: Kind, created: String, bridgeName: String,
                subnet: IPv4Network? = nil, gateway: IPv4Address? = nil, ipRange: IPv4Network? = nil,
                auxAddresses: [String: IPv4Address] = [:], isInternal: Bool = false,
                options: NetworkOptions = NetworkOptions(), rawOptions: [String: String] = [:],
                labels: [String: String] = [:], ipamNotes: [String] = []) {
        self.id = id; self.name = name; self.kind = kind; self.created = created; self.bridgeName = bridgeName
        self.subnet = subnet; self.gateway = gateway; self.ipRange = ipRange; self.auxAddresses = auxAddresses
        self.isInternal = isInternal; self.options = options; self.rawOptions = rawOptions; self.labels = labels
        self.ipamNotes = ipamNotes
    }

    /// Bridge-backed networks own a bridge device and hand out addresses; host and none do not.
    public var isBridged: Bool { kind == .user || kind == .defaultBridge }
    public var firewall: FirewallBackend { firewallBackend ?? .iptables }

    /// The record with its rules in `backend` (iptables stays unwritten, as in older records).
    public func withFirewall(_ backend: FirewallBackend) -> NetworkRecord {
        var record = self
        record.firewallBackend = backend == .iptables ? nil : backend
        return record
    }
    public var driver: String { kind == .host ? "host" : kind == .none ? "null" : "bridge" }
    public var scope: String { "local" }
}

/// One attachment of a container to a bridged network.
public struct Endpoint: Codable, Equatable, Sendable {
    public var networkID: ObjectID
    public var endpointID: ObjectID
    public var interfaceName: String
    public var hostInterfaceName: String
    public var address: IPv4Address
    public var prefixLength: Int
    public var gateway: IPv4Address
    public var mac: MACAddress
    public var aliases: [String]
    /// The address was asked for with `--ip` (Docker reports it as IPAMConfig).
    public var staticAddress: Bool

    public init(networkID: ObjectID, endpointID: ObjectID, interfaceName: String, hostInterfaceName: String,
                address: IPv4Address, prefixLength: Int, gateway: IPv4Address, mac: MACAddress,
                aliases: [String], staticAddress: Bool) {
        self.networkID = networkID; self.endpointID = endpointID; self.interfaceName = interfaceName
        self.hostInterfaceName = hostInterfaceName; self.address = address; self.prefixLength = prefixLength
        self.gateway = gateway; self.mac = mac; self.aliases = aliases; self.staticAddress = staticAddress
    }

    public var interfaceAddress: InterfaceAddress { InterfaceAddress(ip: address, prefixLength: prefixLength) }
}

/// A `/etc/hosts` entry from `--add-host`.
public struct ExtraHost: Codable, Equatable, Sendable {
    public enum Target: Codable, Equatable, Sendable {
        case address(IPv4Address)
        case hostGateway
    }
    public var name: String
    public var target: Target

    public init(name: String, target: Target) { self.name = name; self.target = target }

    /// Docker's forms: NAME:IP, NAME=IP and NAME:host-gateway.
    public init(parsing text: String) throws(ModelError) {
        guard let separator = text.firstIndex(where: { $0 == ":" || $0 == "=" }) else {
            throw ModelError.invalidAddHost(text)
        }
        let name = String(text[..<separator])
        let value = String(text[text.index(after: separator)...])
        guard !name.isEmpty else { throw ModelError.invalidAddHost(text) }
        try Names.validateDomainName(name, kind: "--add-host name")
        if value == "host-gateway" {
            self.init(name: name, target: .hostGateway)
        } else if let ip = IPv4Address(value) {
            self.init(name: name, target: .address(ip))
        } else {
            throw ModelError.invalidAddHost(text)
        }
    }
}

/// What bridgectl remembers about a container (a named network namespace).
public struct ContainerRecord: Codable, Equatable, Sendable {
    public enum NetworkMode: String, Codable, Sendable {
        /// Its own namespace, attached to zero or more bridged networks.
        case bridged
        /// Its own namespace with loopback only.
        case none
        /// The host's namespace, bind-mounted under the container's name.
        case host
    }

    public var id: ObjectID
    public var name: String
    public var created: String
    public var hostname: String
    public var mode: NetworkMode
    public var endpoints: [Endpoint]
    public var dns: [IPv4Address]
    public var dnsSearch: [String]
    public var extraHosts: [ExtraHost]
    /// Published ports; they forward to the address on `publishedNetwork`.
    public var ports: [PortBinding]
    public var publishedNetwork: ObjectID?
    /// Set for a container a runtime made (the CNI plugin attached it): its namespace is the
    /// runtime's, bind-mounted under the container's name. Absent in bridgectl's own records.
    public var runtime: RuntimeAttachment?

    public init(id: ObjectID, name: String, created: String, hostname: String, mode: NetworkMode,
                endpoints: [Endpoint] = [], dns: [IPv4Address] = [], dnsSearch: [String] = [],
                extraHosts: [ExtraHost] = [], ports: [PortBinding] = [], publishedNetwork: ObjectID? = nil,
                runtime: RuntimeAttachment? = nil) {
        self.id = id; self.name = name; self.created = created; self.hostname = hostname; self.mode = mode
        self.endpoints = endpoints; self.dns = dns; self.dnsSearch = dnsSearch; self.extraHosts = extraHosts
        self.ports = ports; self.publishedNetwork = publishedNetwork; self.runtime = runtime
    }

    public func endpoint(on network: ObjectID) -> Endpoint? { endpoints.first { $0.networkID == network } }
}
