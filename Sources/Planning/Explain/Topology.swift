import BridgeModel

/// What `bridgectl explain` draws: the networks as the kernel holds them (links, indexes,
/// addresses, routes, files and rules from one HostSnapshot), named and grouped by the records,
/// with every drift `ExpectedHost.drifts(from:)` found put on the object it is about. Built
/// purely, so each renderer (text, dot, mermaid) draws the same thing and is tested on fixtures.
public struct Topology: Equatable, Sendable {
    public enum Scope: Equatable, Sendable {
        case everything
        case network(String)
        case container(String)
    }

    /// The host's way out: its default route.
    public struct Uplink: Equatable, Sendable {
        public var link: String
        public var addresses: [InterfaceAddress]
        public var gateway: IPv4Address?
    }

    /// A bridgectl rule in the firewall, with its words. `missing`: the state calls for it and
    /// the kernel lacks it.
    public struct Rule: Equatable, Sendable {
        /// "filter"/"nat" for iptables; "" for nftables, where `chain` says it all.
        public var table: String
        /// An iptables chain, or where it is in bridgectl's nftables table: "chain forward",
        /// "map published-any-address".
        public var chain: String
        public var meaning: RuleMeaning
        public var missing: Bool

        /// "filter BRIDGECTL-FORWARD", "chain forward-br-1f2e…".
        public var place: String { table.isEmpty ? chain : "\(table) \(chain)" }
    }

    /// One container's attachment to a network: the veth pair (host end on the bridge, peer in
    /// the container's namespace) and what the namespace holds.
    public struct Attachment: Equatable, Sendable {
        public var container: String
        public var namespacePath: String
        public var hostVeth: String
        /// nil: the kernel has no such link.
        public var hostVethIndex: Int32?
        /// The bridge the host end is a port of, as observed; nil when on none.
        public var bridgePort: String?
        public var interface: String
        public var interfaceIndex: Int32?
        /// Observed in the namespace (the record's when the namespace could not be read).
        public var addresses: [InterfaceAddress]
        public var mac: MACAddress?
        /// The namespace's routes, as `ip route` words ("default via 172.18.0.1 dev eth0").
        public var routes: [String]
        public var nameservers: [String]
        /// `docker ps` form: "0.0.0.0:8080->80/tcp".
        public var ports: [String]
        public var drifts: [String]
    }

    public struct Network: Equatable, Sendable {
        public var name: String
        public var bridge: String
        /// nil: the kernel has no such bridge.
        public var bridgeIndex: Int32?
        public var subnet: IPv4Network?
        /// The bridge's addresses as observed.
        public var addresses: [InterfaceAddress]
        public var mtu: Int?
        public var mac: MACAddress?
        public var icc: Bool
        public var masquerade: Bool
        public var isInternal: Bool
        public var attachments: [Attachment]
        /// Containers on it left out of a container-scoped picture.
        public var otherContainers: [String]
        /// The other bridgectl networks it is kept apart from.
        public var isolatedFrom: [String]
        /// "0.0.0.0:8080 -> web 172.18.0.2:80/tcp".
        public var published: [String]
        public var rules: [Rule]
        /// Its rules are in bridgectl's nftables table, not in iptables.
        public var nftables: Bool = false
        public var drifts: [String]
    }

    public var scope: Scope
    public var uplink: Uplink?
    /// net.ipv4.ip_forward as read.
    public var ipForward: String?
    public var networks: [Network]
    /// The chains and jumps every bridgectl network goes through.
    public var sharedRules: [Rule]
    /// The shared rules are nftables' base chains.
    public var sharedRulesAreNftables: Bool = false
    /// Drifts about nothing drawn (orphans, the resolver, ip_forward, shared chains).
    public var hostDrifts: [String]
    /// Containers in the host's namespace or with loopback only (`--network host|none`).
    public var otherModes: [String]

    public init(scope: Scope, uplink: Uplink? = nil, ipForward: String? = nil, networks: [Network] = [],
                sharedRules: [Rule] = [], hostDrifts: [String] = [], otherModes: [String] = []) {
        self.scope = scope; self.uplink = uplink; self.ipForward = ipForward; self.networks = networks
        self.sharedRules = sharedRules; self.hostDrifts = hostDrifts; self.otherModes = otherModes
    }

    /// Every drift sentence the picture carries.
    public var allDrifts: [String] {
        hostDrifts + networks.flatMap { network in network.drifts + network.attachments.flatMap(\.drifts) }
    }

    /// Builds the picture for `scope` from the records, one observation of the host (every part
    /// taken) and the drifts found by comparing it with `expected`. `namespaceDirectory` is where
    /// `ip netns` keeps its namespaces (HostSystem knows it; Planning does not read the host).
    public static func build(scope: Scope, networks records: [NetworkRecord], containers: [ContainerRecord],
                             expected: ExpectedHost, observed: HostSnapshot, drifts: [Drift],
                             namespaceDirectory: String = "/run/netns") -> Topology {
        let active = Set(expected.bridges.map(\.name))
        let bridged = records.filter { $0.isBridged && active.contains($0.bridgeName) }
        var shown = bridged
        var shownContainers = containers
        switch scope {
        case .everything: break
        case .network(let name):
            shown = bridged.filter { $0.name == name }
            let ids = Set(shown.map(\.id))
            shownContainers = containers.filter { $0.endpoints.contains { ids.contains($0.networkID) } }
        case .container(let name):
            shownContainers = containers.filter { $0.name == name }
            let ids = Set(shownContainers.flatMap { $0.endpoints.map(\.networkID) })
            shown = bridged.filter { ids.contains($0.id) }
        }
        let placement = DriftPlacement(drifts: drifts, networks: records, containers: containers)
        var topology = Topology(scope: scope)
        topology.uplink = observed.host.defaultRoute.flatMap { route in
            route.link.map { Uplink(link: $0, addresses: observed.host.addresses(on: $0), gateway: route.gateway) }
        }
        topology.ipForward = observed.sysctls["net.ipv4.ip_forward"]
        let observedRules = observed.firewall.rules
        func rule(_ expectedRule: ExpectedHost.Rule) -> Rule? {
            RuleMeaning.of(table: expectedRule.table, chain: expectedRule.chain, spec: expectedRule.spec).map {
                Rule(table: expectedRule.table, chain: expectedRule.chain, meaning: $0,
                     missing: !observedRules.contains(expectedRule.observationKey))
            }
        }
        topology.sharedRules = expected.rules.filter { $0.owner == .bridgectl }.compactMap(rule)
        // The nftables backend's rules and elements: those the planned ops leave standing.
        let nftRules = standingNftOps(expected.nftOps).compactMap { op -> Rule? in
            guard let meaning = RuleMeaning.of(nft: op), let place = RuleMeaning.nftPlace(of: op) else { return nil }
            return Rule(table: "", chain: place, meaning: meaning, missing: !holds(observed.nftables, op))
        }
        if !nftRules.isEmpty {
            topology.sharedRules += nftRules.filter { $0.meaning.owner == .bridgectl }
            topology.sharedRulesAreNftables = topology.sharedRules.allSatisfy(\.table.isEmpty)
        }
        for record in shown {
            let onIt = containers.filter { $0.endpoint(on: record.id) != nil }
            let drawn = onIt.filter { container in shownContainers.contains { $0.id == container.id } }
            let bridgeLink = observed.host.link(named: record.bridgeName)
            let publishers = Set(onIt.filter { $0.publishedNetwork == record.id }.map(\.name))
            var network = Network(
                name: record.name, bridge: record.bridgeName, bridgeIndex: bridgeLink?.index, subnet: record.subnet,
                addresses: observed.host.addresses(on: record.bridgeName), mtu: bridgeLink?.mtu, mac: bridgeLink?.mac,
                icc: record.options.enableICC, masquerade: !record.isInternal && record.options.enableIPMasquerade,
                isInternal: record.isInternal, attachments: [],
                otherContainers: onIt.filter { container in !drawn.contains { $0.id == container.id } }.map(\.name),
                isolatedFrom: bridged.filter { $0.id != record.id }.map(\.name), published: [], rules: [],
                drifts: placement.network(record.name))
            for container in drawn {
                guard let endpoint = container.endpoint(on: record.id) else { continue }
                network.attachments.append(attachment(container, endpoint, observed: observed, placement: placement,
                                                      namespaceDirectory: namespaceDirectory,
                                                      publishes: container.publishedNetwork == record.id))
                if container.publishedNetwork == record.id {
                    network.published += PortBinding.joined(container.ports).map { binding in
                        "\(binding.hostIP):\(portText(binding.hostPorts)) -> \(container.name) "
                            + "\(endpoint.address):\(portText(binding.containerPorts))/\(binding.transport.rawValue)"
                    }
                }
            }
            let drawnNames = Set(drawn.map(\.name))
            network.rules = expected.rules.filter { candidate in
                switch candidate.owner {
                case .network(let name): return name == record.name
                case .container(let name): return publishers.contains(name) && drawnNames.contains(name)
                case .bridgectl: return false
                }
            }.compactMap(rule)
            if record.firewall == .nftables {
                network.nftables = true
                network.rules += nftRules.filter { candidate in
                    switch candidate.meaning.owner {
                    case .network(let name): return name == record.name
                    case .container(let name): return publishers.contains(name) && drawnNames.contains(name)
                    case .bridgectl: return false
                    }
                }
            }
            topology.networks.append(network)
        }
        topology.hostDrifts = placement.host(showingEverything: scope == .everything)
        // A drift about nothing drawn (a container's loopback, a --network none container) is
        // still said, at the host, when it concerns what the picture shows.
        let said = Set(topology.allDrifts)
        let drawnOwners = Set(shown.map { HostOwner.network($0.name) } + shownContainers.map { HostOwner.container($0.name) })
        for drift in drifts where !said.contains(drift.description) {
            if scope == .everything || drift.owner.map(drawnOwners.contains) == true {
                topology.hostDrifts.append(drift.description)
            }
        }
        topology.otherModes = shownContainers.filter { $0.mode != .bridged }.map { "\($0.name) (--network \($0.mode.rawValue))" }
        return topology
    }

    /// The rule and element additions of `ops` still standing after all of them ran (a flush
    /// drops a chain's rules, the shared setup sent with every network refills the base chains,
    /// a deletion removes an element), in the order they were added.
    static func standingNftOps(_ ops: [NftOp]) -> [NftOp] {
        var standing: [NftOp] = []
        for op in ops {
            switch op {
            case .addRule: standing.append(op)
            case .addElement(let set, let element):
                standing.removeAll { if case .addElement(set, let old) = $0 { return old.key == element.key }; return false }
                standing.append(op)
            case .flushChain(let chain), .deleteChain(let chain):
                standing.removeAll { if case .addRule(chain, _, _) = $0 { return true }; return false }
            case .deleteElement(let set, let element):
                standing.removeAll { if case .addElement(set, let old) = $0 { return old.key == element.key }; return false }
            case .deleteSet(let set):
                standing.removeAll { if case .addElement(set, _) = $0 { return true }; return false }
            case .deleteTable: standing = []
            case .addTable, .addChain, .addSet: break
            }
        }
        return standing
    }

    /// Whether the table read back holds the rule (by its comment in that chain) or the element.
    static func holds(_ table: NftObservation, _ op: NftOp) -> Bool {
        switch op {
        case .addRule(let chain, _, let comment): return table.rules[chain]?.contains(NftComment.full(comment)) ?? false
        case .addElement(let set, let element): return table.elements[set]?.contains(NftObservedElement(element)) ?? false
        default: return true
        }
    }

    static func attachment(_ container: ContainerRecord, _ endpoint: Endpoint, observed: HostSnapshot,
                           placement: DriftPlacement, namespaceDirectory: String, publishes: Bool) -> Attachment {
        let veth = observed.host.link(named: endpoint.hostInterfaceName)
        let view = observed.containerNamespaces[container.name]
        let peer = view?.link(named: endpoint.interfaceName)
        let resolver = observed.etcNetns[container.name]?["resolv.conf"].map(EtcFiles.ResolverConfig.init(parsing:))
        return Attachment(
            container: container.name, namespacePath: "\(namespaceDirectory)/\(container.name)",
            hostVeth: endpoint.hostInterfaceName, hostVethIndex: veth?.index,
            bridgePort: veth?.masterIndex.flatMap { observed.host.link(index: $0)?.name },
            interface: endpoint.interfaceName, interfaceIndex: peer?.index,
            addresses: view.map { $0.addresses(on: endpoint.interfaceName) } ?? [endpoint.interfaceAddress],
            mac: view == nil ? endpoint.mac : peer?.mac,
            routes: (view?.routes ?? []).map(routeText),
            nameservers: resolver?.nameservers ?? [],
            ports: publishes ? PortBinding.joined(container.ports).map(\.mapping) : [],
            drifts: placement.attachment(container: container.name, hostVeth: endpoint.hostInterfaceName,
                                         interface: endpoint.interfaceName))
    }

    /// As `ip route` prints it.
    static func routeText(_ route: HostSnapshot.Route) -> String {
        let destination = route.isDefault ? "default" : "\(route.destination)"
        return [destination, route.gateway.map { "via \($0)" }, route.link.map { "dev \($0)" }]
            .compactMap { $0 }.joined(separator: " ")
    }

    static func portText(_ ports: ClosedRange<UInt16>) -> String {
        ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound)-\(ports.upperBound)"
    }
}

/// Which drawn object each drift is about, from its kind (the link, namespace or file it names)
/// and its owner. A drift about nothing drawn (an orphan, the resolver, a shared chain) is the
/// host's.
struct DriftPlacement {
    private var byNetwork: [String: [String]] = [:]
    /// By container, then "veth:NAME" / "if:NAME" / "" (the whole container).
    private var byContainer: [String: [String: [String]]] = [:]
    private var hostWide: [String] = []
    /// Said about the whole host even in a scoped picture: they concern every network.
    private var shared: [String] = []

    init(drifts: [Drift], networks: [NetworkRecord], containers: [ContainerRecord]) {
        var networkByBridge: [String: String] = [:]
        for network in networks where network.isBridged { networkByBridge[network.bridgeName] = network.name }
        var vethOwner: [String: String] = [:]
        var publishedNetwork: [String: String] = [:]
        let networkNames = Dictionary(uniqueKeysWithValues: networks.map { ($0.id, $0.name) })
        var containerByAddress: [IPv4Address: String] = [:]
        for container in containers {
            for endpoint in container.endpoints {
                vethOwner[endpoint.hostInterfaceName] = container.name
                containerByAddress[endpoint.address] = container.name
            }
            if let id = container.publishedNetwork, let name = networkNames[id] { publishedNetwork[container.name] = name }
        }
        for drift in drifts {
            let sentence = drift.description
            switch drift.kind {
            case .bridgeMissing(let bridge), .bridgeDiffers(let bridge, _):
                byNetwork[networkByBridge[bridge] ?? "", default: []].append(sentence)
            case .addressMissing(_, let link, let namespace):
                if let namespace {
                    byContainer[namespace, default: [:]]["if:\(link)", default: []].append(sentence)
                } else if let network = networkByBridge[link] {
                    byNetwork[network, default: []].append(sentence)
                } else {
                    hostWide.append(sentence)
                }
            case .vethMissing(let veth, _), .vethNotOnBridge(let veth, _, _), .vethDiffers(let veth, _), .hairpinOff(let veth):
                if let container = vethOwner[veth] {
                    byContainer[container, default: [:]]["veth:\(veth)", default: []].append(sentence)
                } else {
                    hostWide.append(sentence)
                }
            case .interfaceMissing(let interface, let namespace), .interfaceDiffers(let interface, let namespace, _):
                byContainer[namespace, default: [:]]["if:\(interface)", default: []].append(sentence)
            case .namespaceMissing(let namespace), .namespaceUnreadable(let namespace, _), .runtimeNamespaceGone(let namespace, _),
                 .defaultRouteMissing(let namespace, _, _), .defaultRouteDiffers(let namespace, _, _),
                 .resolverNotServing(let namespace):
                byContainer[namespace, default: [:]]["", default: []].append(sentence)
            case .fileMissing(let path), .fileDiffers(let path):
                if let (namespace, _) = ExpectedHost.etcNetnsEntry(path) {
                    byContainer[namespace, default: [:]]["", default: []].append(sentence)
                } else {
                    hostWide.append(sentence)
                }
            case .ruleMissing:
                switch drift.owner {
                case .network(let name): byNetwork[name, default: []].append(sentence)
                case .container(let name):
                    if let network = publishedNetwork[name] { byNetwork[network, default: []].append(sentence) }
                    else { shared.append(sentence) }
                default: shared.append(sentence)
                }
            case .sysctlDiffers(let key, _, _):
                let link = networkByBridge.keys.first { key.contains(".\($0).") }
                let veth = vethOwner.keys.first { key.contains(".\($0).") }
                if let link, let network = networkByBridge[link] {
                    byNetwork[network, default: []].append(sentence)
                } else if let veth, let container = vethOwner[veth] {
                    byContainer[container, default: [:]]["veth:\(veth)", default: []].append(sentence)
                } else {
                    shared.append(sentence)
                }
            case .nftables(let difference):
                switch Self.nftOwner(difference, networkByBridge: networkByBridge, containerByAddress: containerByAddress) {
                case .network(let name)?: byNetwork[name, default: []].append(sentence)
                case .container(let name)?: byContainer[name, default: [:]]["", default: []].append(sentence)
                default: shared.append(sentence)
                }
            case .chainMissing, .resolverNotRunning, .resolverNotAnswering:
                shared.append(sentence)
            case .orphanLink, .orphanRule, .orphanChain, .resolverRestarted, .interruptedPlansFinished:
                hostWide.append(sentence)
            }
        }
    }

    /// Whom an nftables difference is about: a per-network chain or a bridge's element is the
    /// network's with that bridge, a published-port element the container whose address it
    /// holds; nil for the table, the base chains and the sets.
    static func nftOwner(_ difference: NftDifference, networkByBridge: [String: String],
                         containerByAddress: [IPv4Address: String]) -> HostOwner? {
        switch difference {
        case .chainMissing(let chain), .chainUnexpected(let chain), .chainDiffers(let chain, _, _), .rulesDiffer(let chain, _, _):
            return RuleMeaning.bridgeOfChain(chain).flatMap { networkByBridge[$0] }.map(HostOwner.network)
        case .elementMissing(_, let element), .elementUnexpected(_, let element):
            switch (element.key, element.value) {
            case (.interface(let bridge), _): return networkByBridge[bridge].map(HostOwner.network)
            case (_, .addressPort(let address, _)?), (_, .address(let address)?),
                 (.addressProtocolPorts(let address, _, _), nil):
                return containerByAddress[address].map(HostOwner.container)
            default: return nil
            }
        default: return nil
        }
    }

    func network(_ name: String) -> [String] { byNetwork[name] ?? [] }

    /// The whole container's drifts, then its veth's, then its interface's in the namespace.
    func attachment(container: String, hostVeth: String, interface: String) -> [String] {
        let drifts = byContainer[container] ?? [:]
        return (drifts[""] ?? []) + (drifts["veth:\(hostVeth)"] ?? []) + (drifts["if:\(interface)"] ?? [])
    }

    func host(showingEverything: Bool) -> [String] { shared + (showingEverything ? hostWide : []) }
}
