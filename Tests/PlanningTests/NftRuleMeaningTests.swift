import BridgeModel
import Planning
import Testing

/// RuleMeaning's words for the nftables backend's rules and elements.
@Suite struct NftRuleMeaningTests {
    let web = TwoContainerHost.web.withFirewall(.nftables) // enable_icc=false

    /// Every rule and element NftPlanner writes has words of its own, never the fallback that
    /// repeats the matches: the shared setup, every kind of network, every publish form.
    @Test func everyPlannedRuleAndElementHasASentence() {
        var openNet = web
        openNet.options.enableICC = true
        var internalNet = Fixture.back.withFirewall(.nftables)
        internalNet.bridgeName = "br-bac000000002"
        internalNet.isInternal = true
        var unmasqueraded = openNet
        unmasqueraded.options.enableIPMasquerade = false
        let bindings = [
            PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp),
            PortBinding(hostIP: ip("127.0.0.1"), hostPort: 5353, containerPort: 53, transport: .udp),
            PortBinding(hostIP: .any, hostPorts: 9000...9010, containerPorts: 9000...9010, transport: .tcp),
            PortBinding(hostIP: ip("10.0.0.1"), hostPorts: 21000...21002, containerPorts: 80...82, transport: .tcp),
        ]
        let ops = NftPlanner.setup() + NftPlanner.networkOps(web) + NftPlanner.networkOps(openNet)
            + NftPlanner.networkOps(internalNet) + NftPlanner.networkOps(unmasqueraded)
            + NftPlanner.publishOps(container: "api", address: ip("172.18.0.2"), bindings: bindings)
            + NftPlanner.teardown(userChainHasRules: true)
        var seen: Set<String> = []
        for op in ops {
            switch op {
            case .addRule(let chain, _, _): seen.insert("rule in \(chain.hasPrefix("forward-") ? "forward-" : chain)")
            case .addElement(let set, _): seen.insert("element of \(set)")
            default:
                #expect(RuleMeaning.of(nft: op) == nil, "\(op)")
                continue
            }
            let words = RuleMeaning.of(nft: op)
            #expect(words != nil, "\(op)")
            #expect(!(words?.sentence.contains("rule '") ?? true) && !(words?.sentence.contains("element '") ?? true),
                    "fallback for \(op.text): \(words?.sentence ?? "")")
            #expect(RuleMeaning.nftPlace(of: op) != nil)
        }
        // Every set and map of the table had an element, every base chain a rule.
        for set in [NftPlanner.bridgesSet, NftPlanner.fromBridgeMap, NftPlanner.toBridgeMap, NftPlanner.natFromBridgeMap,
                    NftPlanner.natToBridgeMap, NftPlanner.publishedPortsMap, NftPlanner.publishedAnyAddressMap,
                    NftPlanner.publishedRangesMap, NftPlanner.publishedAcceptSet, NftPlanner.publishedAcceptRangesSet] {
            #expect(seen.contains("element of \(set)"), "no element of \(set)")
        }
        for chain in ["forward", "prerouting", "output", "postrouting", "forward-"] {
            #expect(seen.contains("rule in \(chain)"), "no rule in \(chain)")
        }
    }

    @Test func wordsNameTheOwnerAndWhatItDoes() {
        let network = NftPlanner.networkOps(web).compactMap { RuleMeaning.of(nft: $0) }
        let icc = network.first { $0.name == "net=web icc off" }
        #expect(icc?.sentence == "drops container-to-container traffic on br-f00d00000001 because enable_icc=false")
        #expect(icc?.owner == .network("web"))
        #expect(network.contains { $0.sentence == "sends traffic from br-f00d00000001 to chain forward-br-f00d00000001" })
        let publish = NftPlanner.publishOps(container: "api", address: ip("172.18.0.2"),
                                            bindings: [PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)])
        #expect(publish.compactMap { RuleMeaning.of(nft: $0) }.map(\.sentence) == [
            "rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by api)",
            "accepts traffic rewritten to 172.18.0.2:80/tcp (published by api)",
        ])
        #expect(publish.compactMap { RuleMeaning.of(nft: $0) }.allSatisfy { $0.owner == .container("api") })
        #expect(publish.compactMap(RuleMeaning.nftPlace) == ["map published-any-address", "set published-accept"])
        let shared = NftPlanner.setup().compactMap { RuleMeaning.of(nft: $0) }
        #expect(shared.allSatisfy { $0.owner == .bridgectl })
        #expect(shared.first { $0.name == "traffic from a network" }?.sentence
            == "sends traffic from a bridgectl network to that network's forward-<bridge> chain (@from-bridge)")
    }
}
