import BridgeModel

/// The host as bridgectl's records say it should be: every kernel object, file and rule that
/// creating the records' networks and containers on an empty host would make. It is rendered by
/// folding the very steps the planners produce for a create (NetworkPlanner.activationSteps,
/// ContainerPlanner.hostSteps), never from a second description of them, so what `doctor`
/// expects cannot drift from what `create` does. Pure.
public struct ExpectedHost: Equatable, Sendable {
    public struct Bridge: Equatable, Sendable {
        public var name: String
        public var owner: HostOwner
        public var mtu: Int
        public var mac: MACAddress
        public var alias: String?
        public var addresses: [InterfaceAddress] = []
        public var isUp = false
    }

    /// A veth's host end, a port of `bridge`; its peer is `peer` in namespace `namespace`.
    public struct HostVeth: Equatable, Sendable {
        public var name: String
        public var owner: HostOwner
        public var bridge: String
        public var mtu: Int
        public var alias: String?
        public var peer: String
        public var namespace: String
        public var isUp = false
    }

    /// An interface inside a container's namespace (its veth peers, and loopback).
    public struct ContainerInterface: Equatable, Sendable {
        public var namespace: String
        public var name: String
        public var owner: HostOwner
        public var mac: MACAddress?
        public var mtu: Int?
        public var addresses: [InterfaceAddress] = []
        public var isUp = false
    }

    public struct DefaultRoute: Equatable, Sendable {
        public var namespace: String
        public var owner: HostOwner
        public var gateway: IPv4Address
        public var link: String
    }

    public struct Namespace: Equatable, Sendable {
        public var name: String
        public var owner: HostOwner
        /// `--network host`: /run/netns/NAME is the host's own namespace.
        public var isHostAlias: Bool
    }

    public struct File: Equatable, Sendable {
        public var path: String
        public var owner: HostOwner
        public var contents: String
    }

    /// A chain bridgectl creates.
    public struct Chain: Hashable, Sendable {
        public var table: String
        public var name: String
    }

    /// A rule, as `iptables-save` prints it after `-A CHAIN`.
    public struct Rule: Equatable, Sendable {
        public var table: String
        public var chain: String
        public var spec: String
        public var owner: HostOwner
        /// The key FirewallObservation.rules uses.
        public var observationKey: String { "\(table)/\(chain) \(spec)" }
    }

    public struct Sysctl: Equatable, Sendable {
        public var key: String
        public var value: String
        public var owner: HostOwner
    }

    public struct Hairpin: Equatable, Sendable {
        public var link: String
        public var owner: HostOwner
    }

    public var bridges: [Bridge] = []
    public var veths: [HostVeth] = []
    public var interfaces: [ContainerInterface] = []
    public var defaultRoutes: [DefaultRoute] = []
    public var namespaces: [Namespace] = []
    /// Directories under /etc/netns (each container's), by path.
    public var directories: [String: HostOwner] = [:]
    public var files: [File] = []
    public var chains: [Chain] = []
    public var rules: [Rule] = []
    public var sysctls: [Sysctl] = []
    public var hairpins: [Hairpin] = []
    /// The nftables backend's ops, in order: folded into the table they make when compared.
    public var nftOps: [NftOp] = []
    /// Whether a diff calls unaccounted marked objects orphans: only a whole-host expectation
    /// can, since a part of one does not account for the rest of bridgectl's objects.
    public var judgesOrphans = true
    /// Positions in the lists above by name, so that rendering N containers stays linear in N.
    private var positions = Positions()

    private struct Positions: Equatable, Sendable {
        var bridges: [String: Int] = [:]
        var veths: [String: Int] = [:]
        /// "namespace/interface"
        var interfaces: [String: Int] = [:]
        var defaultRoutes: [String: Int] = [:]
        var files: [String: Int] = [:]
        var sysctls: Set<String> = []
        var chains: Set<Chain> = []
    }

    public init() {}

    /// The expected host for these records (networks as `activeNetworks` counts them).
    /// `hostResolver` is today's /etc/resolv.conf, which copied resolv.conf
    /// files are rendered from.
    public static func render(networks: [NetworkRecord], containers: [ContainerRecord],
                              hostResolver: EtcFiles.ResolverConfig) -> ExpectedHost {
        var expected = ExpectedHost()
        let active = activeNetworks(networks, containers: containers)
        // The shared chains and jumps exist while any network is active; on an empty ruleset the
        // planner adds all of them, each network's activation repeats them, so they are taken once.
        let shared = FirewallPlanner.baseSetup(observed: FirewallObservation())
        if active.contains(where: { $0.firewall == .iptables }) { expected.fold(.applyRules(RuleBatch(shared)), owner: .bridgectl) }
        let sharedOps = Set(shared)
        for network in active {
            for step in NetworkPlanner.freshHostActivationSteps(for: network) {
                if case .applyRules(let batch) = step {
                    expected.fold(.applyRules(RuleBatch(batch.ops.filter { !sharedOps.contains($0) })), owner: .network(network.name))
                } else {
                    expected.fold(step, owner: .network(network.name))
                }
            }
        }
        for container in containers {
            let steps = ContainerPlanner.hostSteps(for: container, networks: networks, hostResolver: hostResolver)
            for step in steps { expected.fold(step, owner: .container(container.name)) }
        }
        return expected
    }

    /// Adds what one create step leaves on the host. Removal and bookkeeping steps leave nothing.
    mutating func fold(_ step: Step, owner: HostOwner) {
        switch step {
        case .createBridge(let name, let mtu, let mac, let alias):
            positions.bridges[name] = bridges.count
            bridges.append(Bridge(name: name, owner: owner, mtu: mtu, mac: mac, alias: alias))
        case .createVethPair(let host, let peer, let namespace, let master, let mtu, let peerMAC, let alias):
            positions.veths[host] = veths.count
            veths.append(HostVeth(name: host, owner: owner, bridge: master, mtu: mtu, alias: alias, peer: peer, namespace: namespace))
            positions.interfaces["\(namespace)/\(peer)"] = interfaces.count
            interfaces.append(ContainerInterface(namespace: namespace, name: peer, owner: owner, mac: peerMAC, mtu: mtu))
        case .disableIPv6(let link):
            setSysctl(SysctlKey.forInterface("net.ipv6.conf", link, "disable_ipv6"), "1", owner: owner)
        case .addAddress(let address, let link, let namespace):
            if let namespace {
                updateInterface(link, in: namespace, owner: owner) { $0.addresses.append(address) }
            } else if let index = positions.bridges[link] {
                bridges[index].addresses.append(address)
            }
        case .setLinkUp(let link, let namespace):
            if let namespace {
                updateInterface(link, in: namespace, owner: owner) { $0.isUp = true }
            } else if let index = positions.bridges[link] {
                bridges[index].isUp = true
            } else if let index = positions.veths[link] {
                veths[index].isUp = true
            }
        case .addDefaultRoute(let gateway, let link, let namespace):
            let route = DefaultRoute(namespace: namespace, owner: owner, gateway: gateway, link: link)
            if let index = positions.defaultRoutes[namespace] {
                defaultRoutes[index] = route
            } else {
                positions.defaultRoutes[namespace] = defaultRoutes.count
                defaultRoutes.append(route)
            }
        case .createNamespace(let name, _):
            namespaces.append(Namespace(name: name, owner: owner, isHostAlias: false))
        case .aliasHostNamespace(let name):
            namespaces.append(Namespace(name: name, owner: owner, isHostAlias: true))
        case .attachNamespace(let name, _):
            namespaces.append(Namespace(name: name, owner: owner, isHostAlias: false))
        case .applyRules(let batch):
            for op in batch.ops {
                switch op {
                case .createChain(let table, let chain):
                    let entry = Chain(table: table, name: chain)
                    if positions.chains.insert(entry).inserted { chains.append(entry) }
                case .append(let table, let chain, let spec), .insert(let table, let chain, _, let spec):
                    rules.append(Rule(table: table, chain: chain, spec: spec, owner: owner))
                case .delete, .flushChain, .deleteChain:
                    continue
                }
            }
        case .applyNftables(let batch):
            nftOps += batch.ops
        case .setSysctl(let key, let value):
            setSysctl(key, value, owner: owner)
        case .setHairpin(let link):
            hairpins.append(Hairpin(link: link, owner: owner))
        case .createDirectory(let path):
            directories[path] = owner
        case .writeFile(let path, let contents, _):
            let file = File(path: path, owner: owner, contents: contents)
            if let index = positions.files[path] {
                files[index] = file
            } else {
                positions.files[path] = files.count
                files.append(file)
            }
        case .deleteLink, .deleteHostLinkInBackground, .deleteNamespace, .detachNamespace, .killProcesses, .removeDirectory, .removeFile, .putNetwork, .removeNetwork,
             .putContainer, .removeContainer, .claimAddress, .releaseAddress, .claimPort, .releasePort, .putSettings:
            return
        }
    }

    /// The first owner that needs a shared sysctl (ip_forward) keeps it.
    private mutating func setSysctl(_ key: String, _ value: String, owner: HostOwner) {
        guard positions.sysctls.insert(key).inserted else { return }
        sysctls.append(Sysctl(key: key, value: value, owner: owner))
    }

    private mutating func updateInterface(_ name: String, in namespace: String, owner: HostOwner,
                                          _ change: (inout ContainerInterface) -> Void) {
        if let index = positions.interfaces["\(namespace)/\(name)"] {
            change(&interfaces[index])
        } else {
            var interface = ContainerInterface(namespace: namespace, name: name, owner: owner)
            change(&interface)
            positions.interfaces["\(namespace)/\(name)"] = interfaces.count
            interfaces.append(interface)
        }
    }

    /// The nftables table the records expect. With no nftables network, none; or, while chain
    /// `user` holds the user's rules, the table that the last network's removal leaves for them.
    public func expectedNftTable(observed: NftObservation) -> NftObservation {
        .expected(from: expectedNftOps(observed: observed))
    }

    /// The ops that make that table (none when no table is expected): what a repair sends.
    public func expectedNftOps(observed: NftObservation) -> [NftOp] {
        if !nftOps.isEmpty { return nftOps }
        guard observed.userChainRuleCount > 0 else { return [] }
        return NftPlanner.setup() + NftPlanner.teardown(userChainHasRules: true)
    }

    /// Only what one network or container owns, for a report about that object alone (orphans,
    /// owned by nobody, are left to the whole-host report).
    public func owned(by owner: HostOwner) -> ExpectedHost {
        var subset = ExpectedHost()
        subset.judgesOrphans = false
        subset.bridges = bridges.filter { $0.owner == owner }
        subset.veths = veths.filter { $0.owner == owner }
        subset.interfaces = interfaces.filter { $0.owner == owner }
        subset.defaultRoutes = defaultRoutes.filter { $0.owner == owner }
        subset.namespaces = namespaces.filter { $0.owner == owner }
        subset.directories = directories.filter { $0.value == owner }
        subset.files = files.filter { $0.owner == owner }
        subset.rules = rules.filter { $0.owner == owner }
        subset.sysctls = sysctls.filter { $0.owner == owner }
        subset.hairpins = hairpins.filter { $0.owner == owner }
        return subset
    }
}

extension NetworkPlanner {
    /// A network's activation on a host where nothing of bridgectl exists yet: every shared
    /// chain, every sysctl. What the host must hold for the network, whatever was there before.
    static func freshHostActivationSteps(for record: NetworkRecord) -> [Step] {
        let fresh = FirewallContext(observed: FirewallObservation(), ipForward: nil, bridgeNetfilter: "0",
                                    otherActiveNetworks: false)
        // Only a missing br_netfilter makes activation throw, and "0" says it is there.
        return (try? activationSteps(for: record, firewall: fresh)) ?? bridgeSteps(for: record)
    }
}
