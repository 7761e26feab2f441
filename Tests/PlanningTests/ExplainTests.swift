import BridgeModel
import Foundation
import Planning
import Testing

/// TwoContainerHost (network web, ICC off: api publishing 8080->80/tcp, db) plus an internal
/// network "data" with a container "cache" on both networks, on a host whose uplink is eth0.
enum ExplainHost {
    static let data = NetworkRecord(id: oid("da7a00000004"), name: "data", kind: .user, created: "t1",
                                    bridgeName: "br-da7a00000004", subnet: net("172.19.0.0/16"), gateway: ip("172.19.0.1"),
                                    isInternal: true)
    static let cacheID = oid("cac0000")

    /// The same host on the nftables backend: every network keeps its rules in table ip bridgectl.
    static func nftRecords() throws -> (networks: [NetworkRecord], containers: [ContainerRecord]) {
        let (networks, containers) = try records()
        return (networks.map { $0.withFirewall(.nftables) }, containers)
    }

    /// The nftables host as the kernel would hold it (the table as the ops make it), changed by
    /// `change`.
    static func nftTopology(_ scope: Topology.Scope, change: (inout HostSnapshot) -> Void = { _ in }) throws -> Topology {
        let (networks, containers) = try nftRecords()
        let expected = ExpectedHost.render(networks: networks, containers: containers, hostResolver: Fixture.hostResolver)
        var observed = observed(expected)
        observed.nftables = .expected(from: expected.nftOps)
        change(&observed)
        return Topology.build(scope: scope, networks: networks, containers: containers, expected: expected,
                              observed: observed, drifts: expected.drifts(from: observed))
    }

    static func records() throws -> (networks: [NetworkRecord], containers: [ContainerRecord]) {
        let made = try TwoContainerHost.make()
        var ids = IDSequence(next: 10)
        let (cache, _) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "cache"), id: cacheID, created: "t4", mode: .bridged,
            targets: [AttachTarget(network: data, usedAddresses: []),
                      AttachTarget(network: TwoContainerHost.web, usedAddresses: [ip("172.18.0.2"), ip("172.18.0.3")])],
            hostResolver: Fixture.hostResolver, makeID: { ids.make() })
        return (made.networks + [data], [made.api, made.db, cache])
    }

    static func expected() throws -> ExpectedHost {
        let (networks, containers) = try records()
        return ExpectedHost.render(networks: networks, containers: containers, hostResolver: Fixture.hostResolver)
    }

    /// The host as the kernel would hold it, with an uplink.
    static func observed(_ expected: ExpectedHost) -> HostSnapshot {
        var snapshot = observation(of: expected)
        snapshot.host.links.append(HostSnapshot.Link(index: 40, name: "eth0", kind: nil, mtu: 1500))
        snapshot.host.addresses.append(.init(link: "eth0", address: InterfaceAddress(ip: ip("10.0.2.15"), prefixLength: 24)))
        snapshot.host.routes.append(.init(destination: net("0.0.0.0/0"), gateway: ip("10.0.2.2"), link: "eth0"))
        for (name, view) in snapshot.containerNamespaces {
            var view = view
            for link in view.links where link.name.hasPrefix("eth") {
                for address in view.addresses(on: link.name) {
                    view.routes.append(.init(destination: address.network, link: link.name))
                }
            }
            snapshot.containerNamespaces[name] = view
        }
        return snapshot
    }

    static func topology(_ scope: Topology.Scope, change: (inout HostSnapshot) -> Void = { _ in }) throws -> Topology {
        let (networks, containers) = try records()
        let expected = try expected()
        var observed = observed(expected)
        change(&observed)
        return Topology.build(scope: scope, networks: networks, containers: containers, expected: expected,
                              observed: observed, drifts: expected.drifts(from: observed))
    }
}

@Suite struct ExplainTests {
    /// Compares with Tests/Golden/explain/NAME; BRIDGECTL_UPDATE_GOLDEN=1 writes it instead.
    func golden(_ name: String, _ actual: String) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Golden/explain/\(name)").path
        if ProcessInfo.processInfo.environment["BRIDGECTL_UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected, "differs from \(path) (BRIDGECTL_UPDATE_GOLDEN=1 rewrites it)")
    }

    func widest(_ text: String) -> Int { text.split(separator: "\n").map(\.count).max() ?? 0 }

    @Test func everythingAsText() throws {
        let text = TopologyText.render(try ExplainHost.topology(.everything), color: false)
        try golden("everything.txt", text)
        #expect(widest(text) <= 100)
        #expect(!text.contains("\u{1B}["))
    }

    @Test func theIssuesContent() throws {
        let text = TopologyText.render(try ExplainHost.topology(.network("web")), color: false)
        try golden("web.txt", text)
        for fact in [
            "bridge br-f00d00000001 · ifindex 2 · 172.18.0.1/16 · MTU 1500", // bridge, gateway/prefix, MTU
            "vetha9100000 · ifindex", "port of br-f00d00000001", "eth0 · ifindex", // both ends of the veth pair
            "netns /run/netns/api", "172.18.0.2/16 · MAC 02:42:ac:12:00:02", "default via 172.18.0.1 dev eth0",
            "nameserver 127.0.0.11",
            "published 0.0.0.0:8080 -> api 172.18.0.2:80/tcp",
            "ICC off · masquerade on · internal no", "isolated from: data",
            "drops container-to-container traffic on br-f00d00000001 because enable_icc=false",
            "rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by api)",
            "no drift",
        ] {
            #expect(text.contains(fact), "missing: \(fact)")
        }
        // Each veth pair by both names and ifindexes, read from the kernel's view.
        let web = try ExplainHost.topology(.network("web")).networks[0]
        #expect(web.attachments.map(\.hostVeth) == ["vetha9100000", "vethdb000000", "vethcac00001"])
        #expect(web.attachments.allSatisfy { $0.hostVethIndex != nil && $0.interfaceIndex != nil })
    }

    @Test func containerScopeShowsItsNetworks() throws {
        let topology = try ExplainHost.topology(.container("cache"))
        #expect(topology.networks.map(\.name) == ["web", "data"])
        #expect(topology.networks.allSatisfy { $0.attachments.map(\.container) == ["cache"] })
        #expect(topology.networks[0].otherContainers == ["api", "db"])
        // Rules of the networks, none of another container's ports.
        #expect(!topology.networks[0].rules.contains { $0.meaning.owner == .container("api") })
        let text = TopologyText.render(topology, color: false)
        try golden("cache.txt", text)
        #expect(widest(text) <= 100)
    }

    @Test func internalNetworkSaysSo() throws {
        let data = try ExplainHost.topology(.network("data")).networks[0]
        #expect(data.isInternal && !data.masquerade)
        #expect(data.rules.map(\.meaning.sentence).contains(
            "drops everything leaving br-da7a00000004 for elsewhere because data is internal"))
    }

    @Test func deletedVethIsMarkedEverywhere() throws {
        let topology = try ExplainHost.topology(.network("web")) { observed in
            observed.host.links.removeAll { $0.name == "vetha9100000" }
        }
        let sentence = "container api: veth vetha9100000 is missing from bridge br-f00d00000001"
        let api = topology.networks[0].attachments[0]
        #expect(api.hostVethIndex == nil)
        #expect(api.drifts == [sentence])
        let text = TopologyText.render(topology, color: false)
        try golden("web-veth-missing.txt", text)
        #expect(text.contains("│ vetha9100000 ✗ missing"))
        #expect(text.contains("✗ \(sentence)"))
        let dot = TopologyGraph.dot(topology)
        try golden("web-veth-missing.dot", dot)
        #expect(dot.contains("✗ missing"))
        #expect(dot.contains("color=red"))
        let mermaid = TopologyGraph.mermaid(topology)
        try golden("web-veth-missing.mmd", mermaid)
        #expect(mermaid.contains("class ctr0 drift"))
        #expect(mermaid.contains("-.->"))
    }

    @Test func missingRuleIsMarkedInTheRuleList() throws {
        let topology = try ExplainHost.topology(.network("web")) { observed in
            observed.firewall.rules = observed.firewall.rules.filter { !$0.contains("net=web masquerade") }
        }
        let masquerade = topology.networks[0].rules.first { $0.meaning.name == "net=web masquerade" }
        #expect(masquerade?.missing == true)
        #expect(topology.networks[0].drifts == [
            "network web: rule 'bridgectl net=web masquerade' is missing from nat BRIDGECTL-POSTROUTING",
        ])
        let text = TopologyText.render(topology, color: false)
        #expect(text.contains("✗ missing: masquerades 172.18.0.0/16"))
    }

    @Test func nftablesRulesInWords() throws {
        let topology = try ExplainHost.nftTopology(.everything)
        let text = TopologyText.render(topology, color: false)
        try golden("nft-everything.txt", text)
        #expect(widest(text) <= 100)
        for fact in [
            "Rules for network web (nft list table ip bridgectl)",
            "  chain forward-br-f00d00000001",
            "drops container-to-container traffic on br-f00d00000001 because enable_icc=false",
            "  map published-any-address",
            "rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by api)",
            "accepts traffic rewritten to 172.18.0.2:80/tcp (published by api)",
            "drops everything entering br-da7a00000004 from elsewhere because data is internal",
            "Rules every bridgectl network goes through (nft list table ip bridgectl)",
            "  chain prerouting",
            "no drift",
        ] {
            #expect(text.contains(fact), "missing: \(fact)")
        }
        #expect(!text.contains("iptables-save"))
        // No rule of the shared setup twice, though it is sent with every network's creation.
        #expect(topology.sharedRules.count == Set(topology.sharedRules.map { "\($0.chain) \($0.meaning.name)" }).count)
        let dot = TopologyGraph.dot(topology)
        try golden("nft-everything.dot", dot)
        #expect(dot.contains("chain forward-br-f00d00000001: drops container-to-container\\l"))
        try golden("nft-everything.mmd", TopologyGraph.mermaid(topology))
    }

    @Test func nftablesElementGoneIsMarkedOnItsOwner() throws {
        let published = NftObservedElement(.protocolPort(.tcp, 8080), .addressPort(ip("172.18.0.2"), 80))
        let topology = try ExplainHost.nftTopology(.network("web")) { observed in
            observed.nftables.elements[NftPlanner.publishedAnyAddressMap]?.remove(published)
            observed.nftables.rules[NftPlanner.forwardChain(of: "br-f00d00000001")]?.removeLast()
        }
        let web = topology.networks[0]
        let rewrite = web.rules.first { $0.meaning.sentence.hasPrefix("rewrites 0.0.0.0:8080/tcp") }
        #expect(rewrite?.missing == true)
        #expect(web.rules.filter(\.missing).count == 2)
        // The element is api's (it holds api's address), the chain web's (it is named after web's bridge).
        #expect(web.attachments[0].drifts == ["bridgectl: nftables: element tcp . 8080 : 172.18.0.2 . 80 missing from map published-any-address"])
        #expect(web.drifts.count == 1 && web.drifts[0].contains("rules of chain forward-br-f00d00000001 differ"))
        #expect(topology.hostDrifts.isEmpty)
        let text = TopologyText.render(topology, color: false)
        try golden("nft-web-element-missing.txt", text)
        #expect(text.contains("✗ missing: rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by api)"))
        let dot = TopologyGraph.dot(topology)
        #expect(dot.contains("✗ missing: map published-any-address: rewrites\\l  0.0.0.0:8080/tcp"))
        #expect(dot.contains("color=red"))
    }

    @Test func aDriftAboutNothingDrawnIsStillSaid() throws {
        let downLoopback: (inout HostSnapshot) -> Void = { observed in
            var view = observed.containerNamespaces["db"]!
            let index = view.links.firstIndex { $0.name == "lo" }!
            view.links[index].isUp = false
            observed.containerNamespaces["db"] = view
        }
        let sentence = "container db: interface lo in namespace db is down"
        #expect(try ExplainHost.topology(.everything, change: downLoopback).hostDrifts == [sentence])
        #expect(try ExplainHost.topology(.container("db"), change: downLoopback).hostDrifts == [sentence])
        #expect(try ExplainHost.topology(.network("data"), change: downLoopback).hostDrifts.isEmpty)
    }

    @Test func graphsOfEverything() throws {
        let topology = try ExplainHost.topology(.everything)
        let dot = TopologyGraph.dot(topology)
        try golden("everything.dot", dot)
        #expect(dot.hasPrefix("digraph bridgectl {"))
        #expect(dot.contains("net0 -> net1 [label=\"isolated\\l\""))
        let mermaid = TopologyGraph.mermaid(topology)
        try golden("everything.mmd", mermaid)
        #expect(mermaid.hasPrefix("flowchart TB\n"))
        // A container on two networks is one node with two veth edges.
        #expect(mermaid.components(separatedBy: "container cache").count == 2)
        #expect(!mermaid.contains("->80/tcp") && mermaid.contains("-#gt;80/tcp"))
    }

    @Test func colourOnlyWhenAsked() throws {
        let topology = try ExplainHost.topology(.network("web")) { observed in
            observed.host.links.removeAll { $0.name == "vetha9100000" }
        }
        let plain = TopologyText.render(topology, color: false)
        let coloured = TopologyText.render(topology, color: true)
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.contains("\u{1B}[31m✗"))
        // The same layout: only the escapes differ.
        let stripped = coloured.replacingOccurrences(of: "\u{1B}[31m", with: "").replacingOccurrences(of: "\u{1B}[1m", with: "")
            .replacingOccurrences(of: "\u{1B}[0m", with: "")
        #expect(stripped == plain)
    }

    @Test func manyContainersWrapWithin100Columns() throws {
        var ids = IDSequence(next: 100)
        let web = TwoContainerHost.web
        var containers: [ContainerRecord] = []
        var used: Set<IPv4Address> = []
        for index in 0..<7 {
            let (record, _) = try ContainerPlanner.create(
                ContainerCreateRequest(name: "a-rather-long-container-name-\(index)"), id: oid("c\(index)"), created: "t",
                mode: .bridged, targets: [AttachTarget(network: web, usedAddresses: used)],
                hostResolver: Fixture.hostResolver, makeID: { ids.make() })
            used.insert(record.endpoints[0].address)
            containers.append(record)
        }
        let networks = [Fixture.defaultBridge, Fixture.host, Fixture.none, web]
        let expected = ExpectedHost.render(networks: networks, containers: containers, hostResolver: Fixture.hostResolver)
        var observed = ExplainHost.observed(expected)
        observed.host.links.removeAll { $0.name == containers[3].endpoints[0].hostInterfaceName }
        let topology = Topology.build(scope: .everything, networks: networks, containers: containers, expected: expected,
                                      observed: observed, drifts: expected.drifts(from: observed))
        let text = TopologyText.render(topology, color: false)
        #expect(widest(text) <= 100, "\(text)")
        #expect(text.contains("a-rather-long-container-name-6"))
        #expect(text.contains("✗ container a-rather-long-container-name-3: veth"))
    }

    @Test func wrapKeepsWordsAndCutsOnlyWhatCannotFit() {
        #expect(TopologyText.wrap("one two three", width: 7) == ["one two", "three"])
        #expect(TopologyText.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    }

    @Test func mermaidEscapesWhatEndsALabel() {
        #expect(TopologyGraph.mermaidLabel(["a \"b\" <c> #1"]) == "\"a #quot;b#quot; #lt;c#gt; #35;1\"")
        #expect(TopologyGraph.dotLabel(["say \"hi\"", "x\\y"]) == "\"say \\\"hi\\\"\\lx\\\\y\\l\"")
    }
}
