import BridgeModel
import Planning
import Testing

/// The owner comment every bridgectl rule carries.
private func c(_ text: String) -> String { #"-m comment --comment "bridgectl "# + text + #"""# }

private let userJump = #"-m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER"#
private let forwardJump = #"-m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD"#
private let preroutingJump = #"-m addrtype --dst-type LOCAL -m comment --comment "bridgectl published ports" -j BRIDGECTL-DNAT"#
private let outputJump = #"-m addrtype --dst-type LOCAL -m comment --comment "bridgectl published ports from this host" -j BRIDGECTL-DNAT-OUTPUT"#
private let postroutingJump = #"-m comment --comment "bridgectl masquerade and hairpin" -j BRIDGECTL-POSTROUTING"#

private let filterChains = ["BRIDGECTL-FORWARD", "BRIDGECTL-CT", "BRIDGECTL-PORTS", "BRIDGECTL-ISOLATION-1", "BRIDGECTL-ISOLATION-2"]
private let natChains = ["BRIDGECTL-DNAT", "BRIDGECTL-DNAT-OUTPUT", "BRIDGECTL-POSTROUTING"]

/// Chain creations and the fixed rules inside bridgectl's own chains, as on a fresh host.
private let sharedChainsAndRules: [RuleOp] =
    filterChains.map { .createChain(table: "filter", chain: $0) }
    + natChains.map { .createChain(table: "nat", chain: $0) }
    + [
        .append(table: "filter", chain: "BRIDGECTL-FORWARD", spec: c("replies") + " -j BRIDGECTL-CT"),
        .append(table: "filter", chain: "BRIDGECTL-FORWARD", spec: c("published ports") + " -j BRIDGECTL-PORTS"),
        .append(table: "filter", chain: "BRIDGECTL-FORWARD", spec: c("isolation between networks") + " -j BRIDGECTL-ISOLATION-1"),
        .append(table: "nat", chain: "BRIDGECTL-DNAT-OUTPUT", spec: c("all-address bindings") + " -j BRIDGECTL-DNAT"),
    ]

private let natJumps: [RuleOp] = [
    .append(table: "nat", chain: "PREROUTING", spec: preroutingJump),
    .append(table: "nat", chain: "OUTPUT", spec: outputJump),
    .append(table: "nat", chain: "POSTROUTING", spec: postroutingJump),
]

@Suite struct FirewallBaseTests {
    @Test func chainNames() {
        #expect(FirewallPlanner.userChain == "BRIDGECTL-USER")
        #expect([FirewallPlanner.forwardChain, FirewallPlanner.conntrackChain, FirewallPlanner.portsChain,
                 FirewallPlanner.isolation1, FirewallPlanner.isolation2] == filterChains)
        #expect([FirewallPlanner.dnatChain, FirewallPlanner.dnatOutputChain, FirewallPlanner.postroutingChain] == natChains)
    }

    @Test func setupOnAnEmptyRuleset() {
        #expect(FirewallPlanner.baseSetup(observed: FirewallObservation()) == sharedChainsAndRules + [
            // Inserted at 1 one after the other: BRIDGECTL-USER ends up first, BRIDGECTL-FORWARD second.
            .insert(table: "filter", chain: "FORWARD", position: 1, spec: forwardJump),
            .createChain(table: "filter", chain: "BRIDGECTL-USER"),
            .insert(table: "filter", chain: "FORWARD", position: 1, spec: userJump),
        ] + natJumps)
    }

    @Test func setupNextToDocker() {
        // Docker's chains are none of bridgectl's business: the same ops as on an empty host.
        #expect(FirewallPlanner.baseSetup(observed: FirewallObservation(iptablesSave: Captures.dockerOnly))
                == FirewallPlanner.baseSetup(observed: FirewallObservation()))
    }

    @Test func setupWhenTheUserChainAndItsJumpAlreadyExist() {
        // Left behind by a teardown because the user put rules in it, with Docker's FORWARD rules
        // above it: the chain is not declared again (that would flush the user's rules) and
        // bridgectl's jump goes right after the user's, at position 3.
        let observed = FirewallObservation(iptablesSave: """
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            :BRIDGECTL-USER - [0:0]
            :DOCKER-USER - [0:0]
            -A FORWARD -j DOCKER-USER
            -A FORWARD \(userJump)
            -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
            -A BRIDGECTL-USER -s 10.9.0.0/16 -j DROP
            -A DOCKER-USER -j RETURN
            COMMIT

            """)
        let ops = FirewallPlanner.baseSetup(observed: observed)
        #expect(ops == sharedChainsAndRules + [
            .insert(table: "filter", chain: "FORWARD", position: 3, spec: forwardJump),
        ] + natJumps)
        #expect(!ops.contains(.createChain(table: "filter", chain: "BRIDGECTL-USER")))
        #expect(!RuleBatch(ops).restoreInput.contains(":BRIDGECTL-USER"))
    }

    @Test func setupWhenTheUserChainExistsWithoutItsJump() {
        let observed = FirewallObservation(iptablesSave: """
            *filter
            :FORWARD ACCEPT [0:0]
            :BRIDGECTL-USER - [0:0]
            -A FORWARD -j ACCEPT
            -A BRIDGECTL-USER -j RETURN
            COMMIT

            """)
        #expect(FirewallPlanner.baseSetup(observed: observed) == sharedChainsAndRules + [
            .insert(table: "filter", chain: "FORWARD", position: 1, spec: forwardJump),
            .insert(table: "filter", chain: "FORWARD", position: 1, spec: userJump),
        ] + natJumps)
    }

    @Test func setupWhenEverythingExists() {
        #expect(FirewallPlanner.baseSetup(observed: FirewallObservation(iptablesSave: Captures.dockerAndBridgectl)) == [])
        #expect(FirewallPlanner.baseSetup(observed: FirewallObservation(iptablesSave: Captures.emptyUserChain)) == [])
    }

    @Test func setupRestoreInputDeclaresNewChainsFirst() {
        #expect(RuleBatch(FirewallPlanner.baseSetup(observed: FirewallObservation())).restoreInput == """
            *nat
            :BRIDGECTL-DNAT - [0:0]
            :BRIDGECTL-DNAT-OUTPUT - [0:0]
            :BRIDGECTL-POSTROUTING - [0:0]
            -A BRIDGECTL-DNAT-OUTPUT \(c("all-address bindings")) -j BRIDGECTL-DNAT
            -A PREROUTING \(preroutingJump)
            -A OUTPUT \(outputJump)
            -A POSTROUTING \(postroutingJump)
            COMMIT
            *filter
            :BRIDGECTL-FORWARD - [0:0]
            :BRIDGECTL-CT - [0:0]
            :BRIDGECTL-PORTS - [0:0]
            :BRIDGECTL-ISOLATION-1 - [0:0]
            :BRIDGECTL-ISOLATION-2 - [0:0]
            :BRIDGECTL-USER - [0:0]
            -A BRIDGECTL-FORWARD \(c("replies")) -j BRIDGECTL-CT
            -A BRIDGECTL-FORWARD \(c("published ports")) -j BRIDGECTL-PORTS
            -A BRIDGECTL-FORWARD \(c("isolation between networks")) -j BRIDGECTL-ISOLATION-1
            -I FORWARD 1 \(forwardJump)
            -I FORWARD 1 \(userJump)
            COMMIT

            """)
    }

    @Test func teardownWithAnEmptyUserChain() {
        #expect(FirewallPlanner.baseTeardown(observed: FirewallObservation(iptablesSave: Captures.emptyUserChain)) == [
            .delete(table: "filter", chain: "FORWARD", spec: forwardJump),
            .delete(table: "filter", chain: "FORWARD", spec: userJump),
            .deleteChain(table: "filter", chain: "BRIDGECTL-USER"),
            .delete(table: "nat", chain: "PREROUTING", spec: preroutingJump),
            .delete(table: "nat", chain: "OUTPUT", spec: outputJump),
            .delete(table: "nat", chain: "POSTROUTING", spec: postroutingJump),
        ] + filterChains.map { .flushChain(table: "filter", chain: $0) }
          + natChains.map { .flushChain(table: "nat", chain: $0) }
          + filterChains.map { .deleteChain(table: "filter", chain: $0) }
          + natChains.map { .deleteChain(table: "nat", chain: $0) })
    }

    @Test func teardownKeepsAUserChainWithRules() {
        let ops = FirewallPlanner.baseTeardown(observed: FirewallObservation(iptablesSave: Captures.dockerAndBridgectl))
        #expect(ops == [
            .delete(table: "filter", chain: "FORWARD", spec: forwardJump),
            .delete(table: "nat", chain: "PREROUTING", spec: preroutingJump),
            .delete(table: "nat", chain: "OUTPUT", spec: outputJump),
            .delete(table: "nat", chain: "POSTROUTING", spec: postroutingJump),
        ] + filterChains.map { .flushChain(table: "filter", chain: $0) }
          + natChains.map { .flushChain(table: "nat", chain: $0) }
          + filterChains.map { .deleteChain(table: "filter", chain: $0) }
          + natChains.map { .deleteChain(table: "nat", chain: $0) })
        #expect(!ops.contains { $0.testText.contains("BRIDGECTL-USER") })
    }

    @Test func teardownOfNothingIsNothing() {
        #expect(FirewallPlanner.baseTeardown(observed: FirewallObservation()) == [])
        #expect(FirewallPlanner.baseTeardown(observed: FirewallObservation(iptablesSave: Captures.dockerOnly)) == [])
    }

    @Test func teardownRestoreInputFlushesBeforeDeleting() {
        let text = RuleBatch(FirewallPlanner.baseTeardown(observed: FirewallObservation(iptablesSave: Captures.emptyUserChain)))
            .restoreInput
        #expect(text == """
            *nat
            -D PREROUTING \(preroutingJump)
            -D OUTPUT \(outputJump)
            -D POSTROUTING \(postroutingJump)
            -F BRIDGECTL-DNAT
            -F BRIDGECTL-DNAT-OUTPUT
            -F BRIDGECTL-POSTROUTING
            -X BRIDGECTL-DNAT
            -X BRIDGECTL-DNAT-OUTPUT
            -X BRIDGECTL-POSTROUTING
            COMMIT
            *filter
            -D FORWARD \(forwardJump)
            -D FORWARD \(userJump)
            -F BRIDGECTL-FORWARD
            -F BRIDGECTL-CT
            -F BRIDGECTL-PORTS
            -F BRIDGECTL-ISOLATION-1
            -F BRIDGECTL-ISOLATION-2
            -X BRIDGECTL-USER
            -X BRIDGECTL-FORWARD
            -X BRIDGECTL-CT
            -X BRIDGECTL-PORTS
            -X BRIDGECTL-ISOLATION-1
            -X BRIDGECTL-ISOLATION-2
            COMMIT

            """)
    }
}

@Suite struct FirewallNetworkRuleTests {
    static let br = "br-f00d00000001"

    /// front's rules with Docker's defaults, in order.
    static let frontDefault: [RuleOp] = [
        .append(table: "filter", chain: "BRIDGECTL-CT",
                spec: "-o \(br) -m conntrack --ctstate RELATED,ESTABLISHED \(c("net=front replies")) -j ACCEPT"),
        .append(table: "filter", chain: "BRIDGECTL-ISOLATION-1",
                spec: "-i \(br) ! -o \(br) \(c("net=front leaving: check isolation")) -j BRIDGECTL-ISOLATION-2"),
        .append(table: "filter", chain: "BRIDGECTL-ISOLATION-2",
                spec: "-o \(br) \(c("net=front isolated from other networks")) -j DROP"),
        .append(table: "filter", chain: "BRIDGECTL-FORWARD", spec: "-i \(br) -o \(br) \(c("net=front icc on")) -j ACCEPT"),
        .append(table: "filter", chain: "BRIDGECTL-FORWARD", spec: "-i \(br) ! -o \(br) \(c("net=front outbound")) -j ACCEPT"),
        .append(table: "filter", chain: "BRIDGECTL-FORWARD",
                spec: "-o \(br) -m conntrack --ctstate DNAT \(c("net=front DNATed in")) -j ACCEPT"),
        .append(table: "filter", chain: "BRIDGECTL-FORWARD", spec: "-o \(br) \(c("net=front nothing else in")) -j DROP"),
        .append(table: "nat", chain: "BRIDGECTL-POSTROUTING",
                spec: "-s 172.18.0.0/16 ! -o \(br) \(c("net=front masquerade")) -j MASQUERADE"),
        .append(table: "nat", chain: "BRIDGECTL-POSTROUTING",
                spec: "-o \(br) -m addrtype --src-type LOCAL \(c("net=front host to published ports")) -j MASQUERADE"),
        .append(table: "nat", chain: "BRIDGECTL-POSTROUTING",
                spec: "-s 172.18.0.0/16 -o \(br) -m conntrack --ctstate DNAT \(c("net=front hairpin")) -j MASQUERADE"),
    ]

    @Test func defaultOptions() {
        #expect(FirewallPlanner.networkRules(Fixture.front) == Self.frontDefault)
    }

    @Test func iccOffDropsTrafficBetweenContainers() {
        var expected = Self.frontDefault
        expected[3] = .append(table: "filter", chain: "BRIDGECTL-FORWARD",
                              spec: "-i \(Self.br) -o \(Self.br) \(c("net=front icc off")) -j DROP")
        #expect(FirewallPlanner.networkRules(Fixture.with(Fixture.front) { $0.enableICC = false }) == expected)
    }

    @Test func masqueradeOff() {
        var expected = Self.frontDefault
        expected.remove(at: 7)
        #expect(FirewallPlanner.networkRules(Fixture.with(Fixture.front) { $0.enableIPMasquerade = false }) == expected)
    }

    @Test func internalNetwork() {
        let br = "br-bac000000002"
        #expect(FirewallPlanner.networkRules(Fixture.back) == [
            .append(table: "filter", chain: "BRIDGECTL-CT",
                    spec: "-o \(br) -m conntrack --ctstate RELATED,ESTABLISHED \(c("net=back replies")) -j ACCEPT"),
            .append(table: "filter", chain: "BRIDGECTL-ISOLATION-1",
                    spec: "-i \(br) ! -o \(br) \(c("net=back internal: nothing out")) -j DROP"),
            .append(table: "filter", chain: "BRIDGECTL-ISOLATION-1",
                    spec: "! -i \(br) -o \(br) \(c("net=back internal: nothing in")) -j DROP"),
            .append(table: "filter", chain: "BRIDGECTL-ISOLATION-2",
                    spec: "-o \(br) \(c("net=back isolated from other networks")) -j DROP"),
            .append(table: "filter", chain: "BRIDGECTL-FORWARD", spec: "-i \(br) -o \(br) \(c("net=back icc on")) -j ACCEPT"),
            .append(table: "filter", chain: "BRIDGECTL-FORWARD", spec: "-o \(br) \(c("net=back nothing else in")) -j DROP"),
            .append(table: "nat", chain: "BRIDGECTL-POSTROUTING",
                    spec: "-o \(br) -m addrtype --src-type LOCAL \(c("net=back host to published ports")) -j MASQUERADE"),
            .append(table: "nat", chain: "BRIDGECTL-POSTROUTING",
                    spec: "-s 172.19.0.0/16 -o \(br) -m conntrack --ctstate DNAT \(c("net=back hairpin")) -j MASQUERADE"),
        ])
        // Whatever its masquerade option says, an internal network is never masqueraded.
        let rules = FirewallPlanner.networkRules(Fixture.with(Fixture.back) { $0.enableIPMasquerade = true })
        #expect(!rules.contains { $0.testText.contains("MASQUERADE") && $0.testText.contains("masquerade") })
        #expect(!rules.contains { $0.testText.contains("outbound") })
        #expect(rules == FirewallPlanner.networkRules(Fixture.back))
    }

    @Test func internalWithICCOff() {
        let rules = FirewallPlanner.networkRules(Fixture.with(Fixture.back) { $0.enableICC = false })
        #expect(rules[4] == .append(table: "filter", chain: "BRIDGECTL-FORWARD",
                                    spec: "-i br-bac000000002 -o br-bac000000002 \(c("net=back icc off")) -j DROP"))
        #expect(rules.count == 8)
    }

    @Test func networkWithoutSubnetHasNoRules() {
        #expect(FirewallPlanner.networkRules(Fixture.defaultBridge) == [])
    }

    @Test func defaultBridgeRulesUseItsDevice() {
        let rules = FirewallPlanner.networkRules(Fixture.activeDefaultBridge)
        #expect(rules.count == 10)
        #expect(rules[7] == .append(table: "nat", chain: "BRIDGECTL-POSTROUTING",
                                    spec: "-s 172.17.0.0/16 ! -o bridgectl0 \(c("net=bridge masquerade")) -j MASQUERADE"))
    }

    @Test func sysctls() {
        func text(_ network: NetworkRecord) -> [String] { FirewallPlanner.sysctls(for: network).map { "\($0.key)=\($0.value)" } }
        #expect(text(Fixture.front) == ["net.ipv4.ip_forward=1", "net.ipv4.conf.br-f00d00000001.route_localnet=1"])
        #expect(text(Fixture.back) == ["net.ipv4.conf.br-bac000000002.route_localnet=1"])
        #expect(text(Fixture.activeDefaultBridge) == ["net.ipv4.ip_forward=1", "net.ipv4.conf.bridgectl0.route_localnet=1"])
        var dotted = Fixture.front
        dotted.bridgeName = "br.lab"
        #expect(text(dotted) == ["net.ipv4.ip_forward=1", "net/ipv4/conf/br.lab/route_localnet=1"])
    }
}

@Suite struct FirewallPublishRuleTests {
    static let address = ip("172.18.0.2")
    static let br = "br-f00d00000001"

    func rules(_ bindings: [PortBinding]) -> [RuleOp] {
        FirewallPlanner.publishRules(container: "web", address: Self.address, bridge: Self.br, bindings: bindings)
    }

    @Test func allAddresses() {
        let owner = c("container=web publish 0.0.0.0:8080->80/tcp")
        #expect(rules([PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)]) == [
            .append(table: "nat", chain: "BRIDGECTL-DNAT",
                    spec: "-p tcp -m tcp --dport 8080 \(owner) -j DNAT --to-destination 172.18.0.2:80"),
            .append(table: "filter", chain: "BRIDGECTL-PORTS",
                    spec: "-d 172.18.0.2/32 -o \(Self.br) -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT \(owner) -j ACCEPT"),
        ])
    }

    @Test func loopbackOnlyGoesToTheOutputChain() {
        // Never in BRIDGECTL-DNAT (reached from PREROUTING): packets from outside to 127.0.0.1
        // must not be forwarded.
        let owner = c("container=web publish 127.0.0.1:8080->80/tcp")
        #expect(rules([PortBinding(hostIP: ip("127.0.0.1"), hostPort: 8080, containerPort: 80, transport: .tcp)]) == [
            .append(table: "nat", chain: "BRIDGECTL-DNAT-OUTPUT",
                    spec: "-d 127.0.0.1/32 -p tcp -m tcp --dport 8080 \(owner) -j DNAT --to-destination 172.18.0.2:80"),
            .append(table: "filter", chain: "BRIDGECTL-PORTS",
                    spec: "-d 172.18.0.2/32 -o \(Self.br) -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT \(owner) -j ACCEPT"),
        ])
        let other = rules([PortBinding(hostIP: ip("127.0.0.53"), hostPort: 53, containerPort: 53, transport: .udp)])
        #expect(other.first.map { if case .append(_, let chain, _) = $0 { chain } else { "" } } == "BRIDGECTL-DNAT-OUTPUT")
    }

    @Test func specificAddress() {
        let owner = c("container=web publish 192.168.1.10:8443->443/tcp")
        #expect(rules([PortBinding(hostIP: ip("192.168.1.10"), hostPort: 8443, containerPort: 443, transport: .tcp)]) == [
            .append(table: "nat", chain: "BRIDGECTL-DNAT",
                    spec: "-d 192.168.1.10/32 -p tcp -m tcp --dport 8443 \(owner) -j DNAT --to-destination 172.18.0.2:443"),
            .append(table: "filter", chain: "BRIDGECTL-PORTS",
                    spec: "-d 172.18.0.2/32 -o \(Self.br) -p tcp -m tcp --dport 443 -m conntrack --ctstate DNAT \(owner) -j ACCEPT"),
        ])
    }

    @Test func udp() {
        let owner = c("container=web publish 0.0.0.0:5353->53/udp")
        #expect(rules([PortBinding(hostIP: .any, hostPort: 5353, containerPort: 53, transport: .udp)]) == [
            .append(table: "nat", chain: "BRIDGECTL-DNAT",
                    spec: "-p udp -m udp --dport 5353 \(owner) -j DNAT --to-destination 172.18.0.2:53"),
            .append(table: "filter", chain: "BRIDGECTL-PORTS",
                    spec: "-d 172.18.0.2/32 -o \(Self.br) -p udp -m udp --dport 53 -m conntrack --ctstate DNAT \(owner) -j ACCEPT"),
        ])
    }

    @Test func aRangeWithEqualPortsIsOnePairOfRulesKeepingThePort() {
        // No port in the DNAT target: the destination port is kept.
        let owner = c("container=web publish 0.0.0.0:20000-20009->20000-20009/tcp")
        #expect(rules([PortBinding(hostIP: .any, hostPorts: 20000...20009, containerPorts: 20000...20009, transport: .tcp)]) == [
            .append(table: "nat", chain: "BRIDGECTL-DNAT",
                    spec: "-p tcp -m tcp --dport 20000:20009 \(owner) -j DNAT --to-destination 172.18.0.2"),
            .append(table: "filter", chain: "BRIDGECTL-PORTS",
                    spec: "-d 172.18.0.2/32 -o \(Self.br) -p tcp -m tcp --dport 20000:20009 -m conntrack --ctstate DNAT \(owner) -j ACCEPT"),
        ])
    }

    @Test func aShiftedRangeUsesThePortShift() {
        // ADDR:80-89/21000 sends 21000+n to 80+n (the kernel's NF_NAT_RANGE_PROTO_OFFSET).
        let owner = c("container=web publish 127.0.0.1:21000-21009->80-89/udp")
        #expect(rules([PortBinding(hostIP: ip("127.0.0.1"), hostPorts: 21000...21009, containerPorts: 80...89, transport: .udp)]) == [
            .append(table: "nat", chain: "BRIDGECTL-DNAT-OUTPUT",
                    spec: "-d 127.0.0.1/32 -p udp -m udp --dport 21000:21009 \(owner) -j DNAT --to-destination 172.18.0.2:80-89/21000"),
            .append(table: "filter", chain: "BRIDGECTL-PORTS",
                    spec: "-d 172.18.0.2/32 -o \(Self.br) -p udp -m udp --dport 80:89 -m conntrack --ctstate DNAT \(owner) -j ACCEPT"),
        ])
    }

    @Test func everyPortIsStillTwoRules() {
        let all = PortBinding(hostIP: .any, hostPorts: 1...65535, containerPorts: 1...65535, transport: .tcp)
        let ops = rules([all])
        #expect(ops.count == 2)
        #expect(ops[0].testText.hasSuffix("--dport 1:65535 \(c("container=web publish 0.0.0.0:1-65535->1-65535/tcp")) -j DNAT --to-destination 172.18.0.2"))
        // Removal is the same two rules, deleted.
        #expect(RuleBatch(ops).inverse.ops.count == 2)
    }

    @Test func severalBindingsInOrder() {
        let bindings = [PortBinding(hostIP: .any, hostPort: 8000, containerPort: 80, transport: .tcp),
                        PortBinding(hostIP: .any, hostPort: 8001, containerPort: 81, transport: .tcp)]
        let ops = rules(bindings)
        #expect(ops.count == 4)
        #expect(ops.map(\.table) == ["nat", "filter", "nat", "filter"])
        #expect(ops[2] == rules([bindings[1]])[0])
        #expect(rules([]) == [])
    }
}

@Suite struct FirewallFootprintTests {
    /// Every rule bridgectl writes carries its comment, so `iptables-save | grep bridgectl` is its
    /// whole footprint.
    @Test func everyRuleCarriesTheComment() {
        var ops = FirewallPlanner.baseSetup(observed: FirewallObservation())
        ops += FirewallPlanner.baseTeardown(observed: FirewallObservation(iptablesSave: Captures.emptyUserChain))
        for network in [Fixture.front, Fixture.back, Fixture.activeDefaultBridge,
                        Fixture.with(Fixture.front) { $0.enableICC = false },
                        Fixture.with(Fixture.side) { $0.enableIPMasquerade = false }] {
            ops += FirewallPlanner.networkRules(network)
        }
        for hostIP in ["0.0.0.0", "127.0.0.1", "10.0.0.5"] {
            for transport in TransportProtocol.allCases {
                ops += FirewallPlanner.publishRules(
                    container: "web", address: ip("172.18.0.2"), bridge: "br-f00d00000001",
                    bindings: [PortBinding(hostIP: ip(hostIP), hostPort: 8080, containerPort: 80, transport: transport)])
            }
        }
        var specs = 0
        for op in ops {
            switch op {
            case .append(_, _, let spec), .insert(_, _, _, let spec), .delete(_, _, let spec):
                specs += 1
                #expect(spec.contains(#"-m comment --comment "bridgectl "#), "\(op)")
            case .createChain(_, let chain), .flushChain(_, let chain), .deleteChain(_, let chain):
                #expect(chain.hasPrefix("BRIDGECTL-"), "\(op)")
            }
        }
        #expect(specs > 60)
    }
}

extension RuleOp {
    /// "table/chain spec" (or "table/chain" for chain ops), for `contains` checks in tests.
    var testText: String {
        switch self {
        case .append(let table, let chain, let spec), .insert(let table, let chain, _, let spec),
             .delete(let table, let chain, let spec):
            return "\(table)/\(chain) \(spec)"
        case .createChain(let table, let chain), .flushChain(let table, let chain), .deleteChain(let table, let chain):
            return "\(table)/\(chain)"
        }
    }
}
