import BridgeModel
import Planning
import Testing

/// A host that holds exactly what `expected` says, as HostSnapshot.take would read it (the
/// ruleset goes through iptables-save text and FirewallObservation's parser).
func observation(of expected: ExpectedHost) -> HostSnapshot {
    var snapshot = HostSnapshot(parts: Set(HostSnapshot.Part.allCases))
    var index: Int32 = 1
    snapshot.host.links.append(HostSnapshot.Link(index: index, name: "lo", mtu: 65536))
    for bridge in expected.bridges {
        index += 1
        snapshot.host.links.append(HostSnapshot.Link(index: index, name: bridge.name, kind: "bridge", mtu: bridge.mtu,
                                                     mac: bridge.mac, isUp: bridge.isUp, alias: bridge.alias))
        for address in bridge.addresses { snapshot.host.addresses.append(.init(link: bridge.name, address: address)) }
    }
    for veth in expected.veths {
        index += 1
        let master = snapshot.host.link(named: veth.bridge)?.index
        snapshot.host.links.append(HostSnapshot.Link(index: index, name: veth.name, kind: "veth", mtu: veth.mtu,
                                                     isUp: veth.isUp, masterIndex: master, alias: veth.alias,
                                                     peerIndex: 2, peerNamespaceID: 0))
        snapshot.hairpin[veth.name] = false
    }
    for namespace in expected.namespaces {
        snapshot.namespaceNames.insert(namespace.name)
        var view = HostSnapshot.NetworkView()
        for (offset, interface) in expected.interfaces.filter({ $0.namespace == namespace.name }).enumerated() {
            view.links.append(HostSnapshot.Link(index: Int32(offset + 1), name: interface.name,
                                                kind: interface.name == "lo" ? nil : "veth", mtu: interface.mtu ?? 65536,
                                                mac: interface.mac, isUp: interface.isUp))
            for address in interface.addresses { view.addresses.append(.init(link: interface.name, address: address)) }
        }
        for route in expected.defaultRoutes where route.namespace == namespace.name {
            view.routes.append(.init(destination: net("0.0.0.0/0"), gateway: route.gateway, link: route.link))
        }
        snapshot.containerNamespaces[namespace.name] = view
    }
    for file in expected.files {
        let parts = file.path.split(separator: "/")
        snapshot.etcNetns[String(parts[2]), default: [:]][String(parts[3])] = file.contents
    }
    snapshot.firewall = FirewallObservation(iptablesSave: iptablesSave(chains: expected.chains.map { ($0.table, $0.name) },
                                                                       rules: expected.rules.map { ($0.table, $0.chain, $0.spec) }))
    for sysctl in expected.sysctls { snapshot.sysctls[sysctl.key] = sysctl.value }
    for hairpin in expected.hairpins { snapshot.hairpin[hairpin.link] = true }
    return snapshot
}

func iptablesSave(chains: [(String, String)], rules: [(String, String, String)]) -> String {
    var text = ""
    for table in ["nat", "filter"] {
        text += "*\(table)\n"
        let builtins = table == "nat" ? ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"] : ["INPUT", "FORWARD", "OUTPUT"]
        for chain in builtins { text += ":\(chain) ACCEPT [0:0]\n" }
        for (chainTable, chain) in chains where chainTable == table { text += ":\(chain) - [0:0]\n" }
        for (ruleTable, chain, spec) in rules where ruleTable == table { text += "-A \(chain) \(spec)\n" }
        text += "COMMIT\n"
    }
    return text
}

@Suite struct DriftTests {
    let expected = try! TwoContainerHost.expected()
    var clean: HostSnapshot { observation(of: expected) }
    let bridge = "br-f00d00000001"
    let apiVeth = "vetha9100000"

    func drifts(_ change: (inout HostSnapshot) -> Void) -> [String] {
        var observed = clean
        change(&observed)
        return expected.drifts(from: observed).map(\.description)
    }

    func withoutRule(_ observed: inout HostSnapshot, comment: String) {
        observed.firewall.rules = observed.firewall.rules.filter { !$0.contains("--comment \"bridgectl \(comment)\"") }
    }

    @Test func cleanHostHasNoDrift() {
        #expect(expected.drifts(from: clean).isEmpty)
    }

    @Test func bridgeDeleted() {
        let found = drifts { $0.host.links.removeAll { $0.name == bridge } }
        #expect(found.contains("network web: bridge \(bridge) is missing"))
        #expect(found.contains("container api: veth \(apiVeth) is on no bridge, expected on bridge \(bridge)"))
        // Its address and sysctls go with it: said once, by the missing bridge.
        #expect(!found.contains { $0.contains("address 172.18.0.1/16") || $0.contains("route_localnet") })
    }

    @Test func bridgeChanged() {
        let found = drifts { observed in
            let index = observed.host.links.firstIndex { $0.name == bridge }!
            observed.host.links[index].mtu = 1400
            observed.host.links[index].isUp = false
            observed.host.links[index].mac = MACAddress(bytes: [2, 0, 0, 0, 0, 1])
            observed.host.addresses.removeAll()
        }
        #expect(found == [
            "network web: bridge \(bridge) has MTU 1400, expected 1500",
            "network web: bridge \(bridge) has MAC 02:00:00:00:00:01, expected 02:42:ac:12:00:01",
            "network web: bridge \(bridge) is down",
            "network web: address 172.18.0.1/16 is missing from \(bridge)",
        ])
    }

    @Test func vethDeletedOrMoved() {
        #expect(drifts { $0.host.links.removeAll { $0.name == apiVeth } }
                == ["container api: veth \(apiVeth) is missing from bridge \(bridge)"])
        let moved = drifts { observed in
            observed.host.links.append(HostSnapshot.Link(index: 99, name: "docker0", kind: "bridge"))
            let index = observed.host.links.firstIndex { $0.name == apiVeth }!
            observed.host.links[index].masterIndex = 99
        }
        #expect(moved == ["container api: veth \(apiVeth) is on bridge docker0, expected on bridge \(bridge)"])
    }

    @Test func unmarkedLinkIsReportedAsSuch() {
        let found = drifts { observed in
            let index = observed.host.links.firstIndex { $0.name == bridge }!
            observed.host.links[index].alias = nil
        }
        #expect(found == ["network web: bridge \(bridge) is not marked 'bridgectl net=web'"])
    }

    @Test func namespaceDeletedSaysItOnce() {
        let found = drifts { observed in
            observed.namespaceNames.remove("db")
            observed.host.links.removeAll { $0.name == "vethdb000000" }
            observed.containerNamespaces["db"] = nil
            observed.unreadableNamespaces["db"] = "open namespace /run/netns/db: No such file or directory"
        }
        #expect(found == ["container db: namespace db is missing"])
    }

    @Test func namespaceThatCannotBeEntered() {
        let found = drifts { observed in
            observed.containerNamespaces["db"] = nil
            observed.unreadableNamespaces["db"] = "enter namespace db: Invalid argument"
        }
        #expect(found == ["container db: namespace db cannot be entered: enter namespace db: Invalid argument"])
    }

    @Test func containerInterfaceAddressAndRoute() {
        #expect(drifts { $0.containerNamespaces["api"]!.addresses.removeAll() }
                == ["container api: address 172.18.0.2/16 is missing from eth0 in namespace api"])
        #expect(drifts { $0.containerNamespaces["api"]!.routes.removeAll() }
                == ["container api: default route via 172.18.0.1 dev eth0 is missing from namespace api"])
        #expect(drifts { $0.containerNamespaces["api"]!.routes[0].gateway = ip("172.18.0.9") }
                == ["container api: default route in namespace api goes via 172.18.0.9, expected via 172.18.0.1"])
        // Deleting eth0 takes its address and route with it: one drift.
        #expect(drifts { $0.containerNamespaces["api"]!.links.removeAll { $0.name == "eth0" } }
                == ["container api: interface eth0 is missing from namespace api"])
        #expect(drifts { $0.containerNamespaces["api"]!.links[0].isUp = false }
                == ["container api: interface eth0 in namespace api is down"])
    }

    @Test func etcNetnsFileDeletedOrEdited() {
        #expect(drifts { $0.etcNetns["api"]!["hosts"] = nil } == ["container api: file /etc/netns/api/hosts is missing"])
        #expect(drifts { $0.etcNetns["db"]!["resolv.conf"] = "nameserver 1.1.1.1\n" }
                == ["container db: file /etc/netns/db/resolv.conf differs from what bridgectl wrote"])
    }

    @Test func oneRuleDeleted() {
        #expect(drifts { withoutRule(&$0, comment: "net=web masquerade") }
                == ["network web: rule 'bridgectl net=web masquerade' is missing from nat BRIDGECTL-POSTROUTING"])
    }

    @Test func iptablesFlushLosesEveryRuleButNoChain() {
        let found = drifts { $0.firewall.rules.removeAll() }
        #expect(found.count == expected.rules.count)
        #expect(found.contains("container api: rule 'bridgectl container=api publish 0.0.0.0:8080->80/tcp' is missing from nat BRIDGECTL-DNAT"))
        #expect(found.contains("bridgectl: rule 'bridgectl user rules first' is missing from filter FORWARD"))
    }

    @Test func nftFlushLosesChainsToo() {
        let found = drifts { $0.firewall = FirewallObservation(iptablesSave: iptablesSave(chains: [], rules: [])) }
        #expect(found.contains("bridgectl: chain nat BRIDGECTL-POSTROUTING is missing"))
        #expect(found.filter { $0.contains("chain") && $0.hasSuffix("is missing") }.count == expected.chains.count)
        #expect(found.count == expected.chains.count + expected.rules.count)
    }

    @Test func sysctlsAndHairpin() {
        #expect(drifts { $0.sysctls["net.ipv4.ip_forward"] = "0" }
                == ["network web: sysctl net.ipv4.ip_forward is 0, expected 1"])
        #expect(drifts { $0.sysctls["net.bridge.bridge-nf-call-iptables"] = nil }
                == ["network web: sysctl net.bridge.bridge-nf-call-iptables is unreadable, expected 1"])
        #expect(drifts { $0.hairpin[apiVeth] = false } == ["container api: hairpin mode is off on bridge port \(apiVeth)"])
    }

    @Test func onlyMarkedLinksAreOrphans() {
        let found = drifts { observed in
            observed.host.links.append(HostSnapshot.Link(index: 50, name: "br-9a8b00000000", kind: "bridge",
                                                         alias: "bridgectl net=old"))
            observed.host.links.append(HostSnapshot.Link(index: 51, name: "veth9a8b0000", kind: "veth",
                                                         alias: "bridgectl container=gone"))
            // Docker's bridge and a hand-made one: same naming scheme, no mark, never ours.
            observed.host.links.append(HostSnapshot.Link(index: 52, name: "br-123456789abc", kind: "bridge"))
            observed.host.links.append(HostSnapshot.Link(index: 53, name: "br-hand", kind: "bridge", alias: "my bridge"))
        }
        #expect(found == [
            "orphan bridge br-9a8b00000000 ('bridgectl net=old') has no network in the state",
            "orphan veth veth9a8b0000 ('bridgectl container=gone') has no container in the state",
        ])
    }

    @Test func orphanRulesAndChainsButNeverTheUsersRules() {
        let found = drifts { observed in
            var rules = expected.rules.map { ($0.table, $0.chain, $0.spec) }
            rules.append(("nat", "BRIDGECTL-POSTROUTING",
                          "-s 172.30.0.0/16 ! -o br-0ld000000000 -m comment --comment \"bridgectl net=old masquerade\" -j MASQUERADE"))
            rules.append(("filter", "BRIDGECTL-USER", "-s 10.0.0.0/8 -m comment --comment \"bridgectl my own\" -j DROP"))
            rules.append(("filter", "FORWARD", "-i eth9 -j ACCEPT"))
            observed.firewall = FirewallObservation(iptablesSave: iptablesSave(
                chains: expected.chains.map { ($0.table, $0.name) } + [("filter", "BRIDGECTL-OLD")], rules: rules))
        }
        #expect(found == [
            "orphan rule 'bridgectl net=old masquerade' in nat BRIDGECTL-POSTROUTING has no owner in the state",
            "orphan chain filter BRIDGECTL-OLD has no network in the state",
        ])
    }

    @Test func leftoverChainsWhenNoNetworkIsActive() {
        let nothing = ExpectedHost.render(networks: Fixture.builtins, containers: [], hostResolver: Fixture.hostResolver)
        var observed = HostSnapshot(parts: [.firewall])
        observed.firewall = FirewallObservation(iptablesSave: iptablesSave(
            chains: [("filter", "BRIDGECTL-CT"), ("filter", "BRIDGECTL-USER")],
            rules: [("filter", "BRIDGECTL-USER", "-j DROP"),
                    ("filter", "FORWARD", "-m comment --comment \"bridgectl user rules first\" -j BRIDGECTL-USER")]))
        // The user's chain holds the user's rule: it stays, with its jump.
        #expect(nothing.drifts(from: observed).map(\.description) == ["orphan chain filter BRIDGECTL-CT has no network in the state"])
    }

    @Test func partsNotTakenAreNotJudged() {
        let linksOnly = HostSnapshot(parts: [.hostLinks])
        let found = expected.drifts(from: linksOnly).map(\.description)
        #expect(found == [
            "network web: bridge \(bridge) is missing",
            "container api: veth \(apiVeth) is missing from bridge \(bridge)",
            "container db: veth vethdb000000 is missing from bridge \(bridge)",
        ])
    }

    @Test func scopedToOneOwner() {
        var observed = clean
        observed.host.links.removeAll { $0.name == apiVeth || $0.name == "vethdb000000" }
        withoutRule(&observed, comment: "net=web masquerade")
        #expect(expected.owned(by: .container("db")).drifts(from: observed).map(\.description)
                == ["container db: veth vethdb000000 is missing from bridge \(bridge)"])
        #expect(expected.owned(by: .network("web")).drifts(from: observed).map(\.description)
                == ["network web: rule 'bridgectl net=web masquerade' is missing from nat BRIDGECTL-POSTROUTING"])
    }

    @Test func driftsNameTheirOwner() {
        var observed = clean
        observed.host.links.removeAll { $0.name == apiVeth }
        let drift = try! #require(expected.drifts(from: observed).first)
        #expect(drift.owner == .container("api"))
        #expect(drift.kind == .vethMissing(veth: apiVeth, bridge: bridge))
        #expect(!drift.isOrphan)
    }
}
