import BridgeModel
import Planning
import Testing

@Suite struct RuleMeaningTests {
    let web = TwoContainerHost.web // enable_icc=false
    var internalNet: NetworkRecord {
        var record = Fixture.back
        record.bridgeName = "br-bac000000002"
        return record
    }

    func meaning(_ op: RuleOp) -> RuleMeaning? {
        switch op {
        case .append(let table, let chain, let spec), .insert(let table, let chain, _, let spec):
            return RuleMeaning.of(table: table, chain: chain, spec: spec)
        default: return nil
        }
    }

    /// Every rule the planner writes has words of its own, never the fallback that repeats the spec.
    @Test func everyPlannedRuleHasASentence() {
        let bindings = [PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp),
                        PortBinding(hostIP: ip("127.0.0.1"), hostPort: 5353, containerPort: 53, transport: .udp)]
        var openNet = web
        openNet.options.enableICC = true
        let ops = FirewallPlanner.baseSetup(observed: FirewallObservation())
            + FirewallPlanner.networkRules(web) + FirewallPlanner.networkRules(openNet) + FirewallPlanner.networkRules(internalNet)
            + FirewallPlanner.publishRules(container: "api", address: ip("172.18.0.2"), bridge: web.bridgeName, bindings: bindings)
        var seen = 0
        for op in ops {
            guard case .append = op else { if case .insert = op {} else { continue }; continue }
            let words = meaning(op)
            #expect(words != nil, "\(op)")
            #expect(!(words?.sentence.contains("rule '") ?? true), "fallback for \(op): \(words?.sentence ?? "")")
            seen += 1
        }
        #expect(seen > 20)
    }

    @Test func theIssuesExamples() {
        let icc = FirewallPlanner.networkRules(web).compactMap(meaning).first { $0.name == "net=web icc off" }
        #expect(icc?.sentence == "drops container-to-container traffic on br-f00d00000001 because enable_icc=false")
        #expect(icc?.owner == .network("web"))
        let publish = FirewallPlanner.publishRules(container: "web", address: ip("172.18.0.2"), bridge: "br-f00d00000001",
                                                   bindings: [PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)])
        #expect(publish.compactMap(meaning).map(\.sentence) == [
            "rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by web)",
            "accepts traffic rewritten to 172.18.0.2:80/tcp (published by web)",
        ])
        #expect(publish.compactMap(meaning).allSatisfy { $0.owner == .container("web") })
    }

    @Test func loopbackBindingAndMasquerade() {
        let loopback = FirewallPlanner.publishRules(container: "db", address: ip("172.18.0.3"), bridge: "br-x",
                                                    bindings: [PortBinding(hostIP: ip("127.0.0.1"), hostPort: 5432, containerPort: 5432, transport: .tcp)])
        #expect(meaning(loopback[0])?.sentence == "rewrites 127.0.0.1:5432/tcp to 172.18.0.3:5432 (published by db)")
        let masquerade = FirewallPlanner.networkRules(web).compactMap(meaning).first { $0.name == "net=web masquerade" }
        #expect(masquerade?.sentence == "masquerades 172.18.0.0/16 leaving through another interface as the host's address")
        let jump = FirewallPlanner.baseSetup(observed: FirewallObservation()).compactMap(meaning).first { $0.name == "user rules first" }
        #expect(jump?.sentence == "runs the user's own rules in BRIDGECTL-USER before any of bridgectl's")
        #expect(jump?.owner == .bridgectl)
    }

    @Test func someoneElsesRuleHasNoMeaning() {
        #expect(RuleMeaning.of(table: "filter", chain: "FORWARD", spec: "-o docker0 -j DOCKER") == nil)
        #expect(RuleMeaning.of(table: "filter", chain: "FORWARD", spec: "-m comment --comment \"docker rule\" -j ACCEPT") == nil)
    }

    @Test func anUnknownBridgectlRuleStillSaysWhatItMatches() {
        let words = RuleMeaning.of(table: "filter", chain: "BRIDGECTL-FORWARD",
                                   spec: "-i br-x -m comment --comment \"bridgectl net=web something new\" -j ACCEPT")
        #expect(words?.sentence == "network web's rule 'something new' (-i br-x -j ACCEPT)")
    }
}
