import BridgeModel
import Planning
import Testing

@Suite struct HostRepairTests {
    let made = try! TwoContainerHost.make()
    var expected: ExpectedHost {
        ExpectedHost.render(networks: made.networks, containers: [made.api, made.db], hostResolver: Fixture.hostResolver)
    }
    var clean: HostSnapshot { observation(of: expected) }
    let bridge = "br-f00d00000001"
    let apiVeth = "vetha9100000"

    func repair(orphans: [Drift] = [], _ change: (inout HostSnapshot) -> Void) -> HostRepair {
        var observed = clean
        change(&observed)
        return HostRepair.plan(networks: made.networks, containers: [made.api, made.db], hostResolver: Fixture.hostResolver,
                               expected: expected, observed: observed, orphans: orphans)
    }

    func ruleOps(_ repair: HostRepair) -> [RuleOp] {
        repair.steps.flatMap { step -> [RuleOp] in
            if case .applyRules(let batch) = step { return batch.ops }
            return []
        }
    }

    func rule(_ comment: String) -> ExpectedHost.Rule {
        expected.rules.first { $0.spec.contains("--comment \"bridgectl \(comment)\"") }!
    }

    @Test func aCleanHostNeedsNothing() {
        let repair = repair { _ in }
        #expect(repair.isEmpty)
        #expect(repair.leftAlone.isEmpty)
    }

    /// After a reboot nothing is there: the repair is every create step of every network and
    /// container (bookkeeping aside), the planners' own, and one batch holding every rule.
    @Test func anEmptyHostGetsEverythingTheCreatesMade() throws {
        let repair = repair { observed in
            observed = HostSnapshot(parts: observed.parts)
            observed.sysctls["net.bridge.bridge-nf-call-iptables"] = "0"
        }
        let fresh = FirewallContext(observed: FirewallObservation(), ipForward: nil, bridgeNetfilter: "0", otherActiveNetworks: false)
        let activation = try NetworkPlanner.activationSteps(for: TwoContainerHost.web, firewall: fresh)
        var created = activation.filter { if case .applyRules = $0 { return false }; return true }
        for step in made.apiPlan.steps + made.dbPlan.steps where !step.isBookkeeping {
            if case .applyRules = step { continue }
            created.append(step)
        }
        let repaired = repair.steps.filter { if case .applyRules = $0 { return false }; return true }
        #expect(repaired == created)
        let ops = ruleOps(repair)
        for rule in expected.rules {
            #expect(ops.contains { op in
                switch op {
                case .append(rule.table, rule.chain, rule.spec), .insert(rule.table, rule.chain, _, rule.spec): return true
                default: return false
                }
            }, "rule \(rule.spec)")
        }
        #expect(!ops.contains { if case .flushChain = $0 { return true }; return false }, "nothing to flush on an empty host")
    }

    @Test func aMissingVethIsMadeAgainWithItsAddressRouteAndHairpin() {
        let repair = repair { observed in
            observed.host.links.removeAll { $0.name == apiVeth }
            observed.containerNamespaces["api"]!.links.removeAll { $0.name == "eth0" }
            observed.containerNamespaces["api"]!.addresses.removeAll { $0.link == "eth0" }
            observed.containerNamespaces["api"]!.routes.removeAll()
            observed.sysctls["net.ipv6.conf.\(apiVeth).disable_ipv6"] = nil
            observed.hairpin[apiVeth] = nil
        }
        #expect(repair.steps.map(\.shellCommands.first!) == [
            "ip link add \(apiVeth) mtu 1500 master \(bridge) type veth peer name eth0 mtu 1500 address 02:42:ac:12:00:02 netns api",
            "sysctl -w net.ipv6.conf.\(apiVeth).disable_ipv6=1",
            "ip link set \(apiVeth) up",
            "ip -n api addr add 172.18.0.2/16 brd + dev eth0",
            "ip -n api link set eth0 up",
            "ip -n api route replace default via 172.18.0.1 dev eth0",
            "ip link set \(apiVeth) type bridge_slave hairpin on",
        ])
    }

    @Test func aVethOnAnotherBridgeIsDeletedThenMadeAgain() {
        let repair = repair { observed in
            observed.host.links.append(HostSnapshot.Link(index: 99, name: "docker0", kind: "bridge"))
            let index = observed.host.links.firstIndex { $0.name == apiVeth }!
            observed.host.links[index].masterIndex = 99
        }
        #expect(repair.steps.first == .deleteLink(name: apiVeth, namespace: nil))
        #expect(repair.steps.contains { if case .createVethPair(apiVeth, _, _, bridge, _, _, _) = $0 { return true }; return false })
        #expect(repair.steps.contains(.addDefaultRoute(via: ip("172.18.0.1"), link: "eth0", namespace: "api")))
    }

    @Test func aDeletedBridgeIsMadeAgainAndEveryPortReattached() {
        let repair = repair { observed in
            observed.host.links.removeAll { $0.name == bridge }
            for index in observed.host.links.indices { observed.host.links[index].masterIndex = nil }
            observed.host.addresses.removeAll()
            observed.sysctls = observed.sysctls.filter { !$0.key.contains(bridge) }
        }
        let commands = repair.steps.flatMap(\.shellCommands)
        #expect(commands.first == "ip link add name \(bridge) mtu 1500 address 02:42:ac:12:00:01 type bridge")
        #expect(commands.contains("ip addr add 172.18.0.1/16 brd + dev \(bridge)"))
        #expect(commands.contains("sysctl -w net.ipv4.conf.\(bridge).route_localnet=1"))
        for veth in [apiVeth, "vethdb000000"] {
            #expect(commands.contains("ip link del \(veth)"))
            #expect(commands.contains { $0.hasPrefix("ip link add \(veth) mtu 1500 master \(bridge) type veth") })
        }
    }

    /// Someone else's link under the bridge's name: never replaced, and nothing is attached to it.
    @Test func anUnmarkedLinkWhereTheBridgeBelongsIsLeftAlone() {
        let repair = repair { observed in
            let index = observed.host.links.firstIndex { $0.name == bridge }!
            observed.host.links[index].alias = nil
            observed.host.links.removeAll { $0.name == apiVeth }
        }
        #expect(repair.steps.isEmpty)
        #expect(repair.leftAlone == ["network web: bridge \(bridge) exists but does not carry the mark 'bridgectl net=web'; "
                                     + "not bridgectl's to replace (remove it, then run restore)"])
    }

    @Test func aMissingNamespaceIsMadeAgainEmptyWithEverythingInIt() {
        let repair = repair { observed in
            observed.namespaceNames.remove("db")
            observed.host.links.removeAll { $0.name == "vethdb000000" }
            observed.containerNamespaces["db"] = nil
            observed.unreadableNamespaces["db"] = "open namespace /run/netns/db: No such file or directory"
        }
        let dbSteps = made.dbPlan.steps.filter { step in
            if step.isBookkeeping { return false }
            if case .writeFile = step { return false }
            if case .createDirectory = step { return false }
            return true
        }
        #expect(repair.steps == dbSteps)
    }

    @Test func aRouteOrAddressOrFileIsPutBackAlone() {
        #expect(repair { $0.containerNamespaces["api"]!.routes[0].gateway = ip("172.18.0.9") }.steps
                == [.addDefaultRoute(via: ip("172.18.0.1"), link: "eth0", namespace: "api")])
        #expect(repair { $0.containerNamespaces["db"]!.addresses.removeAll() }.steps
                == [.addAddress(InterfaceAddress(ip: ip("172.18.0.3"), prefixLength: 16), link: "eth0", namespace: "db")])
        let hosts = expected.files.first { $0.path == "/etc/netns/db/hosts" }!
        #expect(repair { $0.etcNetns["db"]!["hosts"] = "6.6.6.6 evil\n" }.steps
                == [.writeFile(path: hosts.path, contents: hosts.contents, previous: "6.6.6.6 evil\n")])
        #expect(repair { $0.sysctls["net.ipv4.ip_forward"] = "0" }.steps == [.setSysctl(key: "net.ipv4.ip_forward", value: "1")])
    }

    /// Appending the one missing rule would put it after a rule it must precede: the chain is
    /// flushed and refilled in the expected order, and no other chain is touched.
    @Test func aChainThatLostARuleIsRefilledInOrder() {
        let icc = rule("net=web icc off")
        let ops = ruleOps(repair { $0.firewall.rules.remove(icc.observationKey) })
        let chainRules = expected.rules.filter { $0.table == "filter" && $0.chain == icc.chain }
        #expect(ops == [.flushChain(table: "filter", chain: icc.chain)]
                + chainRules.map { .append(table: "filter", chain: icc.chain, spec: $0.spec) })
    }

    /// The user's jump stays first in FORWARD: a missing forward jump goes right after it.
    @Test func builtInJumpsArePlacedAsTheBaseSetupPlacesThem() {
        let forwardJump = rule("forwarding for bridgectl networks")
        let userJump = rule("user rules first")
        var observed = clean
        observed.firewall = FirewallObservation(iptablesSave: iptablesSave(
            chains: expected.chains.map { ($0.table, $0.name) },
            rules: expected.rules.filter { $0.observationKey != forwardJump.observationKey }.map { ($0.table, $0.chain, $0.spec) }))
        var ops = HostRepair.plan(networks: made.networks, containers: [made.api, made.db], hostResolver: Fixture.hostResolver,
                                  expected: expected, observed: observed).steps
        #expect(ops == [.applyRules(RuleBatch([.insert(table: "filter", chain: "FORWARD", position: 2, spec: forwardJump.spec)]))])
        observed.firewall = FirewallObservation(iptablesSave: iptablesSave(
            chains: expected.chains.map { ($0.table, $0.name) },
            rules: expected.rules.filter { $0.observationKey != userJump.observationKey }.map { ($0.table, $0.chain, $0.spec) }))
        ops = HostRepair.plan(networks: made.networks, containers: [made.api, made.db], hostResolver: Fixture.hostResolver,
                              expected: expected, observed: observed).steps
        #expect(ops == [.applyRules(RuleBatch([.insert(table: "filter", chain: "FORWARD", position: 1, spec: userJump.spec)]))])
    }

    @Test func orphansGoOnlyWhenGiven() {
        let ghostRule = "-o br-9a8b7c6d5e4f -m comment --comment \"bridgectl net=ghost nothing else in\" -j DROP"
        let orphans = [
            Drift(owner: nil, kind: .orphanLink(name: "br-9a8b7c6d5e4f", kind: "bridge", mark: "bridgectl net=ghost")),
            Drift(owner: nil, kind: .orphanChain(table: "filter", chain: "BRIDGECTL-GHOST")),
            Drift(owner: nil, kind: .orphanRule(table: "filter", chain: "FORWARD", spec: "-m comment --comment \"bridgectl x\" -j BRIDGECTL-GHOST")),
            Drift(owner: nil, kind: .orphanRule(table: "filter", chain: "BRIDGECTL-FORWARD", spec: ghostRule)),
        ]
        let dirty: (inout HostSnapshot) -> Void = { observed in
            observed.firewall.rules.insert("filter/BRIDGECTL-FORWARD \(ghostRule)")
        }
        #expect(repair(dirty).isEmpty, "restore leaves orphans to doctor --fix")
        let repair = repair(orphans: orphans, dirty)
        #expect(repair.steps.first == .deleteLink(name: "br-9a8b7c6d5e4f", namespace: nil))
        let ops = ruleOps(repair)
        #expect(ops.first == .delete(table: "filter", chain: "FORWARD", spec: "-m comment --comment \"bridgectl x\" -j BRIDGECTL-GHOST"))
        #expect(ops.contains(.flushChain(table: "filter", chain: "BRIDGECTL-FORWARD")), "the chain holding an orphan is refilled")
        #expect(!ops.contains(.delete(table: "filter", chain: "BRIDGECTL-FORWARD", spec: ghostRule)), "not deleted twice")
        #expect(Array(ops.suffix(2)) == [.flushChain(table: "filter", chain: "BRIDGECTL-GHOST"),
                                         .deleteChain(table: "filter", chain: "BRIDGECTL-GHOST")])
    }

    @Test func withoutBridgeNetfilterICCOffIsLeftAloneAndSaidSo() {
        let repair = repair { $0.sysctls["net.bridge.bridge-nf-call-iptables"] = nil }
        #expect(repair.steps.isEmpty)
        #expect(repair.leftAlone == ["network web: enable_icc=false needs br_netfilter, which is not loaded: run 'modprobe br_netfilter', then restore"])
    }

    @Test func aScopedRepairTouchesOnlyItsOwnersLinks() {
        var observed = clean
        observed.containerNamespaces["api"]!.routes.removeAll()
        observed.containerNamespaces["db"]!.routes.removeAll()
        let repair = HostRepair.plan(networks: made.networks, containers: [made.api, made.db], hostResolver: Fixture.hostResolver,
                                     expected: expected, observed: observed, scope: .container("db"))
        #expect(repair.steps == [.addDefaultRoute(via: ip("172.18.0.1"), link: "eth0", namespace: "db")])
    }
}
