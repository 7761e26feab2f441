import BridgeModel
import Planning
import Testing

/// Copied from the host: none, host and the default bridge (no embedded DNS there, as in Docker).
private let resolvConf = "search example.com\nnameserver 10.0.0.53\n"
/// On user-defined networks: the embedded resolver, keeping the host's search domains.
private let embeddedResolvConf = "search example.com\nnameserver 127.0.0.11\noptions ndots:0\n"

@Suite struct ContainerPlannerCreateTests {
    @Test func oneNetworkFullPlan() throws {
        let (record, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"), targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        let endpoint = Endpoint(networkID: Fixture.front.id, endpointID: oid("e1"), interfaceName: "eth0",
                                hostInterfaceName: "veth12345670", address: ip("172.18.0.2"), prefixLength: 16,
                                gateway: ip("172.18.0.1"), mac: MACAddress(bytes: [0x02, 0x42, 0xac, 0x12, 0x00, 0x02]),
                                aliases: [], staticAddress: false)
        #expect(record == ContainerRecord(id: Fixture.containerID, name: "c1", created: "t2", hostname: "c1",
                                          mode: .bridged, endpoints: [endpoint]))
        #expect(plan.steps == [
            .createNamespace(name: "c1", disableIPv6: true),
            .createVethPair(host: "veth12345670", peer: "eth0", namespace: "c1", master: "br-f00d00000001", mtu: 1500,
                            peerMAC: endpoint.mac, alias: "bridgectl container=c1"),
            .disableIPv6(link: "veth12345670"),
            .setLinkUp(link: "veth12345670", namespace: nil),
            .addAddress(InterfaceAddress(ip: ip("172.18.0.2"), prefixLength: 16), link: "eth0", namespace: "c1"),
            .setLinkUp(link: "eth0", namespace: "c1"),
            .setLinkUp(link: "lo", namespace: "c1"),
            .addDefaultRoute(via: ip("172.18.0.1"), link: "eth0", namespace: "c1"),
            .createDirectory(path: "/etc/netns/c1"),
            .writeFile(path: "/etc/netns/c1/hostname", contents: "c1\n", previous: nil),
            .writeFile(path: "/etc/netns/c1/hosts", contents: Fixture.baseHosts + "172.18.0.2\tc1\n", previous: nil),
            .writeFile(path: "/etc/netns/c1/resolv.conf", contents: embeddedResolvConf, previous: nil),
            .claimAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .putContainer(record, previous: nil),
        ])
        #expect(plan.onInterruption == .rollBack)
        #expect(plan.summary == "create container c1")
    }

    @Test func twoNetworksGetEth0AndEth1() throws {
        let (record, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"),
            targets: [AttachTarget(network: Fixture.front, usedAddresses: []),
                      AttachTarget(network: Fixture.side, usedAddresses: [ip("172.20.0.2")])])
        #expect(record.endpoints.map(\.interfaceName) == ["eth0", "eth1"])
        #expect(record.endpoints.map(\.hostInterfaceName) == ["veth12345670", "veth12345671"])
        #expect(record.endpoints.map(\.address) == [ip("172.18.0.2"), ip("172.20.0.3")])
        #expect(record.endpoints.map(\.mac.description) == ["02:42:ac:12:00:02", "02:42:ac:14:00:03"])
        #expect(record.endpoints.map(\.endpointID) == [oid("e1"), oid("e2")])
        #expect(record.endpoints.map(\.networkID) == [Fixture.front.id, Fixture.side.id])
        #expect(plan.steps.contains(.createVethPair(host: "veth12345671", peer: "eth1", namespace: "c1",
                                                    master: "br-51de00000003", mtu: 1500,
                                                    peerMAC: MACAddress(derivedFrom: ip("172.20.0.3")),
                                                    alias: "bridgectl container=c1")))
        #expect(plan.steps.filter { if case .addDefaultRoute = $0 { true } else { false } }
                == [.addDefaultRoute(via: ip("172.18.0.1"), link: "eth0", namespace: "c1")])
        // Bookkeeping comes last, after every host change.
        #expect(Array(plan.steps.suffix(3)) == [
            .claimAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .claimAddress(ip("172.20.0.3"), network: Fixture.side.id, container: Fixture.containerID),
            .putContainer(record, previous: nil),
        ])
        #expect(plan.steps.contains(.writeFile(path: "/etc/netns/c1/hosts",
                                               contents: Fixture.baseHosts + "172.18.0.2\tc1\n172.20.0.3\tc1\n",
                                               previous: nil)))
    }

    @Test func defaultRouteSkipsInternalNetworks() throws {
        let (record, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"),
            targets: [AttachTarget(network: Fixture.back, usedAddresses: []),
                      AttachTarget(network: Fixture.front, usedAddresses: [])])
        #expect(record.endpoints.map(\.interfaceName) == ["eth0", "eth1"])
        #expect(record.endpoints.map(\.address) == [ip("172.19.0.2"), ip("172.18.0.2")])
        let routes = plan.steps.filter { if case .addDefaultRoute = $0 { true } else { false } }
        #expect(routes == [.addDefaultRoute(via: ip("172.18.0.1"), link: "eth1", namespace: "c1")])
        #expect(ContainerPlanner.defaultRouteEndpoint(record, networks: [Fixture.back, Fixture.front])?.interfaceName == "eth1")
    }

    @Test func onlyInternalNetworksMeansNoDefaultRoute() throws {
        let (_, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"), targets: [AttachTarget(network: Fixture.back, usedAddresses: [])])
        #expect(!plan.steps.contains { if case .addDefaultRoute = $0 { true } else { false } })
    }

    @Test func modeNoneHasOnlyLoopback() throws {
        let (record, plan) = try ContainerPlanner.create(ContainerCreateRequest(name: "n1"), mode: .none, targets: [])
        #expect(record.endpoints == [])
        #expect(record.mode == .none)
        #expect(plan.steps == [
            .createNamespace(name: "n1", disableIPv6: true),
            .setLinkUp(link: "lo", namespace: "n1"),
            .createDirectory(path: "/etc/netns/n1"),
            .writeFile(path: "/etc/netns/n1/hostname", contents: "n1\n", previous: nil),
            .writeFile(path: "/etc/netns/n1/hosts", contents: Fixture.baseHosts, previous: nil),
            .writeFile(path: "/etc/netns/n1/resolv.conf", contents: resolvConf, previous: nil),
            .putContainer(record, previous: nil),
        ])
    }

    @Test func modeHostAliasesTheHostNamespace() throws {
        let (record, plan) = try ContainerPlanner.create(ContainerCreateRequest(name: "h1"), mode: .host, targets: [])
        #expect(record.mode == .host)
        #expect(plan.steps == [.aliasHostNamespace(name: "h1"), .putContainer(record, previous: nil)])
        #expect(plan.onInterruption == .rollBack)
    }

    @Test func staticIPOnUserNetwork() throws {
        let (record, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1", requestedIP: ip("172.18.0.50")),
            targets: [AttachTarget(network: Fixture.front, usedAddresses: [ip("172.18.0.2")]),
                      AttachTarget(network: Fixture.side, usedAddresses: [])])
        #expect(record.endpoints.map(\.address) == [ip("172.18.0.50"), ip("172.20.0.2")])
        #expect(record.endpoints.map(\.staticAddress) == [true, false])
        #expect(record.endpoints[0].mac.description == "02:42:ac:12:00:32")
        #expect(plan.steps.contains(.addAddress(InterfaceAddress(ip: ip("172.18.0.50"), prefixLength: 16),
                                                link: "eth0", namespace: "c1")))
    }

    @Test func staticIPInUse() {
        #expect(throws: IPAMError.addressInUse(ip("172.18.0.2"), network: "front")) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", requestedIP: ip("172.18.0.2")),
                                        targets: [AttachTarget(network: Fixture.front, usedAddresses: [ip("172.18.0.2")])])
        }
    }

    @Test func staticIPNeedsUserNetworkRefused() {
        #expect(throws: PlanningError.staticIPNeedsUserNetwork) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", requestedIP: ip("172.17.0.9")),
                                        targets: [AttachTarget(network: Fixture.activeDefaultBridge, usedAddresses: [])])
        }
        #expect(PlanningError.staticIPNeedsUserNetwork.message
                == "--ip is only supported on user-defined networks (not on bridge, host or none)")
    }

    /// Docker refuses `--ip` and `--alias` unless the (first) network is user-defined
    /// ("user specified IP address is supported on user defined networks only"). With
    /// `--network none` or `--network host` there is no target at all, and the planner drops
    /// the request silently instead of refusing it.
    @Test(arguments: [ContainerRecord.NetworkMode.none, .host])
    func staticIPWithoutAUserNetworkRefused(mode: ContainerRecord.NetworkMode) {
        #expect(throws: PlanningError.self) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", requestedIP: ip("172.18.0.9")),
                                        mode: mode, targets: [])
        }
    }

    @Test(arguments: [ContainerRecord.NetworkMode.none, .host])
    func aliasWithoutAUserNetworkRefused(mode: ContainerRecord.NetworkMode) {
        #expect(throws: PlanningError.self) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", aliases: ["web"]), mode: mode, targets: [])
        }
    }

    @Test func defaultBridgeContainer() throws {
        let (record, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"),
            targets: [AttachTarget(network: Fixture.activeDefaultBridge, usedAddresses: [])])
        #expect(record.endpoints.map(\.address) == [ip("172.17.0.2")])
        #expect(record.endpoints.map(\.mac.description) == ["02:42:ac:11:00:02"])
        #expect(plan.steps[1] == .createVethPair(host: "veth12345670", peer: "eth0", namespace: "c1", master: "bridgectl0",
                                                  mtu: 1500, peerMAC: MACAddress(derivedFrom: ip("172.17.0.2")),
                                                  alias: "bridgectl container=c1"))
    }

    @Test func aliasesOnlyOnUserNetworks() throws {
        #expect(throws: PlanningError.aliasNeedsUserNetwork) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", aliases: ["web"]),
                                        targets: [AttachTarget(network: Fixture.front, usedAddresses: []),
                                                  AttachTarget(network: Fixture.activeDefaultBridge, usedAddresses: [])])
        }
        let (record, _) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1", aliases: ["web", "www"]),
            targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        #expect(record.endpoints[0].aliases == ["web", "www"])
    }

    @Test func invalidNames() {
        #expect(throws: ModelError.invalidName("-c1", kind: "container")) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "-c1"), targets: [])
        }
        #expect(throws: ModelError.invalidDomainName("bad alias", kind: "alias", reason: Self.onlyLabelCharacters("whitespace"))) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", aliases: ["bad alias"]), targets: [])
        }
        #expect(throws: ModelError.invalidDomainName("-h", kind: "hostname", reason: "label '-h' starts or ends with '-'")) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", hostname: "-h"), targets: [])
        }
    }

    static func onlyLabelCharacters(_ what: String) -> String {
        "\(what) is not allowed (only letters, digits, '-', '_' and dots between labels)"
    }

    /// Issue #7: `--dns-search $'evil.com\nnameserver 6.6.6.6'` wrote a nameserver line into
    /// resolv.conf. Every value that becomes a word of an /etc/netns file is checked before any step.
    @Test(arguments: [
        ContainerCreateRequest(name: "c1", dnsSearch: ["evil.com\nnameserver 6.6.6.6"]),
        ContainerCreateRequest(name: "c1", dnsSearch: ["ok.example", "evil.com nameserver"]),
        ContainerCreateRequest(name: "c1", hostname: "web\n6.6.6.6 evil"),
        ContainerCreateRequest(name: "c1", hostname: "web evil"),
        ContainerCreateRequest(name: "c1", aliases: ["www\u{0}"]),
    ])
    func valuesThatWouldInjectLinesAreRefused(request: ContainerCreateRequest) {
        #expect(throws: ModelError.self) {
            try ContainerPlanner.create(request, targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        }
    }

    @Test func searchDomainInjectionMessage() {
        #expect(throws: ModelError.invalidDomainName("evil.com\nnameserver 6.6.6.6", kind: "--dns-search domain",
                                                     reason: Self.onlyLabelCharacters("a newline"))) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1", dnsSearch: ["evil.com\nnameserver 6.6.6.6"]),
                                        targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        }
    }

    /// The hostname defaults to the container's name, which may end with '-' or hold '..'
    /// (Docker's name rule); only a --hostname the user gives must be a DNS name.
    @Test func defaultHostnameFollowsTheNameRule() throws {
        let (record, _) = try ContainerPlanner.create(ContainerCreateRequest(name: "web-"), targets: [])
        #expect(record.hostname == "web-")
    }

    /// Docker's `--dns-search .`: no search line at all, not even the host's.
    @Test func searchDotMeansNoSearchDomains() throws {
        let (_, plan) = try ContainerPlanner.create(ContainerCreateRequest(name: "c1", dnsSearch: ["."]),
                                                    targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        #expect(plan.steps.contains(.writeFile(path: "/etc/netns/c1/resolv.conf",
                                               contents: "nameserver 127.0.0.11\noptions ndots:0\n", previous: nil)))
    }

    @Test func hostnameDNSAndExtraHosts() throws {
        let request = ContainerCreateRequest(
            name: "c1", hostname: "web", dns: [ip("1.1.1.1")], dnsSearch: ["corp.example"],
            extraHosts: [ExtraHost(name: "db", target: .address(ip("10.0.0.5"))),
                         ExtraHost(name: "host.docker.internal", target: .hostGateway)])
        let (record, plan) = try ContainerPlanner.create(
            request, targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        #expect(record.hostname == "web")
        #expect(record.dns == [ip("1.1.1.1")])
        #expect(record.dnsSearch == ["corp.example"])
        #expect(record.extraHosts == request.extraHosts)
        #expect(plan.steps.contains(.writeFile(path: "/etc/netns/c1/hostname", contents: "web\n", previous: nil)))
        #expect(plan.steps.contains(.writeFile(
            path: "/etc/netns/c1/hosts",
            contents: Fixture.baseHosts + "10.0.0.5\tdb\n172.18.0.1\thost.docker.internal\n172.18.0.2\tweb c1\n",
            previous: nil)))
        // On a user-defined network --dns only changes where the embedded resolver forwards.
        #expect(plan.steps.contains(.writeFile(path: "/etc/netns/c1/resolv.conf",
                                               contents: "search corp.example\nnameserver 127.0.0.11\noptions ndots:0\n",
                                               previous: nil)))
        // On the default bridge it replaces the host's nameservers.
        let (_, onBridge) = try ContainerPlanner.create(
            request, targets: [AttachTarget(network: Fixture.activeDefaultBridge, usedAddresses: [])])
        #expect(onBridge.steps.contains(.writeFile(path: "/etc/netns/c1/resolv.conf",
                                                   contents: "search corp.example\nnameserver 1.1.1.1\n", previous: nil)))
    }

    @Test func networkWithoutSubnetCannotBeJoined() {
        #expect(throws: IPAMError.networkFull(network: "bridge", range: "no subnet")) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1"),
                                        targets: [AttachTarget(network: Fixture.defaultBridge, usedAddresses: [])])
        }
    }

    @Test func hostInterfaceName() {
        #expect(ContainerPlanner.hostInterfaceName(container: oid("abcdef0123"), index: 0) == "vethabcdef00")
        #expect(ContainerPlanner.hostInterfaceName(container: oid("abcdef0123"), index: 12) == "vethabcdef012")
        #expect(ContainerPlanner.hostInterfaceName(container: oid("abcdef0123"), index: 99).utf8.count <= 15)
    }
}

@Suite struct ContainerPlannerConnectTests {
    static let networks = [Fixture.front.id: Fixture.front, Fixture.back.id: Fixture.back, Fixture.side.id: Fixture.side]

    static func container(on targets: [NetworkRecord]) throws -> ContainerRecord {
        try ContainerPlanner.create(ContainerCreateRequest(name: "c1"),
                                    targets: targets.map { AttachTarget(network: $0, usedAddresses: []) }).0
    }

    @Test func connectAddsEth1KeepsRoute() throws {
        let container = try Self.container(on: [Fixture.front])
        let (updated, plan) = try ContainerPlanner.connect(
            container, to: AttachTarget(network: Fixture.side, usedAddresses: [ip("172.20.0.2")]), requestedIP: nil,
            aliases: ["api"], endpointID: oid("e9"), networks: Self.networks)
        let endpoint = try #require(updated.endpoint(on: Fixture.side.id))
        #expect(endpoint == Endpoint(networkID: Fixture.side.id, endpointID: oid("e9"), interfaceName: "eth1",
                                     hostInterfaceName: "veth12345671", address: ip("172.20.0.3"), prefixLength: 16,
                                     gateway: ip("172.20.0.1"), mac: MACAddress(derivedFrom: ip("172.20.0.3")),
                                     aliases: ["api"], staticAddress: false))
        #expect(updated.endpoints.count == 2)
        #expect(plan.steps == [
            .createVethPair(host: "veth12345671", peer: "eth1", namespace: "c1", master: "br-51de00000003", mtu: 1500,
                            peerMAC: endpoint.mac, alias: "bridgectl container=c1"),
            .disableIPv6(link: "veth12345671"),
            .setLinkUp(link: "veth12345671", namespace: nil),
            .addAddress(InterfaceAddress(ip: ip("172.20.0.3"), prefixLength: 16), link: "eth1", namespace: "c1"),
            .setLinkUp(link: "eth1", namespace: "c1"),
            .writeFile(path: "/etc/netns/c1/hosts",
                       contents: Fixture.baseHosts + "172.18.0.2\tc1\n172.20.0.3\tc1\n",
                       previous: Fixture.baseHosts + "172.18.0.2\tc1\n"),
            .claimAddress(ip("172.20.0.3"), network: Fixture.side.id, container: Fixture.containerID),
            .putContainer(updated, previous: container),
        ])
        #expect(plan.onInterruption == .rollBack)
        #expect(plan.summary == "connect c1 to side")
    }

    @Test func connectGivesTheFirstDefaultRoute() throws {
        let container = try Self.container(on: [Fixture.back])
        let (_, plan) = try ContainerPlanner.connect(
            container, to: AttachTarget(network: Fixture.front, usedAddresses: []), requestedIP: ip("172.18.0.77"),
            aliases: [], endpointID: oid("e9"), networks: Self.networks)
        #expect(plan.steps.contains(.addDefaultRoute(via: ip("172.18.0.1"), link: "eth1", namespace: "c1")))
        #expect(plan.steps.contains(.claimAddress(ip("172.18.0.77"), network: Fixture.front.id,
                                                  container: Fixture.containerID)))
    }

    @Test func connectErrors() throws {
        let container = try Self.container(on: [Fixture.front])
        #expect(throws: PlanningError.alreadyConnected(container: "c1", network: "front")) {
            try ContainerPlanner.connect(container, to: AttachTarget(network: Fixture.front, usedAddresses: []),
                                         requestedIP: nil, aliases: [], endpointID: oid("e9"), networks: Self.networks)
        }
        #expect(throws: PlanningError.staticIPNeedsUserNetwork) {
            try ContainerPlanner.connect(container, to: AttachTarget(network: Fixture.activeDefaultBridge, usedAddresses: []),
                                         requestedIP: ip("172.17.0.5"), aliases: [], endpointID: oid("e9"),
                                         networks: Self.networks)
        }
        #expect(throws: PlanningError.aliasNeedsUserNetwork) {
            try ContainerPlanner.connect(container, to: AttachTarget(network: Fixture.activeDefaultBridge, usedAddresses: []),
                                         requestedIP: nil, aliases: ["x"], endpointID: oid("e9"), networks: Self.networks)
        }
        let isolated = ContainerRecord(id: Fixture.containerID, name: "n1", created: "t", hostname: "n1", mode: .none)
        #expect(throws: PlanningError.specialNetworkMix("none")) {
            try ContainerPlanner.connect(isolated, to: AttachTarget(network: Fixture.front, usedAddresses: []),
                                         requestedIP: nil, aliases: [], endpointID: oid("e9"), networks: Self.networks)
        }
    }

    /// Issue #7: the 1024th container on one bridge failed with libnl's "Unspecific failure".
    /// 1023 endpoints fill the bridge; the next create or connect is refused before any step.
    @Test func aFullBridgeIsNamedBeforeAnyStep() throws {
        let base = ip("172.18.1.0").value
        let full = Set((0..<UInt32(ContainerPlanner.maxPortsPerBridge)).map { IPv4Address(base + $0) })
        let limit = PlanningError.bridgePortLimit(network: "front", bridge: "br-f00d00000001")
        #expect(throws: limit) {
            try ContainerPlanner.create(ContainerCreateRequest(name: "c1024"),
                                        targets: [AttachTarget(network: Fixture.front, usedAddresses: full)])
        }
        let container = try Self.container(on: [Fixture.side])
        #expect(throws: limit) {
            try ContainerPlanner.connect(container, to: AttachTarget(network: Fixture.front, usedAddresses: full),
                                         requestedIP: nil, aliases: [], endpointID: oid("e9"), networks: Self.networks)
        }
        // One port left: the 1023rd endpoint still fits.
        let (record, _) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1023"),
            targets: [AttachTarget(network: Fixture.front, usedAddresses: Set(full.dropFirst()))])
        #expect(record.endpoints.count == 1)
        #expect(limit.message == "network 'front' has reached the kernel's limit of 1023 ports on bridge br-f00d00000001: "
                + "put further containers on another network")
    }

    @Test func disconnectSwitchesTheDefaultRoute() throws {
        let container = try Self.container(on: [Fixture.front, Fixture.side])
        let (updated, plan) = try ContainerPlanner.disconnect(container, from: Fixture.front, networks: Self.networks)
        #expect(updated.endpoints.map(\.interfaceName) == ["eth1"])
        #expect(plan.steps == [
            .deleteLink(name: "veth12345670", namespace: nil),
            .addDefaultRoute(via: ip("172.20.0.1"), link: "eth1", namespace: "c1"),
            .writeFile(path: "/etc/netns/c1/hosts",
                       contents: Fixture.baseHosts + "172.20.0.2\tc1\n",
                       previous: Fixture.baseHosts + "172.18.0.2\tc1\n172.20.0.2\tc1\n"),
            .releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .putContainer(updated, previous: container),
        ])
        #expect(plan.onInterruption == .rollForward)
        #expect(plan.summary == "disconnect c1 from front")
        #expect(plan.redoIntent == .disconnect(container: Fixture.containerID, network: Fixture.front.id))
    }

    @Test func disconnectingANonRouteNetworkLeavesTheRoute() throws {
        let container = try Self.container(on: [Fixture.front, Fixture.side])
        let (_, plan) = try ContainerPlanner.disconnect(container, from: Fixture.side, networks: Self.networks)
        #expect(plan.steps.first == .deleteLink(name: "veth12345671", namespace: nil))
        #expect(!plan.steps.contains { if case .addDefaultRoute = $0 { true } else { false } })
    }

    @Test func disconnectToOnlyInternalLeavesNoRoute() throws {
        let container = try Self.container(on: [Fixture.front, Fixture.back])
        let (_, plan) = try ContainerPlanner.disconnect(container, from: Fixture.front, networks: Self.networks)
        #expect(!plan.steps.contains { if case .addDefaultRoute = $0 { true } else { false } })
    }

    @Test func disconnectNotConnected() throws {
        let container = try Self.container(on: [Fixture.front])
        #expect(throws: PlanningError.notConnected(container: "c1", network: "side")) {
            try ContainerPlanner.disconnect(container, from: Fixture.side, networks: Self.networks)
        }
    }

    @Test func reconnectReusesTheFreedInterfaceName() throws {
        let container = try Self.container(on: [Fixture.front, Fixture.side])
        let (afterDisconnect, _) = try ContainerPlanner.disconnect(container, from: Fixture.front, networks: Self.networks)
        let (afterConnect, _) = try ContainerPlanner.connect(
            afterDisconnect, to: AttachTarget(network: Fixture.back, usedAddresses: []), requestedIP: nil, aliases: [],
            endpointID: oid("e9"), networks: Self.networks)
        #expect(afterConnect.endpoints.map(\.interfaceName) == ["eth1", "eth0"])
        #expect(afterConnect.endpoint(on: Fixture.back.id)?.hostInterfaceName == "veth12345670")
    }
}

@Suite struct ContainerPlannerRemoveTests {
    @Test func removeBridgedContainer() throws {
        let container = try ContainerPlannerConnectTests.container(on: [Fixture.front, Fixture.side])
        let plan = ContainerPlanner.remove(container, killProcesses: true)
        #expect(plan.steps == [
            .killProcesses(namespace: "c1"),
            .deleteNamespace(name: "c1"),
            .removeFile(path: "/etc/netns/c1/hosts", previous: nil),
            .removeFile(path: "/etc/netns/c1/resolv.conf", previous: nil),
            .removeFile(path: "/etc/netns/c1/hostname", previous: nil),
            .removeDirectory(path: "/etc/netns/c1"),
            .releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .releaseAddress(ip("172.20.0.2"), network: Fixture.side.id, container: Fixture.containerID),
            .removeContainer(container),
        ])
        #expect(plan.onInterruption == .rollForward)
        #expect(plan.redoIntent?.journalName == "container-1234567abc" + String(repeating: "0", count: 54))
    }

    @Test func removeHostModeContainer() {
        let container = ContainerRecord(id: Fixture.containerID, name: "h1", created: "t", hostname: "h1", mode: .host)
        let plan = ContainerPlanner.remove(container, killProcesses: true)
        #expect(plan.steps == [.deleteNamespace(name: "h1"), .removeContainer(container)])
    }
}
