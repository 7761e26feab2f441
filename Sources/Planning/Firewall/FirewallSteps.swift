import BridgeModel

/// The one place that turns a firewall decision into a step of the backend that holds it: a
/// network's rules are in the backend written in its record, a container's published ports in
/// its published network's. Everything else plans through here and names no backend.
public enum FirewallSteps {
    /// A network's rules, and the shared chains or table whatever of them is missing. Undone,
    /// the first network's activation takes the shared part away too, as the last network's
    /// removal does, so a failed create leaves no table behind.
    public static func activation(of network: NetworkRecord, firewall: FirewallContext) -> [Step] {
        switch network.firewall {
        case .iptables:
            return [.applyRules(RuleBatch(FirewallPlanner.baseSetup(observed: firewall.observed) + FirewallPlanner.networkRules(network)))]
        case .nftables:
            let undo = firewall.otherActiveNetworks ? nil : NftPlanner.teardown(userChainHasRules: firewall.nftUserChainHasRules)
            return [.applyNftables(NftBatch(NftPlanner.setup(baseChainsExist: firewall.nftBaseChainsExist), undo: undo)),
                    .applyNftables(NftBatch(NftPlanner.networkOps(network)))]
        }
    }

    /// Takes exactly a network's rules away and, after the last network, the shared chains or
    /// table (keeping the user's chain when it holds rules).
    public static func deactivation(of network: NetworkRecord, firewall: FirewallContext) -> Step? {
        switch network.firewall {
        case .iptables:
            var ops = FirewallPlanner.networkRules(network).reversed().compactMap(\.inverse)
            if !firewall.otherActiveNetworks { ops += FirewallPlanner.baseTeardown(observed: firewall.observed) }
            return ops.isEmpty ? nil : .applyRules(RuleBatch(ops))
        case .nftables:
            var ops = NftPlanner.networkRemoval(network)
            if !firewall.otherActiveNetworks { ops += NftPlanner.teardown(userChainHasRules: firewall.nftUserChainHasRules) }
            return ops.isEmpty ? nil : .applyNftables(NftBatch(ops))
        }
    }

    /// A network whose record is lost (`salvaged` knows its bridge, or "" when none is known), on
    /// the host's backend: the iptables rules naming its bridge (`ownedRules`, as found in the
    /// ruleset) or its nftables chains and elements (named and keyed by the bridge alone), then
    /// the shared part after the last network.
    public static func removal(ofLost salvaged: NetworkRecord, ownedRules: [RuleOp], firewall: FirewallContext) -> Step? {
        switch firewall.backend {
        case .iptables:
            var ops = ownedRules
            if !firewall.otherActiveNetworks { ops += FirewallPlanner.baseTeardown(observed: firewall.observed) }
            return ops.isEmpty ? nil : .applyRules(RuleBatch(ops))
        case .nftables:
            var ops = salvaged.bridgeName.isEmpty ? [] : NftPlanner.networkRemoval(salvaged)
            if !firewall.otherActiveNetworks { ops += NftPlanner.teardown(userChainHasRules: firewall.nftUserChainHasRules) }
            return ops.isEmpty ? nil : .applyNftables(NftBatch(ops))
        }
    }

    /// A container's published ports, forwarded to `address` on `network`.
    public static func publish(container: String, address: IPv4Address, network: NetworkRecord,
                               bindings: [PortBinding]) -> Step {
        switch network.firewall {
        case .iptables:
            return .applyRules(RuleBatch(FirewallPlanner.publishRules(
                container: container, address: address, bridge: network.bridgeName, bindings: bindings)))
        case .nftables:
            return .applyNftables(NftBatch(NftPlanner.publishOps(container: container, address: address, bindings: bindings)))
        }
    }

    /// Deletes exactly what `publish` added.
    public static func unpublish(container: String, address: IPv4Address, network: NetworkRecord,
                                 bindings: [PortBinding]) -> Step? {
        publish(container: container, address: address, network: network, bindings: bindings).inverse
    }
}
