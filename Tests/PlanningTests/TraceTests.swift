import BridgeModel
import Planning
import Testing

@Suite struct TraceLogTests {
    @Test func parsesPacketsAndTheRulesTheyMatched() {
        let visits = TraceLog.parse(TraceCapture.iccOff)
        #expect(visits.count == 3)
        #expect(visits[0].packet == TraceLog.Packet(inInterface: "br-1c0e61801082", source: ip("172.18.0.2"), destination: ip("172.18.0.3")))
        #expect(visits[0].events.first?.table == "bridgectl-trace-77")
        #expect(visits[1].events == [TraceLog.Event(table: "nat", chain: "PREROUTING", verdict: "ACCEPT")])
        #expect(visits[2].packet.outInterface == "br-1c0e61801082")
        #expect(visits[2].events[0] == TraceLog.Event(table: "filter", chain: "FORWARD", verdict: "JUMP", jumpTarget: "BRIDGECTL-USER",
                                                      spec: "-m comment --comment \"bridgectl user rules first\" -j BRIDGECTL-USER"))
        #expect(visits[2].events.last == TraceLog.Event(
            table: "filter", chain: "BRIDGECTL-FORWARD", verdict: "DROP",
            spec: "-i br-1c0e61801082 -o br-1c0e61801082 -m comment --comment \"bridgectl net=quiet icc off\" -j DROP"))
    }

    @Test func readsPortsAndTheRewrittenDestination() {
        let visits = TraceLog.parse(TraceCapture.publishedFromInternet)
        #expect(visits[0].packet == TraceLog.Packet(inInterface: "uplink0", source: ip("203.0.113.1"), destination: ip("203.0.113.2"),
                                                    sourcePort: 53610, destinationPort: 8080))
        #expect(visits[2].packet.destination == ip("172.19.0.2"))
        #expect(visits[2].packet.destinationPort == 80)
    }

    @Test func skipsWhatItCannotRead() {
        let text = """
             TRACE: 2 aa filter:FORWARD:policy:ACCEPT
            garbage
            PACKET: 2 bb SRC=10.0.0.1 DST=10.0.0.2 LEN=84
             TRACE: 2 bb filter
             TRACE: 2 bb filter:FORWARD:weird:ACCEPT
             TRACE: 2 bb filter:FORWARD:policy:DROP
            """
        let visits = TraceLog.parse(text)
        #expect(visits.count == 1)
        #expect(visits[0].events == [TraceLog.Event(table: "filter", chain: "FORWARD", verdict: "DROP")])
    }
}

@Suite struct TraceReportTests {
    func report(_ text: String, firewall: FirewallObservation = FirewallObservation(),
                conntrack: String = "", interfaces: [String: [IPv4Address]] = [:]) -> TraceReport {
        TraceReport.build(visits: TraceLog.parse(text), firewall: firewall, conntrack: ConntrackEntry.parse(conntrack),
                          interfaceAddresses: interfaces)
    }

    @Test func iccOffDrop() {
        let trace = report(TraceCapture.iccOff, firewall: FirewallObservation(iptablesSave: TraceCapture.iptablesSaveForIccOff))
        #expect(trace.verdict == "dropped in BRIDGECTL-FORWARD by 'bridgectl net=quiet icc off'")
        #expect(trace.outcome == .dropped(table: "filter", chain: "BRIDGECTL-FORWARD", rule: "bridgectl net=quiet icc off"))
        #expect(trace.hops.map(\.hook) == ["PREROUTING", "FORWARD"])
        let drop = trace.hops[1].steps.last
        #expect(drop?.meaning?.owner == .network("quiet"))
        #expect(drop?.meaning?.sentence == "drops container-to-container traffic on br-1c0e61801082 because enable_icc=false")
        #expect(trace.lines.last == "verdict: dropped in BRIDGECTL-FORWARD by 'bridgectl net=quiet icc off'")
        #expect(trace.lines.contains("  filter BRIDGECTL-FORWARD: DROP: drops container-to-container traffic on br-1c0e61801082 because enable_icc=false ('bridgectl net=quiet icc off')"))
    }

    @Test func isolationDrop() {
        let trace = report(TraceCapture.isolation)
        #expect(trace.verdict == "dropped in BRIDGECTL-ISOLATION-2 by 'bridgectl net=back isolated from other networks'")
        #expect(trace.hops[1].steps.map(\.chain).suffix(2) == ["BRIDGECTL-ISOLATION-1", "BRIDGECTL-ISOLATION-2"])
        #expect(trace.hops[1].steps.last?.meaning?.owner == .network("back"))
    }

    /// A retransmitted SYN starts again at the trace table: only the first packet's path counts.
    @Test func internalNetworkDropFirstPacketOnly() {
        let trace = report(TraceCapture.internalWithRetransmission)
        #expect(trace.verdict == "dropped in BRIDGECTL-ISOLATION-1 by 'bridgectl net=data internal: nothing in'")
        #expect(trace.hops.count == 2)
        #expect(trace.hops[0].packet.sourcePort == 42294)
        #expect(trace.hops[1].steps.last?.meaning?.sentence == "drops everything entering br-df5f40fe2a16 from elsewhere because data is internal")
    }

    @Test func publishedPortIsDNATedAsTheNextHookSaw() {
        let trace = report(TraceCapture.publishedFromInternet)
        #expect(trace.verdict == "DNATed to 172.19.0.2:80 by 'bridgectl container=web publish 0.0.0.0:8080->80/tcp', then accepted")
        #expect(trace.outcome == .accepted)
        #expect(trace.hops.map(\.hook) == ["PREROUTING", "FORWARD", "POSTROUTING"])
        #expect(trace.lines.contains("FORWARD  203.0.113.1:53610 -> 172.19.0.2:80 (in uplink0, out br-72f940a7ee98)"))
        #expect(trace.hops[1].steps.last?.meaning?.sentence == "accepts traffic rewritten to 172.19.0.2:80/tcp (published by web)")
    }

    @Test func hostToPublishedPortIsDNATedThenGivenTheGatewayAsSource() {
        let trace = report(TraceCapture.publishedFromHost, interfaces: ["br-72f940a7ee98": [ip("172.19.0.1")]])
        #expect(trace.hops.map(\.hook) == ["OUTPUT", "POSTROUTING"])
        #expect(trace.verdict == "DNATed to 172.19.0.2:80 by 'bridgectl container=web publish 0.0.0.0:8080->80/tcp', "
            + "then masqueraded as 172.19.0.1 by 'bridgectl net=front host to published ports', then accepted")
    }

    @Test func masqueradeAddressFromConntrack() {
        let trace = report(TraceCapture.masqueradeUDP, conntrack: TraceCapture.conntrackAfterMasqueradeUDP)
        #expect(trace.verdict == "masqueraded as 203.0.113.2 by 'bridgectl net=front masquerade', then accepted")
    }

    @Test func masqueradeWithoutConntrackNamesTheInterface() {
        #expect(report(TraceCapture.masqueradeUDP).verdict
            == "masqueraded as the address of uplink0 by 'bridgectl net=front masquerade', then accepted")
        // Two addresses on the interface: which one MASQUERADE took is not known, so none is named.
        #expect(report(TraceCapture.masqueradeUDP, interfaces: ["uplink0": [ip("203.0.113.2"), ip("203.0.113.9")]]).verdict
            == "masqueraded as the address of uplink0 by 'bridgectl net=front masquerade', then accepted")
    }

    /// The words come from the rule as iptables-save holds it, found by its comment in its chain.
    @Test func ruleIsReadFromTheObservedRuleset() {
        let text = """
            PACKET: 2 aa IN=br-x OUT=br-x SRC=10.1.0.2 DST=10.1.0.3 LEN=84
             TRACE: 2 aa filter:BRIDGECTL-FORWARD:rule:0x10:DROP  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl net=lab icc off" -j DROP
            """
        var firewall = FirewallObservation()
        firewall.rules = ["filter/BRIDGECTL-FORWARD -i br-lab -o br-lab -m comment --comment \"bridgectl net=lab icc off\" -j DROP",
                          "filter/BRIDGECTL-ISOLATION-2 -o br-other -m comment --comment \"bridgectl net=lab icc off\" -j DROP"]
        let step = report(text, firewall: firewall).hops[0].steps[0]
        #expect(step.spec == "-i br-lab -o br-lab -m comment --comment \"bridgectl net=lab icc off\" -j DROP")
        #expect(step.meaning?.sentence == "drops container-to-container traffic on br-lab because enable_icc=false")
    }

    @Test func someoneElsesRuleAndAPolicy() {
        let userDrop = """
            PACKET: 2 aa IN=br-x OUT=eth0 SRC=10.1.0.2 DST=8.8.8.8 LEN=84
             TRACE: 2 aa filter:FORWARD:rule:0xc:JUMP:BRIDGECTL-USER  -4 -t filter -A FORWARD -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER
             TRACE: 2 aa filter:BRIDGECTL-USER:rule:0x30:DROP  -4 -t filter -A BRIDGECTL-USER -d 8.8.8.8/32 -j DROP
            """
        let trace = report(userDrop)
        #expect(trace.verdict == "dropped in BRIDGECTL-USER by '-d 8.8.8.8/32 -j DROP'")
        #expect(trace.hops[0].steps[1].meaning == nil)
        #expect(trace.lines.contains("  filter BRIDGECTL-USER: DROP: a rule that is not bridgectl's: -d 8.8.8.8/32 -j DROP"))
        let policy = report("PACKET: 2 aa IN=eth0 OUT=br-x SRC=8.8.8.8 DST=10.1.0.2\n TRACE: 2 aa filter:FORWARD:policy:DROP")
        #expect(policy.verdict == "dropped by the policy of filter FORWARD")
    }

    @Test func nothingTraced() {
        let trace = report("")
        #expect(trace.outcome == .notSeen)
        #expect(trace.hops.isEmpty)
    }
}

@Suite struct TraceRequestTests {
    @Test func forms() throws {
        #expect(try TraceRequest.parse(source: "web", destination: "api")
            == TraceRequest(source: .container("web"), destination: .container("api"), transport: .icmp, port: nil))
        #expect(try TraceRequest.parse(source: "host", destination: "api:80")
            == TraceRequest(source: .host, destination: .container("api"), transport: .tcp, port: 80))
        #expect(try TraceRequest.parse(source: "203.0.113.1", destination: "10.0.0.1:53/udp")
            == TraceRequest(source: .address(ip("203.0.113.1")), destination: .address(ip("10.0.0.1")), transport: .udp, port: 53))
        #expect(try TraceRequest.parse(source: "web", destination: "gateway:front:8080/tcp")
            == TraceRequest(source: .container("web"), destination: .gateway(network: "front"), transport: .tcp, port: 8080))
        #expect(try TraceRequest.parse(source: "gateway:front", destination: "host/icmp")
            == TraceRequest(source: .gateway(network: "front"), destination: .host, transport: .icmp, port: nil))
    }

    @Test func mistakesNameTheValue() {
        func message(_ source: String, _ destination: String) -> String? {
            do { _ = try TraceRequest.parse(source: source, destination: destination); return nil } catch { return error.message }
        }
        #expect(message("web", "api:0") == "invalid port '0' in DST 'api:0': expected 1-65535")
        #expect(message("web", "api:http") == "invalid port 'http' in DST 'api:http': expected 1-65535")
        #expect(message("web", "api/sctp") == "invalid protocol 'sctp' in DST 'api/sctp': expected tcp, udp or icmp")
        #expect(message("web", "api:80/icmp") == "DST 'api:80/icmp': icmp takes no port")
        #expect(message("web", "api/udp") == "DST 'api/udp': udp needs a port (DST:PORT/udp)")
        #expect(message("300.1.1.1", "api") == "SRC '300.1.1.1' is not an IPv4 address")
        #expect(message("web", "gateway:") == "DST 'gateway:' names no network after 'gateway:'")
        #expect(message("", "api") == "SRC is empty: expected a container, gateway:NETWORK, host or an IPv4 address")
    }
}

@Suite struct TraceTableTests {
    @Test func marksTheProbeInBothFirstHooks() {
        let match = TraceTable.Match(sources: [ip("172.18.0.2"), ip("172.19.0.2")], destination: ip("172.18.0.3"), transport: .icmp)
        let script = TraceTable.script(name: "bridgectl-trace-42", match: match)
        #expect(script == """
            table ip bridgectl-trace-42 {
            \tchain prerouting {
            \t\ttype filter hook prerouting priority -500; policy accept;
            \t\tip saddr 172.18.0.2 ip daddr 172.18.0.3 icmp type echo-request meta nftrace set 1
            \t\tip saddr 172.19.0.2 ip daddr 172.18.0.3 icmp type echo-request meta nftrace set 1
            \t}
            \tchain output {
            \t\ttype filter hook output priority -500; policy accept;
            \t\tip saddr 172.18.0.2 ip daddr 172.18.0.3 icmp type echo-request meta nftrace set 1
            \t\tip saddr 172.19.0.2 ip daddr 172.18.0.3 icmp type echo-request meta nftrace set 1
            \t}
            }

            """)
    }

    @Test func portsAndWildcards() {
        #expect(TraceTable.Match(destination: ip("203.0.113.2"), transport: .tcp, sourcePort: 40000, destinationPort: 8080).nftRules
            == ["ip daddr 203.0.113.2 tcp sport 40000 tcp dport 8080"])
        #expect(TraceTable.Match(destination: nil, transport: .udp).nftRules == ["ip protocol udp"])
    }

    @Test func findsTraceTablesAndTheirPIDs() {
        let listing = "table ip filter\ntable ip bridgectl-trace-123\ntable inet bridgectl-trace-9\ntable ip bridgectl-trace-x\ntable ip nat\n"
        let found = TraceTable.tables(inListing: listing)
        #expect(found.map(\.name) == ["bridgectl-trace-123"])
        #expect(found.map(\.pid) == [123])
    }
}

@Suite struct ConntrackEntryTests {
    @Test func parsesBothDirections() {
        let entries = ConntrackEntry.parse(TraceCapture.conntrackAfterMasqueradeUDP)
        let udp = entries.first { $0.transport == "udp" }
        #expect(udp?.original == ConntrackEntry.Tuple(source: ip("172.19.0.2"), destination: ip("203.0.113.1"), sourcePort: 53601, destinationPort: 53))
        #expect(udp?.reply.destination == ip("203.0.113.2"))
        let icmp = ConntrackEntry.parse("ipv4     2 icmp     1 29 src=172.19.0.2 dst=203.0.113.1 type=8 code=0 id=88 src=203.0.113.1 dst=203.0.113.2 type=0 code=0 id=88 mark=0 zone=0 use=2")
        #expect(icmp.first?.original.icmpID == 88)
        #expect(icmp.first?.reply.destination == ip("203.0.113.2"))
        #expect(ConntrackEntry.parse("ipv6 10 tcp 6 1 src=::1 dst=::1\nnonsense").isEmpty)
    }
}
