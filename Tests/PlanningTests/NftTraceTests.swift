import BridgeModel
import Planning
import Testing

/// trace on the nftables backend: `nft monitor trace` output (shapes captured from a real trace)
/// parsed, each rule of table ip bridgectl in RuleMeaning's words, the element that decided named.
@Suite struct NftTraceTests {
    /// web (br-f00d00000001, ICC off, api 172.18.0.2 publishing 8080->80/tcp) and internal data
    /// (br-da7a00000004), on the nftables backend.
    func plannedOps() throws -> [NftOp] {
        let (networks, containers) = try ExplainHost.nftRecords()
        return ExpectedHost.render(networks: networks, containers: containers, hostResolver: Fixture.hostResolver).nftOps
    }

    func report(_ capture: String, interfaceAddresses: [String: [IPv4Address]] = [:]) throws -> TraceReport {
        TraceReport.build(visits: TraceLog.parseNft(capture), firewall: FirewallObservation(),
                          interfaceAddresses: interfaceAddresses, nftOps: try plannedOps())
    }

    @Test func parsesPacketsRulesJumpsAndPolicies() {
        let visits = TraceLog.parseNft("""
            trace id a52e44c5 ip bridgectl-trace-7 output packet: oif "lo" ip saddr 127.0.0.1 ip daddr 127.0.0.1 ip dscp cs0 ip ttl 64 tcp sport 56470 tcp dport 8080 tcp flags == syn
            trace id a52e44c5 ip bridgectl-trace-7 output unknown rule handle 4 (verdict continue)
            trace id a52e44c5 ip bridgectl-trace-7 output policy accept 
            trace id c26ab19d ip bridgectl forward packet: iif "br-a" oif "br-b" ether saddr 02:42:ac:12:00:02 ip saddr 172.18.0.2 ip daddr 172.19.0.2 icmp type echo-request icmp id 69
            trace id c26ab19d ip bridgectl forward rule iifname vmap @from-bridge comment "bridgectl traffic from a network" (verdict jump forward-br-a)
            trace id c26ab19d ip bridgectl forward-br-a packet: iif "br-a" oif "br-b" ip saddr 172.18.0.2 ip daddr 172.19.0.2 icmp type echo-request
            trace id c26ab19d ip bridgectl forward-br-a rule oifname @bridges drop comment "bridgectl net=a isolated from other networks" (verdict drop)
            """)
        #expect(visits.count == 2)
        #expect(visits[0].packet == TraceLog.Packet(outInterface: "lo", source: ip("127.0.0.1"), destination: ip("127.0.0.1"),
                                                    sourcePort: 56470, destinationPort: 8080).with(transport: "tcp"))
        #expect(visits[0].events.map(\.verdict) == ["CONTINUE", "ACCEPT"])
        #expect(visits[0].events[1].isPolicy)
        #expect(visits[1].packet.inInterface == "br-a" && visits[1].packet.transport == "icmp")
        #expect(visits[1].events.map(\.verdict) == ["JUMP", "DROP"])
        #expect(visits[1].events[0].jumpTarget == "forward-br-a")
        #expect(visits[1].events[1].spec == "oifname @bridges drop comment \"bridgectl net=a isolated from other networks\"")
    }

    @Test func isolationDropNamesTheNetworksElementAndRule() throws {
        let report = try report("""
            trace id 1 ip bridgectl-trace-7 prerouting packet: iif "br-f00d00000001" ip saddr 172.18.0.2 ip daddr 172.19.0.2 icmp type echo-request
            trace id 1 ip bridgectl-trace-7 prerouting unknown rule handle 2 (verdict continue)
            trace id 1 ip bridgectl-trace-7 prerouting policy accept 
            trace id 1 ip bridgectl prerouting packet: iif "br-f00d00000001" ip saddr 172.18.0.2 ip daddr 172.19.0.2 icmp type echo-request
            trace id 1 ip bridgectl prerouting policy accept 
            trace id 2 ip bridgectl forward packet: iif "br-f00d00000001" oif "br-da7a00000004" ip saddr 172.18.0.2 ip daddr 172.19.0.2 icmp type echo-request
            trace id 2 ip bridgectl forward rule jump user comment "bridgectl user rules first" (verdict jump user)
            trace id 2 ip bridgectl forward rule iifname vmap @from-bridge comment "bridgectl traffic from a network" (verdict jump forward-br-f00d00000001)
            trace id 2 ip bridgectl forward-br-f00d00000001 rule oifname @bridges drop comment "bridgectl net=web isolated from other networks" (verdict drop)
            """)
        #expect(report.verdict == "dropped in forward-br-f00d00000001 by 'bridgectl net=web isolated from other networks'")
        #expect(report.lines == [
            "PREROUTING  172.18.0.2 -> 172.19.0.2 (in br-f00d00000001)",
            "  bridgectl prerouting: policy ACCEPT: not addressed to a port published on this host: no rewrite, accepted",
            "FORWARD  172.18.0.2 -> 172.19.0.2 (in br-f00d00000001, out br-da7a00000004)",
            "  bridgectl forward: jump user: runs the user's own rules in chain user before any of bridgectl's ('bridgectl user rules first')",
            "  bridgectl forward: jump forward-br-f00d00000001: sends traffic from br-f00d00000001 to chain forward-br-f00d00000001 ('bridgectl net=web')",
            "  bridgectl forward-br-f00d00000001: DROP: drops traffic from web's containers into other bridgectl networks: they are isolated ('bridgectl net=web isolated from other networks')",
            "verdict: dropped in forward-br-f00d00000001 by 'bridgectl net=web isolated from other networks'",
        ])
    }

    @Test func internalNetworkDropIsItsIntoChain() throws {
        let report = try report("""
            trace id 2 ip bridgectl forward packet: iif "uplink0" oif "br-da7a00000004" ip saddr 203.0.113.1 ip daddr 172.19.0.2 icmp type echo-request
            trace id 2 ip bridgectl forward rule jump user comment "bridgectl user rules first" (verdict jump user)
            trace id 2 ip bridgectl forward rule oifname vmap @to-bridge comment "bridgectl traffic into a network" (verdict jump into-br-da7a00000004)
            trace id 2 ip bridgectl into-br-da7a00000004 rule drop comment "bridgectl net=data internal: nothing in" (verdict drop)
            """)
        #expect(report.verdict == "dropped in into-br-da7a00000004 by 'bridgectl net=data internal: nothing in'")
        #expect(report.lines.contains(
            "  bridgectl forward: jump into-br-da7a00000004: sends any other traffic into br-da7a00000004 to chain into-br-da7a00000004 ('bridgectl net=data')"))
        #expect(report.lines.contains(
            "  bridgectl into-br-da7a00000004: DROP: drops everything entering br-da7a00000004 from elsewhere because data is internal ('bridgectl net=data internal: nothing in')"))
    }

    @Test func aConnectionAnotherToolDNATedIsAcceptedByTheIntoChain() throws {
        let report = try report("""
            trace id 3 ip bridgectl forward packet: iif "uplink0" oif "br-f00d00000001" ip saddr 203.0.113.1 ip daddr 172.18.0.2 tcp sport 40000 tcp dport 80 tcp flags == syn
            trace id 3 ip bridgectl forward rule jump user comment "bridgectl user rules first" (verdict jump user)
            trace id 3 ip bridgectl forward rule oifname vmap @to-bridge comment "bridgectl traffic into a network" (verdict jump into-br-f00d00000001)
            trace id 3 ip bridgectl into-br-f00d00000001 rule ct status dnat accept comment "bridgectl net=web DNATed in" (verdict accept)
            """)
        #expect(report.verdict == "accepted")
        #expect(report.lines.contains(
            "  bridgectl into-br-f00d00000001: ACCEPT: accepts connections another tool (CNI portmap, a rule of your own) DNATed into br-f00d00000001 ('bridgectl net=web DNATed in')"))
    }

    @Test func publishedPortFromTheHostIsDNATedThenMasqueraded() throws {
        let report = try report("""
            trace id a52e44c5 ip bridgectl-trace-7 output packet: oif "lo" ip saddr 127.0.0.1 ip daddr 127.0.0.1 tcp sport 56470 tcp dport 8080 tcp flags == syn
            trace id a52e44c5 ip bridgectl-trace-7 output unknown rule handle 4 (verdict continue)
            trace id a52e44c5 ip bridgectl-trace-7 output policy accept 
            trace id a52e44c5 ip bridgectl output packet: oif "lo" ip saddr 127.0.0.1 ip daddr 127.0.0.1 tcp sport 56470 tcp dport 8080 tcp flags == syn
            trace id a52e44c5 ip bridgectl output rule fib daddr type local meta l4proto { tcp, udp } dnat ip to meta l4proto . th dport map @published-any-address comment "bridgectl published ports from this host (every address)" (verdict accept)
            trace id a52e44c5 ip bridgectl postrouting packet: oif "br-f00d00000001" ip saddr 127.0.0.1 ip daddr 172.18.0.2 tcp sport 56470 tcp dport 80 tcp flags == syn
            trace id a52e44c5 ip bridgectl postrouting rule oifname @bridges fib saddr type local masquerade comment "bridgectl host to published ports" (verdict accept)
            """, interfaceAddresses: ["br-f00d00000001": [ip("172.18.0.1")]])
        #expect(report.verdict == "DNATed to 172.18.0.2:80 by 'bridgectl container=api publish 0.0.0.0:8080->80/tcp', "
            + "then masqueraded as 172.18.0.1 by 'bridgectl host to published ports', then accepted")
        #expect(report.lines.contains(
            "  bridgectl output: DNAT: rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by api) ('bridgectl container=api publish 0.0.0.0:8080->80/tcp')"))
        #expect(report.lines.contains { $0.hasPrefix("  bridgectl postrouting: MASQUERADE: gives this host's connections") })
    }

    @Test func publishedPortFromOutsideIsTheContainersElements() throws {
        let report = try report("""
            trace id 1 ip bridgectl prerouting packet: iif "uplink0" ip saddr 203.0.113.1 ip daddr 203.0.113.2 tcp sport 40000 tcp dport 8080 tcp flags == syn
            trace id 1 ip bridgectl prerouting rule fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto { tcp, udp } dnat ip to meta l4proto . th dport map @published-any-address comment "bridgectl published ports (every address)" (verdict accept)
            trace id 2 ip bridgectl forward packet: iif "uplink0" oif "br-f00d00000001" ip saddr 203.0.113.1 ip daddr 172.18.0.2 tcp sport 40000 tcp dport 80 tcp flags == syn
            trace id 2 ip bridgectl forward rule jump user comment "bridgectl user rules first" (verdict jump user)
            trace id 2 ip bridgectl forward rule ct status dnat ip daddr . meta l4proto . th dport @published-accept accept comment "bridgectl published ports" (verdict accept)
            """)
        #expect(report.verdict == "DNATed to 172.18.0.2:80 by 'bridgectl container=api publish 0.0.0.0:8080->80/tcp', then accepted")
        #expect(report.lines.contains(
            "  bridgectl forward: ACCEPT: accepts traffic rewritten to 172.18.0.2:80/tcp (published by api) ('bridgectl container=api published')"))
    }

    @Test func outboundMasqueradeIsTheNetworksRule() throws {
        let report = try report("""
            trace id 2 ip bridgectl postrouting packet: iif "br-f00d00000001" oif "uplink0" ip saddr 172.18.0.2 ip daddr 203.0.113.1 icmp type echo-request
            trace id 2 ip bridgectl postrouting rule iifname vmap @nat-from-bridge comment "bridgectl masquerade" (verdict jump nat-br-f00d00000001)
            trace id 2 ip bridgectl nat-br-f00d00000001 rule oifname != "br-f00d00000001" masquerade comment "bridgectl net=web masquerade" (verdict accept)
            """, interfaceAddresses: ["uplink0": [ip("203.0.113.2")]])
        #expect(report.verdict == "masqueraded as 203.0.113.2 by 'bridgectl net=web masquerade', then accepted")
    }
}

extension TraceLog.Packet {
    func with(transport: String) -> TraceLog.Packet {
        var packet = self
        packet.transport = transport
        return packet
    }
}
