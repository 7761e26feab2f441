import BridgeModel

/// What puts the host back in line with the records: the create steps of every network and
/// container (the planners' own, as ExpectedHost folds them) kept only where the snapshot lacks
/// what a step makes, plus one firewall batch. `restore` and `doctor --fix` apply it through the
/// ordinary applier, so it is journaled, undone on failure and printable by `--dry-run`. Pure.
///
/// A piece that cannot be mended in place is rebuilt whole: a veth off its bridge is deleted and
/// made again with its address and route; a marked bridge with the wrong MTU or MAC is remade,
/// and its ports with it; one of bridgectl's chains that lost a rule is flushed and refilled in
/// order (appending the one rule would put it behind a rule it must precede). Nothing that is
/// not bridgectl's is touched: an unmarked link where a bridge belongs is reported, not replaced.
public struct HostRepair: Equatable, Sendable {
    public var steps: [Step] = []
    /// What the repair leaves alone, each in words with the reason.
    public var leftAlone: [String] = []

    public var isEmpty: Bool { steps.isEmpty }

    /// `orphans`: drifts naming marked objects no record accounts for, removed when given (`doctor
    /// --fix`); `restore` passes none and only builds. `scope`: repair only this network's or
    /// container's links and files (the firewall is mended whole: its chains are shared).
    public static func plan(networks: [NetworkRecord], containers: [ContainerRecord],
                            hostResolver: EtcFiles.ResolverConfig, expected: ExpectedHost,
                            observed: HostSnapshot, orphans: [Drift] = [], scope: HostOwner? = nil) -> HostRepair {
        var builder = Builder(observed: observed)
        for orphan in orphans {
            if case .orphanLink(let name, _, _) = orphan.kind { builder.steps.append(.deleteLink(name: name, namespace: nil)) }
        }
        for network in ExpectedHost.activeNetworks(networks, containers: containers)
        where scope == nil || scope == .network(network.name) {
            builder.repair(network)
        }
        for container in containers where scope == nil || scope == .container(container.name) {
            builder.repair(container, networks: networks, hostResolver: hostResolver)
        }
        let ops = firewallRepair(expected: expected, observed: observed.firewall, orphans: orphans)
        if !ops.isEmpty { builder.steps.append(.applyRules(RuleBatch(ops))) }
        if observed.parts.contains(.nftables) {
            let nftables = nftablesRepair(expected: expected, observed: observed.nftables, orphans: orphans)
            if !nftables.ops.isEmpty { builder.steps.append(.applyNftables(NftBatch(nftables.ops))) }
            builder.leftAlone += nftables.leftAlone
        }
        return HostRepair(steps: builder.steps, leftAlone: builder.leftAlone)
    }

    /// The rule changes that restore `expected`'s rules: missing shared chains and the jumps
    /// from built-in chains as the base setup places them (the user's jump first), and each of
    /// bridgectl's chains that lacks a rule flushed and refilled in the expected order.
    /// BRIDGECTL-USER is created when missing but never flushed.
    static func firewallRepair(expected: ExpectedHost, observed: FirewallObservation, orphans: [Drift]) -> [RuleOp] {
        var ops: [RuleOp] = []
        var rebuilt = Set<String>()
        if !expected.rules.isEmpty {
            let ownChains = Set(expected.chains.filter { $0.name != FirewallPlanner.userChain }.map { "\($0.table)/\($0.name)" })
            // Creations and built-in jumps only: the base's rules inside bridgectl's own chains
            // come back with the chain rebuilds below.
            ops += FirewallPlanner.baseSetup(observed: observed).filter { op in
                switch op {
                case .append(let table, let chain, _), .insert(let table, let chain, _, _): return !ownChains.contains("\(table)/\(chain)")
                default: return true
                }
            }
            var byChain: [String: [ExpectedHost.Rule]] = [:]
            var order: [String] = []
            for rule in expected.rules where ownChains.contains("\(rule.table)/\(rule.chain)") {
                let key = "\(rule.table)/\(rule.chain)"
                if byChain[key] == nil { order.append(key) }
                byChain[key, default: []].append(rule)
            }
            let orphanKeys = Set(orphans.compactMap { drift -> String? in
                if case .orphanRule(let table, let chain, let spec) = drift.kind { return "\(table)/\(chain) \(spec)" }
                return nil
            })
            for key in order {
                let rules = byChain[key] ?? []
                let complete = rules.allSatisfy { observed.rules.contains($0.observationKey) }
                let holdsOrphans = observed.rules.contains { orphanKeys.contains($0) && $0.hasPrefix(key + " ") }
                guard !complete || holdsOrphans, let first = rules.first else { continue }
                rebuilt.insert(key)
                if observed.chains.contains(key) { ops.append(.flushChain(table: first.table, chain: first.chain)) }
                ops += rules.map { .append(table: $0.table, chain: $0.chain, spec: $0.spec) }
            }
        }
        // Orphans: rules first (a chain goes only once nothing jumps to it), chains last.
        var chainRemovals: [RuleOp] = []
        for orphan in orphans {
            switch orphan.kind {
            case .orphanRule(let table, let chain, let spec) where !rebuilt.contains("\(table)/\(chain)"):
                ops.insert(.delete(table: table, chain: chain, spec: spec), at: 0)
            case .orphanChain(let table, let chain):
                chainRemovals += [.flushChain(table: table, chain: chain), .deleteChain(table: table, chain: chain)]
            default:
                continue
            }
        }
        return ops + chainRemovals
    }

    /// Walks the planners' steps with what the snapshot holds.
    struct Builder {
        let observed: HostSnapshot
        var steps: [Step] = []
        var leftAlone: [String] = []
        let hostLinks: [String: HostSnapshot.Link]
        let hostAddresses: [String: Set<InterfaceAddress>]
        /// Bridges being made again: every port they had must be attached anew.
        var remadeBridges = Set<String>()
        /// Bridges repair must not use (someone else's link holds the name).
        var blockedBridges = Set<String>()

        init(observed: HostSnapshot) {
            self.observed = observed
            var links: [String: HostSnapshot.Link] = [:]
            for link in observed.host.links { links[link.name] = link }
            hostLinks = links
            var addresses: [String: Set<InterfaceAddress>] = [:]
            for entry in observed.host.addresses { addresses[entry.link, default: []].insert(entry.address) }
            hostAddresses = addresses
        }

        func sysctlDiffers(_ key: String, _ value: String) -> Bool { observed.sysctls[key] != value }

        mutating func repair(_ network: NetworkRecord) {
            let owner = HostOwner.network(network.name)
            let bridge = network.bridgeName
            var remade = false
            let steps = NetworkPlanner.freshHostActivationSteps(for: network)
            if let link = hostLinks[bridge] {
                guard case .createBridge(_, let mtu, let mac, let alias)? = steps.first else { return }
                if link.kind != "bridge" || link.alias != alias {
                    blockedBridges.insert(bridge)
                    leftAlone.append("\(owner): \(link.kind ?? "link") \(bridge) exists but does not carry the mark "
                                     + "'\(alias ?? "")'; not bridgectl's to replace (remove it, then run restore)")
                    return
                }
                if link.mtu != mtu || link.mac != mac {
                    self.steps.append(.deleteLink(name: bridge, namespace: nil))
                    remade = true
                }
            } else {
                remade = true
            }
            if remade { remadeBridges.insert(bridge) }
            for step in steps {
                switch step {
                case .createBridge:
                    if remade { self.steps.append(step) }
                case .addAddress(let address, let link, nil):
                    if remade || !(hostAddresses[link]?.contains(address) ?? false) { self.steps.append(step) }
                case .setLinkUp(let link, nil):
                    if remade || !(hostLinks[link]?.isUp ?? false) { self.steps.append(step) }
                case .disableIPv6(let link):
                    if remade || sysctlDiffers(SysctlKey.forInterface("net.ipv6.conf", link, "disable_ipv6"), "1") { self.steps.append(step) }
                case .setSysctl(let key, let value):
                    if key == "net.bridge.bridge-nf-call-iptables" && observed.sysctls[key] == nil {
                        leftAlone.append("\(owner): enable_icc=false needs br_netfilter, which is not loaded: run 'modprobe br_netfilter', then restore")
                    } else if sysctlDiffers(key, value) || (remade && key.contains(bridge)) {
                        self.steps.append(step)
                    }
                case .applyRules, .applyNftables:
                    continue // one batch for the whole host
                default:
                    if remade { self.steps.append(step) }
                }
            }
        }

        mutating func repair(_ container: ContainerRecord, networks: [NetworkRecord], hostResolver: EtcFiles.ResolverConfig) {
            let name = container.name
            let owner = HostOwner.container(name)
            if let reason = observed.unreadableNamespaces[name], observed.namespaceNames.contains(name) {
                leftAlone.append("\(owner): namespace \(name) cannot be entered (\(reason))")
                return
            }
            let namespaceMissing = !observed.namespaceNames.contains(name)
            if let runtime = container.runtime, namespaceMissing {
                // An empty namespace made here would be no runtime's: the container's processes
                // live (or lived) in the runtime's, which bridgectl cannot bring back.
                leftAlone.append("\(owner): the runtime's namespace (\(runtime.netnsPath)) is no longer mounted at "
                                 + "/run/netns/\(name); not made again: 'bridgectl container rm \(name)' or the runtime's CNI DEL removes it")
                return
            }
            let view = observed.containerNamespaces[name] ?? HostSnapshot.NetworkView()
            // Endpoints made again, by their interface inside the namespace.
            var remadeInterfaces = Set<String>()
            var skippedLinks = Set<String>()
            for step in ContainerPlanner.hostSteps(for: container, networks: networks, hostResolver: hostResolver) {
                switch step {
                case .createNamespace, .aliasHostNamespace:
                    if namespaceMissing { steps.append(step) }
                case .createVethPair(let host, let peer, _, let master, let mtu, _, let alias):
                    if blockedBridges.contains(master) {
                        skippedLinks.formUnion([host, peer])
                        continue
                    }
                    let link = hostLinks[host]
                    var remake = namespaceMissing || remadeBridges.contains(master) || link == nil
                        || view.link(named: peer) == nil
                    if let link, !remake {
                        let masterName = link.masterIndex.flatMap { index in observed.host.links.first { $0.index == index }?.name }
                        remake = masterName != master || link.kind != "veth" || link.mtu != mtu
                    }
                    guard remake else { continue }
                    // A namespace deleted while something still held it keeps the pair alive.
                    if let link {
                        guard link.alias == alias else {
                            leftAlone.append("\(owner): link \(host) exists but does not carry the mark '\(alias ?? "")'; left alone")
                            skippedLinks.formUnion([host, peer])
                            continue
                        }
                        steps.append(.deleteLink(name: host, namespace: nil))
                    }
                    remadeInterfaces.formUnion([host, peer])
                    steps.append(step)
                case .disableIPv6(let link):
                    guard !skippedLinks.contains(link) else { continue }
                    if remadeInterfaces.contains(link) || sysctlDiffers(SysctlKey.forInterface("net.ipv6.conf", link, "disable_ipv6"), "1") {
                        steps.append(step)
                    }
                case .setLinkUp(let link, let namespace):
                    guard !skippedLinks.contains(link) else { continue }
                    let present = namespace == nil ? hostLinks[link] : view.link(named: link)
                    if namespaceMissing || remadeInterfaces.contains(link) || !(present?.isUp ?? false) { steps.append(step) }
                case .addAddress(let address, let link, _):
                    guard !skippedLinks.contains(link) else { continue }
                    if namespaceMissing || remadeInterfaces.contains(link) || !view.addresses(on: link).contains(address) {
                        steps.append(step)
                    }
                case .addDefaultRoute(let gateway, let link, _):
                    guard !skippedLinks.contains(link) else { continue }
                    if namespaceMissing || remadeInterfaces.contains(link) || view.defaultRoute?.gateway != gateway
                        || view.defaultRoute?.link != link {
                        steps.append(step)
                    }
                case .setHairpin(let link):
                    guard !skippedLinks.contains(link) else { continue }
                    if remadeInterfaces.contains(link) || observed.hairpin[link] != true { steps.append(step) }
                case .createDirectory:
                    if observed.etcNetns[name] == nil { steps.append(step) }
                case .writeFile(let path, let contents, _):
                    let file = String(path.split(separator: "/").last ?? "")
                    let present = observed.etcNetns[name]?[file]
                    if present != contents { steps.append(.writeFile(path: path, contents: contents, previous: present)) }
                case .applyRules, .applyNftables:
                    continue // one batch for the whole host
                default:
                    if namespaceMissing { steps.append(step) }
                }
            }
        }
    }
}

extension ExpectedHost {
    /// The networks whose bridge should exist: every user network, and the default bridge while
    /// a container is on it (its device is made on first use and removed with the last container).
    public static func activeNetworks(_ networks: [NetworkRecord], containers: [ContainerRecord]) -> [NetworkRecord] {
        var used = Set<ObjectID>()
        for container in containers { for endpoint in container.endpoints { used.insert(endpoint.networkID) } }
        return networks.filter { network in
            network.isBridged && network.subnet != nil && (network.kind == .user || used.contains(network.id))
        }
    }
}
