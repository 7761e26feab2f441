import BridgeModel
import Planning
import Testing

@Suite struct NetworkPlannerCreateTests {
    static let newID = oid("0123456789abcdef")

    func create(_ request: NetworkCreateRequest, existing: [NetworkRecord] = Fixture.builtins,
                hostClaims: [SubnetClaim] = [], hostLinks: Set<String> = [],
                firewall: FirewallContext = Fixture.firewall,
                localAddresses: Set<IPv4Address> = [ip("127.0.0.1"), ip("192.0.2.10")]) throws -> (NetworkRecord, Plan) {
        try NetworkPlanner.create(request, id: Self.newID, created: "2024-05-01T10:00:00Z", existing: existing,
                                  hostClaims: hostClaims, hostLinks: hostLinks, firewall: firewall,
                                  isLocalAddress: { localAddresses.contains($0) })
    }

    /// Issue #7: an address the host does not have was accepted, and every later `-p` failed as
    /// "already in use by a host process".
    @Test func hostBindingMustBeAHostAddress() throws {
        let key = NetworkOptions.hostBindingKey
        #expect(throws: PlanningError.hostBindingNotLocal(ip("10.9.9.9"), network: "x")) {
            try create(NetworkCreateRequest(name: "x", options: [(key, "10.9.9.9")]))
        }
        #expect(throws: PlanningError.hostBindingNotLocal(ip("224.0.0.1"), network: "x")) {
            try create(NetworkCreateRequest(name: "x", options: [(key, "224.0.0.1")]), localAddresses: [ip("224.0.0.1")])
        }
        #expect(try create(NetworkCreateRequest(name: "x", options: [(key, "192.0.2.10")])).0.options.hostBindingIPv4
                == ip("192.0.2.10"))
        #expect(try create(NetworkCreateRequest(name: "x", options: [(key, "0.0.0.0")]), localAddresses: []).0.name == "x")
        #expect(PlanningError.hostBindingNotLocal(ip("10.9.9.9"), network: "x").message
                == "invalid value '10.9.9.9' for option com.docker.network.bridge.host_binding_ipv4 of network 'x': "
                + "it is not an address of this host (add it to an interface first, or leave the default 0.0.0.0)")
    }

    @Test func defaultSubnetSkipsTheDefaultBridgesReservation() throws {
        let (record, _) = try create(NetworkCreateRequest(name: "net1"))
        #expect(record.subnet == net("172.18.0.0/16"))
        #expect(record.gateway == ip("172.18.0.1"))
        #expect(record.ipRange == nil)
        #expect(record.ipamNotes == ["172.17.0.0/16 skipped: overlaps the default network 'bridge'"])
    }

    @Test func recordFields() throws {
        let (record, _) = try create(NetworkCreateRequest(name: "net1", isInternal: true, labels: ["team": "web"]))
        #expect(record.id == Self.newID)
        #expect(record.name == "net1")
        #expect(record.kind == .user)
        #expect(record.created == "2024-05-01T10:00:00Z")
        #expect(record.bridgeName == "br-0123456789ab")
        #expect(record.isInternal)
        #expect(record.labels == ["team": "web"])
        #expect(record.options == NetworkOptions())
        #expect(record.rawOptions == [:])
        #expect(record.auxAddresses == [:])
    }

    @Test func planSteps() throws {
        let (record, plan) = try create(NetworkCreateRequest(name: "net1"))
        #expect(plan.steps == [
            .createBridge(name: "br-0123456789ab", mtu: 1500, mac: MACAddress(derivedFrom: ip("172.18.0.1")), alias: "bridgectl net=net1"),
            .disableIPv6(link: "br-0123456789ab"),
            .addAddress(InterfaceAddress(ip: ip("172.18.0.1"), prefixLength: 16), link: "br-0123456789ab", namespace: nil),
            .setLinkUp(link: "br-0123456789ab", namespace: nil),
            .setSysctl(key: "net.ipv4.ip_forward", value: "1"),
            .setSysctl(key: "net.ipv4.conf.br-0123456789ab.route_localnet", value: "1"),
            .applyRules(RuleBatch(FirewallPlanner.baseSetup(observed: FirewallObservation())
                                  + FirewallPlanner.networkRules(record))),
            .putNetwork(record, previous: nil),
        ])
        #expect(plan.onInterruption == .rollBack)
        #expect(plan.summary == "create network net1")
    }

    @Test func activeDefaultBridgeAndOtherNetworksAreSkipped() throws {
        let existing = [Fixture.activeDefaultBridge, Fixture.host, Fixture.none, Fixture.front, Fixture.back]
        let (record, _) = try create(NetworkCreateRequest(name: "net1"), existing: existing)
        #expect(record.subnet == net("172.20.0.0/16"))
        #expect(record.ipamNotes == [
            "172.17.0.0/16 skipped: overlaps the default network 'bridge'",
            "172.18.0.0/16 skipped: overlaps network 'front'",
            "172.19.0.0/16 skipped: overlaps network 'back'",
        ])
    }

    @Test func hostClaimsAreSkippedAndNoted() throws {
        let claims = [SubnetClaim(subnet: net("172.18.0.0/16"), owner: "address 172.18.0.5/16 on eth1"),
                      SubnetClaim(subnet: net("172.19.3.0/24"), owner: "route 172.19.3.0/24 via 10.0.0.1")]
        let (record, plan) = try create(NetworkCreateRequest(name: "net1"), hostClaims: claims)
        #expect(record.subnet == net("172.20.0.0/16"))
        #expect(record.gateway == ip("172.20.0.1"))
        #expect(record.ipamNotes == [
            "172.17.0.0/16 skipped: overlaps the default network 'bridge'",
            "172.18.0.0/16 skipped: overlaps address 172.18.0.5/16 on eth1",
            "172.19.0.0/16 skipped: overlaps route 172.19.3.0/24 via 10.0.0.1",
        ])
        #expect(plan.steps.contains(.addAddress(InterfaceAddress(ip: ip("172.20.0.1"), prefixLength: 16),
                                                link: "br-0123456789ab", namespace: nil)))
    }

    @Test func givenSubnetGatewayRangeAndAux() throws {
        let request = NetworkCreateRequest(name: "lab", subnet: net("10.10.0.0/24"), gateway: ip("10.10.0.254"),
                                           ipRange: net("10.10.0.128/25"), auxAddresses: ["printer": ip("10.10.0.5")])
        let (record, plan) = try create(request)
        #expect(record.subnet == net("10.10.0.0/24"))
        #expect(record.gateway == ip("10.10.0.254"))
        #expect(record.ipRange == net("10.10.0.128/25"))
        #expect(record.auxAddresses == ["printer": ip("10.10.0.5")])
        #expect(record.ipamNotes == [])
        #expect(plan.steps[2] == .addAddress(InterfaceAddress(ip: ip("10.10.0.254"), prefixLength: 24),
                                              link: "br-0123456789ab", namespace: nil))
    }

    @Test func givenSubnetIsNotCheckedAgainstHostClaims() throws {
        // As with Docker, --subnet is the user's explicit choice; only bridgectl's own networks block it.
        let claims = [SubnetClaim(subnet: net("10.10.0.0/16"), owner: "route 10.10.0.0/16")]
        let (record, _) = try create(NetworkCreateRequest(name: "lab", subnet: net("10.10.0.0/24")), hostClaims: claims)
        #expect(record.subnet == net("10.10.0.0/24"))
    }

    @Test func nameTaken() {
        #expect(throws: PlanningError.networkNameTaken("front")) {
            try create(NetworkCreateRequest(name: "front"), existing: Fixture.builtins + [Fixture.front])
        }
        #expect(throws: PlanningError.networkNameTaken("bridge")) { try create(NetworkCreateRequest(name: "bridge")) }
        #expect(throws: PlanningError.networkNameTaken("none")) { try create(NetworkCreateRequest(name: "none")) }
        #expect(PlanningError.networkNameTaken("front").message == "network with name 'front' already exists")
    }

    @Test(arguments: ["-net", "", "my net", "net/1", "_x"])
    func badName(name: String) {
        #expect(throws: ModelError.invalidName(name, kind: "network")) { try create(NetworkCreateRequest(name: name)) }
    }

    @Test func onlyTheBridgeDriver() {
        #expect(throws: PlanningError.unsupportedDriver("overlay")) {
            try create(NetworkCreateRequest(name: "n", driver: "overlay"))
        }
        #expect(throws: PlanningError.ipv6Unsupported) { try create(NetworkCreateRequest(name: "n", ipv6: true)) }
    }

    @Test func subnetOptionsNeedSubnet() {
        #expect(throws: IPAMError.optionNeedsSubnet("--gateway")) {
            try create(NetworkCreateRequest(name: "n", gateway: ip("172.18.0.1")))
        }
        #expect(throws: IPAMError.optionNeedsSubnet("--ip-range")) {
            try create(NetworkCreateRequest(name: "n", ipRange: net("172.18.0.0/24")))
        }
        #expect(throws: IPAMError.optionNeedsSubnet("--aux-address")) {
            try create(NetworkCreateRequest(name: "n", auxAddresses: ["a": ip("172.18.0.9")]))
        }
        #expect(IPAMError.optionNeedsSubnet("--gateway").message == "--gateway needs --subnet")
    }

    @Test func overlapWithAnExistingNetwork() {
        let existing = Fixture.builtins + [Fixture.front]
        #expect(throws: IPAMError.subnetOverlaps(net("172.18.128.0/17"), owner: "network 'front'")) {
            try create(NetworkCreateRequest(name: "n", subnet: net("172.18.128.0/17")), existing: existing)
        }
        #expect(throws: IPAMError.subnetOverlaps(net("172.16.0.0/12"), owner: "the default network 'bridge'")) {
            try create(NetworkCreateRequest(name: "n", subnet: net("172.16.0.0/12")), existing: existing)
        }
        // The default network holds 172.17.0.0/16 even before its first use.
        #expect(throws: IPAMError.subnetOverlaps(net("172.17.3.0/24"), owner: "the default network 'bridge'")) {
            try create(NetworkCreateRequest(name: "n", subnet: net("172.17.3.0/24")))
        }
        #expect(IPAMError.subnetOverlaps(net("172.18.128.0/17"), owner: "network 'front'").message
                == "subnet 172.18.128.0/17 overlaps network 'front'")
    }

    /// The reserved-range check comes before anything else about the subnet, and the plan is never made.
    @Test func reservedSubnetIsRefusedBeforeAnyStep() {
        #expect(throws: IPAMError.subnetReserved(net("127.0.0.0/8"), range: net("127.0.0.0/8"), why: "the loopback range")) {
            try create(NetworkCreateRequest(name: "lo", subnet: net("127.0.0.0/8")))
        }
        #expect(throws: IPAMError.subnetTooSmall(net("10.9.0.1/32"))) {
            try create(NetworkCreateRequest(name: "one", subnet: net("10.9.0.1/32")))
        }
    }

    @Test func gatewayOutsideGivenSubnet() {
        #expect(throws: IPAMError.gatewayOutsideSubnet(ip("10.0.1.1"), net("10.0.0.0/24"))) {
            try create(NetworkCreateRequest(name: "n", subnet: net("10.0.0.0/24"), gateway: ip("10.0.1.1")))
        }
    }

    @Test func bridgeNameFromOption() throws {
        let request = NetworkCreateRequest(name: "n", options: [(NetworkOptions.bridgeNameKey, "mybr0"),
                                                                (NetworkOptions.mtuKey, "9000")])
        let (record, plan) = try create(request)
        #expect(record.bridgeName == "mybr0")
        #expect(record.options.mtu == 9000)
        #expect(record.rawOptions == [NetworkOptions.bridgeNameKey: "mybr0", NetworkOptions.mtuKey: "9000"])
        #expect(plan.steps.first == .createBridge(name: "mybr0", mtu: 9000, mac: MACAddress(derivedFrom: ip("172.18.0.1")),
                                                  alias: "bridgectl net=n"))
        #expect(plan.steps[1] == .disableIPv6(link: "mybr0"))
    }

    @Test func bridgeNameProblems() {
        #expect(throws: ModelError.interfaceNameTooLong("br-0123456789abc")) {
            try create(NetworkCreateRequest(name: "n", options: [(NetworkOptions.bridgeNameKey, "br-0123456789abc")]))
        }
        #expect(throws: PlanningError.bridgeNameTaken("bridgectl0", owner: "network 'bridge'")) {
            try create(NetworkCreateRequest(name: "n", options: [(NetworkOptions.bridgeNameKey, "bridgectl0")]))
        }
        #expect(throws: PlanningError.bridgeNameTaken("br-f00d00000001", owner: "network 'front'")) {
            try create(NetworkCreateRequest(name: "n", options: [(NetworkOptions.bridgeNameKey, "br-f00d00000001")]),
                       existing: Fixture.builtins + [Fixture.front])
        }
        #expect(throws: PlanningError.bridgeNameTaken("docker0", owner: "an existing host interface")) {
            try create(NetworkCreateRequest(name: "n", options: [(NetworkOptions.bridgeNameKey, "docker0")]),
                       hostLinks: ["lo", "eth0", "docker0"])
        }
        #expect(throws: PlanningError.bridgeNameTaken("br-0123456789ab", owner: "an existing host interface")) {
            try create(NetworkCreateRequest(name: "n"), hostLinks: ["br-0123456789ab"])
        }
    }

    @Test func unknownOption() {
        #expect(throws: ModelError.unknownOption("com.docker.network.bridge.default_bridge")) {
            try create(NetworkCreateRequest(name: "n", options: [("com.docker.network.bridge.default_bridge", "true")]))
        }
    }

    @Test func exhaustedPools() {
        let claims = [SubnetClaim(subnet: net("172.16.0.0/12"), owner: "A"),
                      SubnetClaim(subnet: net("192.168.0.0/16"), owner: "B")]
        #expect(throws: IPAMError.self) { try create(NetworkCreateRequest(name: "n"), hostClaims: claims) }
    }
}

@Suite struct NetworkPlannerOtherTests {
    @Test func networkClaims() {
        let claims = NetworkPlanner.networkClaims(Fixture.builtins + [Fixture.front])
        #expect(claims == [
            SubnetClaim(subnet: net("172.17.0.0/16"), owner: "the default network 'bridge'"),
            SubnetClaim(subnet: net("172.18.0.0/16"), owner: "network 'front'"),
        ])
        var moved = Fixture.activeDefaultBridge
        moved.subnet = net("172.25.0.0/16")
        #expect(NetworkPlanner.networkClaims([moved]) == [
            SubnetClaim(subnet: net("172.25.0.0/16"), owner: "the default network 'bridge'"),
        ])
    }

    @Test func removeUnusedNetwork() throws {
        let plan = try NetworkPlanner.remove(Fixture.front, attachedContainers: [], firewall: Fixture.firewall)
        #expect(plan.steps == [
            .applyRules(RuleBatch(FirewallPlanner.networkRules(Fixture.front).reversed().compactMap(\.inverse))),
            .deleteLink(name: "br-f00d00000001", namespace: nil),
            .removeNetwork(Fixture.front),
        ])
        #expect(plan.onInterruption == .rollForward)
        #expect(plan.summary == "remove network front")
        #expect(plan.redoIntent?.journalName == "network-f00d00000001" + String(repeating: "0", count: 52))
    }

    @Test func removeRefusesWithAttachedContainers() {
        #expect(throws: PlanningError.networkInUse("front", containers: ["c1", "c2"])) {
            try NetworkPlanner.remove(Fixture.front, attachedContainers: ["c1", "c2"], firewall: Fixture.firewall)
        }
        #expect(PlanningError.networkInUse("front", containers: ["c1", "c2"]).message
                == "network 'front' has active endpoints: c1, c2 (disconnect or remove them first)")
    }

    @Test(arguments: [Fixture.defaultBridge, Fixture.activeDefaultBridge, Fixture.host, Fixture.none])
    func removeRefusesBuiltins(record: NetworkRecord) {
        #expect(throws: PlanningError.builtinNetwork(record.name, action: "removed")) {
            try NetworkPlanner.remove(record, attachedContainers: [], firewall: Fixture.firewall)
        }
    }

    @Test func activateDefaultBridgeFirstTime() throws {
        let (updated, steps) = try NetworkPlanner.activateDefaultBridge(Fixture.defaultBridge, otherNetworks: [Fixture.front],
                                                                         hostClaims: [], firewall: Fixture.firewall)
        #expect(updated == Fixture.activeDefaultBridge)
        #expect(steps == [
            .createBridge(name: "bridgectl0", mtu: 1500, mac: MACAddress(derivedFrom: ip("172.17.0.1")), alias: "bridgectl net=bridge"),
            .disableIPv6(link: "bridgectl0"),
            .addAddress(InterfaceAddress(ip: ip("172.17.0.1"), prefixLength: 16), link: "bridgectl0", namespace: nil),
            .setLinkUp(link: "bridgectl0", namespace: nil),
            .setSysctl(key: "net.ipv4.ip_forward", value: "1"),
            .setSysctl(key: "net.ipv4.conf.bridgectl0.route_localnet", value: "1"),
            .applyRules(RuleBatch(FirewallPlanner.baseSetup(observed: FirewallObservation())
                                  + FirewallPlanner.networkRules(updated))),
            .putNetwork(updated, previous: Fixture.defaultBridge),
        ])
    }

    @Test func activateDefaultBridgeWhenTheHostHas172_17() throws {
        let claims = [SubnetClaim(subnet: net("172.17.0.0/16"), owner: "address 172.17.0.1/16 on docker0")]
        let (updated, steps) = try NetworkPlanner.activateDefaultBridge(Fixture.defaultBridge, otherNetworks: [Fixture.front],
                                                                         hostClaims: claims, firewall: Fixture.firewall)
        #expect(updated.subnet == net("172.19.0.0/16"))
        #expect(updated.gateway == ip("172.19.0.1"))
        #expect(updated.ipamNotes == ["172.17.0.0/16 skipped: overlaps address 172.17.0.1/16 on docker0",
                                      "172.18.0.0/16 skipped: overlaps network 'front'"])
        #expect(steps.last == .putNetwork(updated, previous: Fixture.defaultBridge))
    }

    @Test func bridgeMACTellsTheGateway() throws {
        #expect(NetworkPlanner.bridgeMAC(for: Fixture.front).description == "02:42:ac:12:00:01")
        #expect(NetworkPlanner.bridgeMAC(for: Fixture.activeDefaultBridge).description == "02:42:ac:11:00:01")
        // Without a gateway: 02:42 and the ID's first four bytes.
        var unaddressed = Fixture.defaultBridge
        unaddressed.id = oid("0123456789ab")
        #expect(NetworkPlanner.bridgeMAC(for: unaddressed).description == "02:42:01:23:45:67")
        // Never the MAC of a container on the same network (they never hold the gateway address).
        let (record, _) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"), targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        #expect(record.endpoints[0].mac != NetworkPlanner.bridgeMAC(for: Fixture.front))
    }

    @Test func activateDefaultBridgeKeepsItsSubnet() throws {
        let (updated, steps) = try NetworkPlanner.activateDefaultBridge(Fixture.activeDefaultBridge, otherNetworks: [],
                                                                         hostClaims: [], firewall: Fixture.firewall)
        #expect(updated == Fixture.activeDefaultBridge)
        // Nothing to record: only the bridge, its sysctls and its rules.
        #expect(steps == (try NetworkPlanner.activationSteps(for: Fixture.activeDefaultBridge, firewall: Fixture.firewall)))
        #expect(Array(steps.prefix(4)) == NetworkPlanner.bridgeSteps(for: Fixture.activeDefaultBridge))
        #expect(steps.count == 7)
        #expect(!steps.contains { if case .putNetwork = $0 { true } else { false } })
    }
}
