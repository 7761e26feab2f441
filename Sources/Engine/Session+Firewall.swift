import BridgeModel
import Planning
import HostSystem
import Nftables

/// Which firewall backend a plan uses, and what that backend must know of the host first.
extension Session {
    enum FirewallUse {
        /// The network is being made: it gets the host's backend (or the one asked for).
        case activating
        /// The network is going: its rules are in the backend its record names.
        case deactivating
    }

    /// The backend the host's networks use: the settings file's, else iptables.
    func hostFirewallBackend() throws -> FirewallBackend {
        try store.settings()?.firewall ?? .iptables
    }

    /// What plans that add or remove `network`'s rules need: the backend, and only the reads
    /// that backend needs (the nftables backend never reads iptables' ruleset).
    func firewallContext(for network: NetworkRecord, _ use: FirewallUse) throws -> FirewallContext {
        let others = try otherActiveNetworks(than: network)
        let backend: FirewallBackend
        switch use {
        case .activating: backend = try activationBackend(othersActive: others)
        case .deactivating: backend = network.firewall
        }
        var parts: Set<HostSnapshot.Part> = [.forwardingSysctls]
        if backend == .iptables { parts.insert(.firewall) }
        let observed = try observeHost(parts)
        var context = FirewallContext(observed: observed.firewall,
                                      ipForward: observed.sysctls["net.ipv4.ip_forward"],
                                      bridgeNetfilter: observed.sysctls["net.bridge.bridge-nf-call-iptables"],
                                      otherActiveNetworks: others, backend: backend)
        if backend == .nftables {
            // A few single-object requests, never the table or the ruleset.
            let reader = try NftTableReader()
            if use == .activating {
                context.iptablesForwardPolicyDrop = try reader.iptablesForwardPolicyIsDrop()
                let baseChains = NftPlanner.baseChains.map(\.name)
                context.nftBaseChainsExist = try reader.existingChains(baseChains).count == baseChains.count
            }
            // The first network's undo and the last network's removal keep the user's rules.
            if !others { context.nftUserChainHasRules = try reader.ruleCount(chain: NftPlanner.userChain) > 0 }
            Timing.mark("nftables read")
        }
        return context
    }

    /// The settings change an activation with `context` makes: the backend is kept from the
    /// first network that used it (nothing is written while the default, iptables, was never
    /// asked for).
    func settingsChange(for context: FirewallContext) throws -> Step? {
        let stored = try store.settings()
        guard stored?.firewall != context.backend, stored != nil || context.backend != .iptables else { return nil }
        return .putSettings(HostSettings(firewall: context.backend), previous: stored)
    }

    /// The backend asked for (`--firewall`, BRIDGECTL_FIREWALL), else the host's. Another
    /// backend than the host's is refused while any network is active: one host's rules are
    /// in one place, and moving them is removing the networks and creating them again.
    private func activationBackend(othersActive: Bool) throws -> FirewallBackend {
        let current = try hostFirewallBackend()
        guard let requested = requestedFirewall, requested != current else { return current }
        if othersActive {
            let active = try networks().filter { $0.kind == .user }.map(\.name)
            throw EngineError.firewallSwitchRefused(current: current, requested: requested, networks: active)
        }
        return requested
    }

    /// Whether another bridged network keeps the shared chains (or table) in use: a user
    /// network always, the default bridge while its device exists.
    private func otherActiveNetworks(than network: NetworkRecord) throws -> Bool {
        for other in try networks() where other.id != network.id && other.isBridged {
            if other.kind == .user { return true }
            if try hostLinkExists(other.bridgeName) { return true }
        }
        return false
    }
}
