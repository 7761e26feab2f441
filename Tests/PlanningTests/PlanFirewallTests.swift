import BridgeModel
import Foundation
import Planning
import Testing

/// How network plans use the firewall context.
@Suite struct NetworkPlanFirewallTests {
    static let newID = oid("0123456789abcdef")

    func create(_ request: NetworkCreateRequest, firewall: FirewallContext = Fixture.firewall) throws -> (NetworkRecord, Plan) {
        try NetworkPlanner.create(request, id: Self.newID, created: "t", existing: Fixture.builtins, hostClaims: [],
                                  hostLinks: [], firewall: firewall)
    }

    func sysctls(_ steps: [Step]) -> [String] {
        steps.compactMap { if case .setSysctl(let key, let value) = $0 { "\(key)=\(value)" } else { nil } }
    }

    func context(ipForward: String? = "0", bridgeNetfilter: String? = "1", observed: FirewallObservation = FirewallObservation(),
                 others: Bool = false) -> FirewallContext {
        FirewallContext(observed: observed, ipForward: ipForward, bridgeNetfilter: bridgeNetfilter, otherActiveNetworks: others)
    }

    @Test func stepKindsInOrder() throws {
        let (_, plan) = try create(NetworkCreateRequest(name: "net1"))
        let kinds = plan.steps.map { step -> String in
            switch step {
            case .createBridge: "bridge"
            case .disableIPv6: "ipv6"
            case .addAddress: "address"
            case .setLinkUp: "up"
            case .setSysctl: "sysctl"
            case .applyRules: "rules"
            case .putNetwork: "record"
            default: "other"
            }
        }
        #expect(kinds == ["bridge", "ipv6", "address", "up", "sysctl", "sysctl", "rules", "record"])
    }

    @Test func forwardingAlreadyOnIsNotSetAgain() throws {
        let (_, plan) = try create(NetworkCreateRequest(name: "net1"), firewall: context(ipForward: "1"))
        #expect(sysctls(plan.steps) == ["net.ipv4.conf.br-0123456789ab.route_localnet=1"])
        // Unreadable: set it.
        let (_, unknown) = try create(NetworkCreateRequest(name: "net1"), firewall: context(ipForward: nil))
        #expect(sysctls(unknown.steps) == ["net.ipv4.ip_forward=1", "net.ipv4.conf.br-0123456789ab.route_localnet=1"])
    }

    @Test func internalNetworkNeedsNoForwarding() throws {
        let (_, plan) = try create(NetworkCreateRequest(name: "net1", isInternal: true))
        #expect(sysctls(plan.steps) == ["net.ipv4.conf.br-0123456789ab.route_localnet=1"])
    }

    @Test func iccOffTurnsBridgeNetfilterOn() throws {
        let request = NetworkCreateRequest(name: "net1", options: [(NetworkOptions.enableICCKey, "false")])
        let (record, plan) = try create(request, firewall: context(bridgeNetfilter: "0"))
        #expect(!record.options.enableICC)
        #expect(sysctls(plan.steps) == ["net.ipv4.ip_forward=1", "net.ipv4.conf.br-0123456789ab.route_localnet=1",
                                        "net.bridge.bridge-nf-call-iptables=1"])
        // Already on: nothing to do.
        let (_, on) = try create(request, firewall: context(bridgeNetfilter: "1"))
        #expect(sysctls(on.steps) == ["net.ipv4.ip_forward=1", "net.ipv4.conf.br-0123456789ab.route_localnet=1"])
        // ICC on never touches it, even when off.
        let (_, iccOn) = try create(NetworkCreateRequest(name: "net1"), firewall: context(bridgeNetfilter: "0"))
        #expect(!sysctls(iccOn.steps).contains { $0.hasPrefix("net.bridge.") })
        let (_, noModule) = try create(NetworkCreateRequest(name: "net1"), firewall: context(bridgeNetfilter: nil))
        #expect(!sysctls(noModule.steps).contains { $0.hasPrefix("net.bridge.") })
    }

    @Test func iccOffWithoutBrNetfilterIsAnError() {
        let request = NetworkCreateRequest(name: "net1", options: [(NetworkOptions.enableICCKey, "false")])
        #expect(throws: PlanningError.noBridgeNetfilter("net1")) { try create(request, firewall: context(bridgeNetfilter: nil)) }
        #expect(PlanningError.noBridgeNetfilter("net1").message
                == "network 'net1': enable_icc=false needs br_netfilter (net.bridge.bridge-nf-call-iptables), which this kernel lacks: run 'modprobe br_netfilter'")
    }

    @Test func rulesBatchOnAHostThatAlreadyHasTheSharedChains() throws {
        let observed = FirewallObservation(iptablesSave: Captures.dockerAndBridgectl)
        let (record, plan) = try create(NetworkCreateRequest(name: "net1"), firewall: context(observed: observed, others: true))
        #expect(plan.steps.contains(.applyRules(RuleBatch(FirewallPlanner.networkRules(record)))))
    }

    @Test func removeTheLastNetworkTearsTheSharedChainsDown() throws {
        let observed = FirewallObservation(iptablesSave: Captures.emptyUserChain)
        let plan = try NetworkPlanner.remove(Fixture.front, attachedContainers: [], firewall: context(observed: observed))
        #expect(plan.steps == [
            .applyRules(RuleBatch(FirewallPlanner.networkRules(Fixture.front).reversed().compactMap(\.inverse)
                                  + FirewallPlanner.baseTeardown(observed: observed))),
            .deleteLink(name: "br-f00d00000001", namespace: nil),
            .removeNetwork(Fixture.front),
        ])
        // First the network's own rules, last added first.
        guard case .applyRules(let batch) = plan.steps[0] else { Issue.record("no rules"); return }
        #expect(batch.ops.first == FirewallPlanner.networkRules(Fixture.front).last?.inverse)
        #expect(batch.ops.last == .deleteChain(table: "nat", chain: "BRIDGECTL-POSTROUTING"))
    }

    @Test func removeWhileOtherNetworksRemainKeepsTheSharedChains() throws {
        let observed = FirewallObservation(iptablesSave: Captures.emptyUserChain)
        let plan = try NetworkPlanner.remove(Fixture.front, attachedContainers: [], firewall: context(observed: observed, others: true))
        #expect(plan.steps[0] == .applyRules(RuleBatch(FirewallPlanner.networkRules(Fixture.front).reversed().compactMap(\.inverse))))
        #expect(plan.redoIntent == .removeNetwork(Fixture.front.id))
    }

    @Test func dryRunOfARemove() throws {
        let plan = try NetworkPlanner.remove(Fixture.back, attachedContainers: [], firewall: context(others: true))
        let br = "br-bac000000002"
        #expect(plan.shellCommands == [
            "iptables -t nat -D BRIDGECTL-POSTROUTING -s 172.19.0.0/16 -o \(br) -m conntrack --ctstate DNAT -m comment --comment \"bridgectl net=back hairpin\" -j MASQUERADE",
            "iptables -t nat -D BRIDGECTL-POSTROUTING -o \(br) -m addrtype --src-type LOCAL -m comment --comment \"bridgectl net=back host to published ports\" -j MASQUERADE",
            "iptables -t filter -D BRIDGECTL-FORWARD -o \(br) -m comment --comment \"bridgectl net=back nothing else in\" -j DROP",
            "iptables -t filter -D BRIDGECTL-FORWARD -i \(br) -o \(br) -m comment --comment \"bridgectl net=back icc on\" -j ACCEPT",
            "iptables -t filter -D BRIDGECTL-ISOLATION-2 -o \(br) -m comment --comment \"bridgectl net=back isolated from other networks\" -j DROP",
            "iptables -t filter -D BRIDGECTL-ISOLATION-1 ! -i \(br) -o \(br) -m comment --comment \"bridgectl net=back internal: nothing in\" -j DROP",
            "iptables -t filter -D BRIDGECTL-ISOLATION-1 -i \(br) ! -o \(br) -m comment --comment \"bridgectl net=back internal: nothing out\" -j DROP",
            "iptables -t filter -D BRIDGECTL-CT -o \(br) -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"bridgectl net=back replies\" -j ACCEPT",
            "ip link del \(br)",
        ])
    }
}

/// Published ports in container plans.
@Suite struct ContainerPublishTests {
    static let ports = [PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp),
                        PortBinding(hostIP: ip("127.0.0.1"), hostPort: 5353, containerPort: 53, transport: .udp)]

    static func publishing(on targets: [NetworkRecord]) throws -> (ContainerRecord, Plan) {
        try ContainerPlanner.create(ContainerCreateRequest(name: "c1", ports: ports),
                                    targets: targets.map { AttachTarget(network: $0, usedAddresses: []) })
    }

    static let frontRules = FirewallPlanner.publishRules(container: "c1", address: ip("172.18.0.2"),
                                                         bridge: "br-f00d00000001", bindings: ports)

    @Test func createPublishesOnTheRouteNetwork() throws {
        let (record, plan) = try Self.publishing(on: [Fixture.front])
        #expect(record.ports == Self.ports)
        #expect(record.publishedNetwork == Fixture.front.id)
        let route = try #require(plan.steps.firstIndex(of: .addDefaultRoute(via: ip("172.18.0.1"), link: "eth0", namespace: "c1")))
        #expect(plan.steps[route + 1] == .setHairpin(link: "veth12345670"))
        #expect(plan.steps[route + 2] == .applyRules(RuleBatch(Self.frontRules)))
        #expect(plan.steps[route + 3] == .createDirectory(path: "/etc/netns/c1"))
        #expect(Array(plan.steps.suffix(4)) == [
            .claimAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .claimPort(Self.ports[0], container: Fixture.containerID),
            .claimPort(Self.ports[1], container: Fixture.containerID),
            .putContainer(record, previous: nil),
        ])
        #expect(Self.frontRules.count == 4)
        #expect(plan.onInterruption == .rollBack)
    }

    @Test func publishDryRun() throws {
        let (_, plan) = try Self.publishing(on: [Fixture.front])
        let lines = plan.shellCommands.filter { $0.hasPrefix("iptables") || $0.contains("hairpin") }
        #expect(lines == [
            "ip link set veth12345670 type bridge_slave hairpin on",
            #"iptables -t nat -A BRIDGECTL-DNAT -p tcp -m tcp --dport 8080 -m comment --comment "bridgectl container=c1 publish 0.0.0.0:8080->80/tcp" -j DNAT --to-destination 172.18.0.2:80"#,
            #"iptables -t filter -A BRIDGECTL-PORTS -d 172.18.0.2/32 -o br-f00d00000001 -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT -m comment --comment "bridgectl container=c1 publish 0.0.0.0:8080->80/tcp" -j ACCEPT"#,
            #"iptables -t nat -A BRIDGECTL-DNAT-OUTPUT -d 127.0.0.1/32 -p udp -m udp --dport 5353 -m comment --comment "bridgectl container=c1 publish 127.0.0.1:5353->53/udp" -j DNAT --to-destination 172.18.0.2:53"#,
            #"iptables -t filter -A BRIDGECTL-PORTS -d 172.18.0.2/32 -o br-f00d00000001 -p udp -m udp --dport 53 -m conntrack --ctstate DNAT -m comment --comment "bridgectl container=c1 publish 127.0.0.1:5353->53/udp" -j ACCEPT"#,
        ])
    }

    @Test func createSkipsAnInternalFirstNetwork() throws {
        let (record, plan) = try Self.publishing(on: [Fixture.back, Fixture.front])
        #expect(record.publishedNetwork == Fixture.front.id)
        #expect(plan.steps.contains(.setHairpin(link: "veth12345671")))
        #expect(plan.steps.contains(.applyRules(RuleBatch(Self.frontRules))))
    }

    @Test func publishingOnlyOnInternalNetworksIsRefused() {
        #expect(throws: PortError.internalNetwork("back")) { try Self.publishing(on: [Fixture.back]) }
        #expect(PortError.internalNetwork("back").message == "cannot publish ports on internal network 'back'")
    }

    @Test(arguments: [ContainerRecord.NetworkMode.none, .host])
    func publishingWithoutABridgedNetworkIsRefused(mode: ContainerRecord.NetworkMode) {
        #expect(throws: PortError.noNetworkToPublishOn("c1")) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", ports: Self.ports), mode: mode, targets: [])
        }
    }

    @Test func noPortsNoFirewallSteps() throws {
        let (record, plan) = try ContainerPlanner.create(ContainerCreateRequest(name: "c1"),
                                                         targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        #expect(record.ports == [])
        #expect(record.publishedNetwork == nil)
        #expect(!plan.steps.contains { if case .applyRules = $0 { true } else if case .setHairpin = $0 { true } else { false } })
    }

    @Test func removeTakesExactlyItsRulesAway() throws {
        let (record, _) = try Self.publishing(on: [Fixture.front, Fixture.side])
        let plan = ContainerPlanner.remove(record, killProcesses: false, publishedNetwork: Fixture.front)
        #expect(plan.steps == [
            .applyRules(RuleBatch(Self.frontRules).inverse),
            .deleteNamespace(name: "c1"),
            .removeFile(path: "/etc/netns/c1/hosts", previous: nil),
            .removeFile(path: "/etc/netns/c1/resolv.conf", previous: nil),
            .removeFile(path: "/etc/netns/c1/hostname", previous: nil),
            .removeDirectory(path: "/etc/netns/c1"),
            .releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .releaseAddress(ip("172.20.0.2"), network: Fixture.side.id, container: Fixture.containerID),
            .releasePort(Self.ports[0], container: Fixture.containerID),
            .releasePort(Self.ports[1], container: Fixture.containerID),
            .removeContainer(record),
        ])
        #expect(RuleBatch(Self.frontRules).inverse.ops == Self.frontRules.reversed().map { $0.inverse! })
        #expect(plan.redoIntent == .removeContainer(Fixture.containerID))
        #expect(plan.onInterruption == .rollForward)
    }

    @Test func removeWithoutTheBridgeStillReleasesThePorts() throws {
        let (record, _) = try Self.publishing(on: [Fixture.front])
        let plan = ContainerPlanner.remove(record, killProcesses: true)
        #expect(!plan.steps.contains { if case .applyRules = $0 { true } else { false } })
        #expect(plan.steps.contains(.releasePort(Self.ports[1], container: Fixture.containerID)))
    }

    @Test func disconnectFromThePublishedNetworkUnpublishes() throws {
        let (record, _) = try Self.publishing(on: [Fixture.front, Fixture.side])
        let networks = [Fixture.front.id: Fixture.front, Fixture.side.id: Fixture.side]
        let (updated, plan) = try ContainerPlanner.disconnect(record, from: Fixture.front, networks: networks)
        #expect(updated.ports == [])
        #expect(updated.publishedNetwork == nil)
        #expect(plan.steps == [
            .applyRules(RuleBatch(Self.frontRules).inverse),
            .deleteLink(name: "veth12345670", namespace: nil),
            .addDefaultRoute(via: ip("172.20.0.1"), link: "eth1", namespace: "c1"),
            .writeFile(path: "/etc/netns/c1/hosts", contents: Fixture.baseHosts + "172.20.0.2\tc1\n",
                       previous: Fixture.baseHosts + "172.18.0.2\tc1\n172.20.0.2\tc1\n"),
            .releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .releasePort(Self.ports[0], container: Fixture.containerID),
            .releasePort(Self.ports[1], container: Fixture.containerID),
            .putContainer(updated, previous: record),
        ])
        #expect(plan.redoIntent == .disconnect(container: Fixture.containerID, network: Fixture.front.id))
    }

    @Test func disconnectFromAnotherNetworkKeepsThePorts() throws {
        let (record, _) = try Self.publishing(on: [Fixture.front, Fixture.side])
        let networks = [Fixture.front.id: Fixture.front, Fixture.side.id: Fixture.side]
        let (updated, plan) = try ContainerPlanner.disconnect(record, from: Fixture.side, networks: networks)
        #expect(updated.ports == Self.ports)
        #expect(updated.publishedNetwork == Fixture.front.id)
        #expect(!plan.steps.contains { if case .applyRules = $0 { true } else if case .releasePort = $0 { true } else { false } })
    }

    @Test func portStepsInverseAndBookkeeping() {
        let claim = Step.claimPort(Self.ports[0], container: Fixture.containerID)
        #expect(claim.inverse == .releasePort(Self.ports[0], container: Fixture.containerID))
        #expect(Step.releasePort(Self.ports[0], container: Fixture.containerID).inverse == nil)
        #expect(claim.isBookkeeping)
        #expect(claim.shellCommands == [])
        #expect(Step.setSysctl(key: "net.ipv4.ip_forward", value: "1").inverse == nil)
        #expect(Step.setSysctl(key: "net.ipv4.ip_forward", value: "1").shellCommands == ["sysctl -w net.ipv4.ip_forward=1"])
        #expect(!Step.setSysctl(key: "net.ipv4.ip_forward", value: "1").isBookkeeping)
        #expect(Step.setHairpin(link: "veth12345670").inverse == nil)
        #expect(Step.applyRules(RuleBatch(Self.frontRules)).inverse == .applyRules(RuleBatch(Self.frontRules).inverse))
        #expect(Step.applyRules(RuleBatch([.flushChain(table: "filter", chain: "X")])).inverse == nil)
        #expect(!Step.applyRules(RuleBatch(Self.frontRules)).isBookkeeping)
    }

    @Test func recordWithPortsRoundTrips() throws {
        let (record, plan) = try Self.publishing(on: [Fixture.front])
        #expect(try JSONDecoder().decode(ContainerRecord.self, from: JSONEncoder().encode(record)) == record)
        #expect(try JSONDecoder().decode(Plan.self, from: JSONEncoder().encode(plan)) == plan)
    }
}

@Suite struct SysctlRenderingTests {
    /// `--dry-run` shows the same key bridgectl writes, dots in interface names included.
    @Test func sysctlCommandsUseTheKeysBridgectlWrites() {
        #expect(Step.disableIPv6(link: "br-x.1").shellCommands == ["sysctl -w net/ipv6/conf/br-x.1/disable_ipv6=1"])
        #expect(Step.disableIPv6(link: "veth1").shellCommands == ["sysctl -w net.ipv6.conf.veth1.disable_ipv6=1"])
        #expect(Step.createNamespace(name: "c1", disableIPv6: true).shellCommands == [
            "ip netns add c1",
            "ip netns exec c1 sysctl -w net.ipv6.conf.all.disable_ipv6=1",
            "ip netns exec c1 sysctl -w net.ipv6.conf.default.disable_ipv6=1",
        ])
    }
}
