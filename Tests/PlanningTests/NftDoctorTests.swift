import Testing
import BridgeModel
@testable import Planning

/// doctor, restore and --fix on the nftables backend: the table the records expect against the
/// one read back, and what puts it right.
@Suite struct NftDoctorTests {
    static let network = Fixture.front.withFirewall(.nftables)
    static let expected = ExpectedHost.render(networks: [network], containers: [], hostResolver: Fixture.hostResolver)

    static func snapshot(_ table: NftObservation) -> HostSnapshot {
        var snapshot = HostSnapshot(parts: [.nftables])
        snapshot.nftables = table
        return snapshot
    }

    @Test func aHealthyTableHasNoDriftAndNothingToRepair() {
        let healthy = Self.snapshot(.expected(from: NftPlanner.setup() + NftPlanner.networkOps(Self.network)))
        #expect(Self.expected.drifts(from: healthy).isEmpty)
        #expect(HostRepair.nftablesRepair(expected: Self.expected, observed: healthy.nftables, orphans: []).ops.isEmpty)
    }

    /// After a reboot or `nft flush ruleset`: reported as bridgectl's, and sent again whole.
    @Test func aMissingTableIsRebuiltWhole() {
        let flushed = Self.snapshot(.absent)
        let drifts = Self.expected.drifts(from: flushed)
        #expect(drifts == [Drift(owner: .bridgectl, kind: .nftables(.tableMissing))])
        let repair = HostRepair.nftablesRepair(expected: Self.expected, observed: .absent, orphans: [])
        #expect(NftObservation.expected(from: repair.ops) == NftObservation.expected(from: Self.expected.nftOps))
        #expect(!repair.ops.isEmpty)
    }

    @Test func anElementNoRecordAccountsForIsAnOrphanRemovedOnlyByFix() {
        var table = NftObservation.expected(from: NftPlanner.setup() + NftPlanner.networkOps(Self.network))
        let stray = NftObservedElement(.protocolPort(.tcp, 9999), .addressPort(ip("172.18.0.9"), 80))
        table.elements[NftPlanner.publishedAnyAddressMap, default: []].insert(stray)
        let drifts = Self.expected.drifts(from: Self.snapshot(table))
        #expect(drifts == [Drift(owner: nil, kind: .nftables(.elementUnexpected(set: NftPlanner.publishedAnyAddressMap, stray)))])
        #expect(HostRepair.nftablesRepair(expected: Self.expected, observed: table, orphans: []).ops.isEmpty)
        let fix = HostRepair.nftablesRepair(expected: Self.expected, observed: table, orphans: drifts).ops
        #expect(fix.map(\.text) == ["delete element ip bridgectl published-any-address { tcp . 9999 }"])
    }

    /// The user's rules keep the table after the last network: that is expected, not an orphan.
    @Test func theTableKeptForTheUsersRulesIsNoDrift() {
        let none = ExpectedHost.render(networks: [], containers: [], hostResolver: Fixture.hostResolver)
        var kept = NftObservation.expected(from: NftPlanner.setup() + NftPlanner.teardown(userChainHasRules: true))
        kept.rules[NftPlanner.userChain] = ["", "my own rule"]
        #expect(none.drifts(from: Self.snapshot(kept)).isEmpty)
        #expect(none.drifts(from: Self.snapshot(.absent)).isEmpty)
        // Without the user's rules, a table left behind is bridgectl's orphan, deleted by --fix.
        kept.rules[NftPlanner.userChain] = []
        let drifts = none.drifts(from: Self.snapshot(kept))
        #expect(drifts == [Drift(owner: nil, kind: .nftables(.tableUnexpected))])
        #expect(HostRepair.nftablesRepair(expected: none, observed: kept, orphans: drifts).ops == [.deleteTable])
    }

    @Test func iptablesNetworksExpectNoTable() {
        let iptables = ExpectedHost.render(networks: [Fixture.front], containers: [], hostResolver: Fixture.hostResolver)
        #expect(iptables.nftOps.isEmpty)
        #expect(!iptables.rules.isEmpty)
        let nft = Self.expected
        #expect(nft.rules.isEmpty && nft.chains.isEmpty)
    }
}

/// A container whose record is lost: its published-port elements are found by the address it
/// still claims, whatever container ports they name.
@Suite struct NftSalvageTests {
    @Test func everyElementLeadingToTheAddressIsDeleted() {
        let web = ip("172.18.0.2"), other = ip("172.18.0.3")
        let bindings = [PortBinding(hostIP: .any, hostPort: 18080, containerPort: 80, transport: .tcp),
                        PortBinding(hostIP: ip("127.0.0.1"), hostPort: 9000, containerPort: 90, transport: .udp),
                        PortBinding(hostIP: .any, hostPorts: 20000...20009, containerPorts: 20000...20009, transport: .tcp)]
        let table = NftObservation.expected(from: NftPlanner.setup()
            + NftPlanner.publishOps(container: "web", address: web, bindings: bindings)
            + NftPlanner.publishOps(container: "other", address: other, bindings: [PortBinding(hostIP: .any, hostPort: 8081, containerPort: 80, transport: .tcp)]))
        let deletions = NftPlanner.publishedElements(leadingTo: web, in: table)
        let after = NftObservation.expected(from: NftPlanner.setup()
            + NftPlanner.publishOps(container: "other", address: other, bindings: [PortBinding(hostIP: .any, hostPort: 8081, containerPort: 80, transport: .tcp)]))
        var folded = table
        for op in deletions {
            if case .deleteElement(let set, let element) = op { folded.elements[set]?.remove(NftObservedElement(element)) }
        }
        #expect(folded == after)
        #expect(deletions.count == NftPlanner.publishOps(container: "web", address: web, bindings: bindings).count)
    }
}
