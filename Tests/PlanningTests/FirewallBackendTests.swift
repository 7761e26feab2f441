import Testing
import BridgeModel
@testable import Planning

/// Choosing the backend: the same decisions planned as iptables rules or nftables ops, picked by
/// the backend the network's record names.
@Suite struct FirewallBackendTests {
    static let nftContext = FirewallContext(observed: FirewallObservation(), ipForward: "1", bridgeNetfilter: "1",
                                            otherActiveNetworks: false, backend: .nftables)

    @Test func aNetworkCreatedUnderNftablesKeepsItsRulesThere() throws {
        let (record, plan) = try NetworkPlanner.create(NetworkCreateRequest(name: "lab", subnet: net("10.7.0.0/24")),
                                                       id: oid("ab"), created: "t", existing: [], hostClaims: [],
                                                       hostLinks: [], firewall: Self.nftContext)
        #expect(record.firewall == .nftables)
        #expect(!plan.steps.contains { if case .applyRules = $0 { true } else { false } })
        let batches = plan.steps.compactMap { if case .applyNftables(let batch) = $0 { batch } else { nil } }
        #expect(batches == [NftBatch(NftPlanner.setup(), undo: [.deleteTable]), NftBatch(NftPlanner.networkOps(record))])
    }

    /// A failed first create leaves no table; a failed later one leaves the others' table, and
    /// the user's rules always stay.
    @Test func undoingTheFirstActivationTakesTheTableAway() {
        let network = Fixture.front.withFirewall(.nftables)
        func undo(_ context: FirewallContext) -> [NftOp] {
            FirewallSteps.activation(of: network, firewall: context).reversed().compactMap(\.inverse).flatMap { step -> [NftOp] in
                if case .applyNftables(let batch) = step { return batch.ops } else { return [] }
            }
        }
        #expect(undo(Self.nftContext) == NftPlanner.networkOps(network).reversed().compactMap(\.inverse) + [.deleteTable])
        var kept = Self.nftContext
        kept.nftUserChainHasRules = true
        #expect(undo(kept).suffix(NftPlanner.teardown(userChainHasRules: true).count) == ArraySlice(NftPlanner.teardown(userChainHasRules: true)))
        var others = Self.nftContext
        others.otherActiveNetworks = true
        #expect(undo(others) == NftPlanner.networkOps(network).reversed().compactMap(\.inverse))
    }

    /// Re-adding an existing chain costs the kernel ~12 ms and flushing its rules a grace period
    /// at the socket's release: when the base chains exist the setup sends nothing, and only its
    /// undo (the first network's) remains.
    @Test func existingBaseChainsAreNotAddedAgain() {
        let again = NftPlanner.setup(baseChainsExist: true)
        #expect(again.isEmpty)
        var context = Self.nftContext
        context.nftBaseChainsExist = true
        #expect(FirewallSteps.activation(of: Fixture.front.withFirewall(.nftables), firewall: context).first
                == .applyNftables(NftBatch(again, undo: [.deleteTable])))
    }

    @Test func iptablesRecordsStayAsTheyWere() throws {
        let (record, plan) = try NetworkPlanner.create(NetworkCreateRequest(name: "lab", subnet: net("10.7.0.0/24")),
                                                       id: oid("ab"), created: "t", existing: [], hostClaims: [],
                                                       hostLinks: [], firewall: Fixture.firewall)
        #expect(record.firewallBackend == nil)
        #expect(record.firewall == .iptables)
        #expect(!plan.steps.contains { if case .applyNftables = $0 { true } else { false } })
    }

    @Test func iptablesForwardPolicyDropRefusesAnNftablesNetwork() {
        var context = Self.nftContext
        context.iptablesForwardPolicyDrop = true
        #expect(throws: PlanningError.iptablesForwardPolicyDrop("lab")) {
            try NetworkPlanner.create(NetworkCreateRequest(name: "lab", subnet: net("10.7.0.0/24")), id: oid("ab"), created: "t",
                                      existing: [], hostClaims: [], hostLinks: [], firewall: context)
        }
        // The iptables backend's own FORWARD rules go before any policy: nothing to refuse.
        var iptables = Fixture.firewall
        iptables.iptablesForwardPolicyDrop = true
        #expect(throws: Never.self) {
            try NetworkPlanner.create(NetworkCreateRequest(name: "lab", subnet: net("10.7.0.0/24")), id: oid("ab"), created: "t",
                                      existing: [], hostClaims: [], hostLinks: [], firewall: iptables)
        }
    }

    @Test func removingTheLastNftablesNetworkDeletesTheTableUnlessTheUserChainHasRules() {
        let network = Fixture.front.withFirewall(.nftables)
        var context = Self.nftContext
        #expect(FirewallSteps.deactivation(of: network, firewall: context)
                == .applyNftables(NftBatch(NftPlanner.networkRemoval(network) + [.deleteTable])))
        context.nftUserChainHasRules = true
        #expect(FirewallSteps.deactivation(of: network, firewall: context)
                == .applyNftables(NftBatch(NftPlanner.networkRemoval(network) + NftPlanner.teardown(userChainHasRules: true))))
        context.otherActiveNetworks = true
        #expect(FirewallSteps.deactivation(of: network, firewall: context) == .applyNftables(NftBatch(NftPlanner.networkRemoval(network))))
    }

    @Test func theDefaultBridgeTakesTheHostsBackendWhenActivated() throws {
        let (activated, steps) = try NetworkPlanner.activateDefaultBridge(Fixture.defaultBridge, otherNetworks: [], hostClaims: [],
                                                                         firewall: Self.nftContext)
        #expect(activated.firewall == .nftables)
        #expect(steps.contains(.putNetwork(activated, previous: Fixture.defaultBridge)))
        // Activated again later under iptables: the record follows.
        let (again, moreSteps) = try NetworkPlanner.activateDefaultBridge(activated, otherNetworks: [], hostClaims: [],
                                                                          firewall: Fixture.firewall)
        #expect(again.firewall == .iptables)
        #expect(moreSteps.contains(.putNetwork(again, previous: activated)))
        #expect(moreSteps.contains { if case .applyRules = $0 { true } else { false } })
    }

    @Test func publishingFollowsThePublishedNetworksBackend() throws {
        let network = Fixture.front.withFirewall(.nftables)
        let bindings = [PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)]
        let publish = FirewallSteps.publish(container: "web", address: ip("172.18.0.2"), network: network, bindings: bindings)
        #expect(publish == .applyNftables(NftBatch(NftPlanner.publishOps(container: "web", address: ip("172.18.0.2"), bindings: bindings))))
        #expect(FirewallSteps.unpublish(container: "web", address: ip("172.18.0.2"), network: network, bindings: bindings)
                == publish.inverse)
        #expect(publish.shellCommands.allSatisfy { $0.hasPrefix("nft '") })
    }

    @Test func settingsStepsUndoThemselves() {
        let nft = HostSettings(firewall: .nftables)
        #expect(Step.putSettings(nft, previous: nil).inverse == .putSettings(nil, previous: nft))
        #expect(Step.putSettings(nft, previous: nil).isBookkeeping)
    }
}
