import BridgeModel
import Planning
import Testing

/// Containers a CNI runtime made: planned like bridgectl's own on the runtime's namespace.
@Suite struct RuntimeContainerPlannerTests {
    let attachment = RuntimeAttachment(containerID: "default-c1", ifName: "net1", netnsPath: "/proc/4242/ns/net")

    func attach(name: String = "pod1", network: NetworkRecord = Fixture.front, used: Set<IPv4Address> = [],
                requestedIP: IPv4Address? = nil, mac: MACAddress? = nil, aliases: [String] = [],
                ports: [PortBinding] = []) throws -> (ContainerRecord, Plan) {
        try ContainerPlanner.createRuntime(name: name, attachment: attachment,
                                           target: AttachTarget(network: network, usedAddresses: used),
                                           requestedIP: requestedIP, mac: mac, aliases: aliases, ports: ports,
                                           id: Fixture.containerID, created: "t2", endpointID: oid("e1"))
    }

    @Test func attachesTheRuntimesNamespaceWithItsInterfaceNameAndNoEtcFiles() throws {
        let (record, plan) = try attach()
        let endpoint = Endpoint(networkID: Fixture.front.id, endpointID: oid("e1"), interfaceName: "net1",
                                hostInterfaceName: "veth12345670", address: ip("172.18.0.2"), prefixLength: 16,
                                gateway: ip("172.18.0.1"), mac: MACAddress(derivedFrom: ip("172.18.0.2")),
                                aliases: [], staticAddress: false)
        #expect(record == ContainerRecord(id: Fixture.containerID, name: "pod1", created: "t2", hostname: "pod1",
                                          mode: .bridged, endpoints: [endpoint], runtime: attachment))
        #expect(plan.steps == [
            .attachNamespace(name: "pod1", path: "/proc/4242/ns/net"),
            .createVethPair(host: "veth12345670", peer: "net1", namespace: "pod1", master: "br-f00d00000001", mtu: 1500,
                            peerMAC: endpoint.mac, alias: "bridgectl container=pod1"),
            .disableIPv6(link: "veth12345670"),
            .setLinkUp(link: "veth12345670", namespace: nil),
            .addAddress(InterfaceAddress(ip: ip("172.18.0.2"), prefixLength: 16), link: "net1", namespace: "pod1"),
            .setLinkUp(link: "net1", namespace: "pod1"),
            .setLinkUp(link: "lo", namespace: "pod1"),
            .addDefaultRoute(via: ip("172.18.0.1"), link: "net1", namespace: "pod1"),
            .claimAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .putContainer(record, previous: nil),
        ])
        #expect(plan.onInterruption == .rollBack)
        // The embedded DNS serves it like any container on a user network.
        #expect(ContainerPlanner.usesEmbeddedDNS(record, networks: [Fixture.front]))
    }

    @Test func staticAddressMACAndAliasesAreHonoured() throws {
        let mac = MACAddress(bytes: [0x0a, 0x58, 0x0a, 0x00, 0x00, 0x09])
        let (record, plan) = try attach(requestedIP: ip("172.18.5.9"), mac: mac, aliases: ["web", "abc123"])
        let endpoint = try #require(record.endpoints.first)
        #expect(endpoint.address == ip("172.18.5.9"))
        #expect(endpoint.staticAddress)
        #expect(endpoint.mac == mac)
        #expect(endpoint.aliases == ["web", "abc123"])
        #expect(plan.steps.contains(.createVethPair(host: "veth12345670", peer: "net1", namespace: "pod1",
                                                    master: "br-f00d00000001", mtu: 1500, peerMAC: mac,
                                                    alias: "bridgectl container=pod1")))
    }

    @Test func badInputIsRefusedBeforeAnythingIsPlanned() throws {
        #expect(throws: PlanningError.multicastMAC(MACAddress(bytes: [0x01, 0, 0, 0, 0, 1]))) {
            try attach(mac: MACAddress(bytes: [0x01, 0, 0, 0, 0, 1]))
        }
        #expect(throws: IPAMError.self) { try attach(requestedIP: ip("10.9.9.9")) }
        #expect(throws: ModelError.self) { try attach(aliases: ["bad alias"]) }
        #expect(throws: PlanningError.builtinNetwork("bridge", action: "used by a CNI runtime")) {
            try attach(network: Fixture.activeDefaultBridge)
        }
        #expect(throws: PortError.internalNetwork("back")) {
            try attach(network: Fixture.back, ports: [PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)])
        }
    }

    @Test func publishedPortsGoThroughTheFirewallStepsWithHairpin() throws {
        let binding = PortBinding(hostIP: ip("127.0.0.1"), hostPort: 8080, containerPort: 80, transport: .tcp)
        let (record, plan) = try attach(ports: [binding])
        #expect(record.ports == [binding])
        #expect(record.publishedNetwork == Fixture.front.id)
        #expect(plan.steps.contains(.setHairpin(link: "veth12345670")))
        #expect(plan.steps.contains(FirewallSteps.publish(container: "pod1", address: ip("172.18.0.2"), network: Fixture.front,
                                                          bindings: [binding])))
        #expect(plan.steps.contains(.claimPort(binding, container: Fixture.containerID)))
    }

    /// DEL: the host veth goes explicitly (the runtime's namespace outlives bridgectl's mount),
    /// the mount is undone, nothing is killed, and no /etc/netns file is touched.
    @Test func removalDeletesTheHostVethAndUnmountsWithoutKilling() throws {
        let binding = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)
        let (record, _) = try attach(ports: [binding])
        let plan = ContainerPlanner.remove(record, killProcesses: true, publishedNetwork: Fixture.front)
        let unpublish = try #require(FirewallSteps.unpublish(container: "pod1", address: ip("172.18.0.2"), network: Fixture.front,
                                                             bindings: [binding]))
        #expect(plan.steps == [
            unpublish,
            .deleteHostLinkInBackground(name: "veth12345670"),
            .detachNamespace(name: "pod1"),
            .releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .releasePort(binding, container: Fixture.containerID),
            .removeContainer(record),
        ])
        #expect(plan.onInterruption == .rollForward)
        #expect(plan.redoIntent == .removeContainer(Fixture.containerID))
    }

    @Test func attachAndDetachStepsAsShellCommandsAndInverse() {
        let attach = Step.attachNamespace(name: "pod1", path: "/run/netns/netns-1 x")
        #expect(attach.shellCommands == ["mkdir -p /run/netns", "touch /run/netns/pod1",
                                         "mount --bind '/run/netns/netns-1 x' /run/netns/pod1"])
        #expect(attach.inverse == .detachNamespace(name: "pod1"))
        #expect(Step.detachNamespace(name: "pod1").shellCommands == ["umount /run/netns/pod1", "rm -f /run/netns/pod1"])
        #expect(Step.detachNamespace(name: "pod1").inverse == nil)
        #expect(Step.deleteHostLinkInBackground(name: "veth12345670").shellCommands == ["ip link del veth12345670 &"])
        #expect(Step.deleteHostLinkInBackground(name: "veth12345670").inverse == nil)
    }

    @Test(arguments: [
        // The pod name when valid and free.
        ("web-1", "f3c9a1d2b4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f", [String](), "web-1"),
        // Taken: podman's 64-hex ID, shortened as Docker shortens IDs.
        ("web-1", "f3c9a1d2b4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f", ["web-1"], "f3c9a1d2b4e5"),
        // None (ctr): the ID whole.
        (nil, "default-c1", [], "default-c1"),
        // Invalid pod name; characters a name cannot hold become '-'.
        ("bad name", "k8s.io/pod:1", [], "k8s.io-pod-1"),
        // Derived and taken: a suffix.
        (nil, "default-c1", ["default-c1", "default-c1-2"], "default-c1-3"),
        // Nothing usable at all.
        (nil, "///", [], "cni"),
    ] as [(String?, String, [String], String)])
    func containerNameRule(requested: String?, containerID: String, taken: [String], expected: String) {
        #expect(ContainerPlanner.runtimeContainerName(requested: requested, containerID: containerID,
                                                      isTaken: { taken.contains($0) }) == expected)
    }

    @Test func expectedHostHoldsTheMountAndNoFiles() throws {
        let (record, _) = try attach()
        let expected = ExpectedHost.render(networks: [Fixture.front], containers: [record], hostResolver: Fixture.hostResolver)
        #expect(expected.namespaces.map(\.name) == ["pod1"])
        #expect(expected.namespaces.map(\.isHostAlias) == [false])
        #expect(expected.files.isEmpty)
        #expect(expected.directories.isEmpty)
        #expect(expected.interfaces.map(\.name).sorted() == ["lo", "net1"])
    }

    /// After a reboot the runtime's namespace is gone with everything in it: restore does not
    /// make an empty one in its place (no runtime would use it) and says why.
    @Test func restoreLeavesAContainerWhoseRuntimeNamespaceIsGoneAlone() throws {
        let (record, _) = try attach()
        let expected = ExpectedHost.render(networks: [Fixture.front], containers: [record], hostResolver: Fixture.hostResolver)
        var observed = observation(of: expected)
        observed.namespaceNames = []
        observed.containerNamespaces = [:]
        observed.host.links.removeAll { $0.name == "veth12345670" }
        let repair = HostRepair.plan(networks: [Fixture.front], containers: [record], hostResolver: Fixture.hostResolver,
                                     expected: expected, observed: observed)
        #expect(!repair.steps.contains { step in
            switch step {
            case .attachNamespace, .createNamespace, .createVethPair: return true
            default: return false
            }
        })
        #expect(repair.leftAlone.count == 1)
        #expect(repair.leftAlone.first?.contains("/proc/4242/ns/net") == true)
        #expect(expected.drifts(from: observed).contains(Drift(owner: .container("pod1"), kind: .namespaceMissing(namespace: "pod1"))))
    }

    @Test func runtimeNamespaceGoneIsSaidInWords() {
        let drift = Drift(owner: .container("pod1"), kind: .runtimeNamespaceGone(namespace: "pod1", path: "/proc/4242/ns/net"))
        #expect(drift.description == "container pod1: the runtime's namespace /proc/4242/ns/net is gone (only bridgectl's mount "
                + "pod1 keeps it); 'bridgectl doctor --fix' removes the container")
        #expect(drift.kindName == "runtimeNamespaceGone")
    }

    @Test func readinessSaysWhenThePoolIsFull() {
        let tiny = Fixture.user("tiny", id: oid("7171"), subnet: "10.5.0.0/30")
        #expect(ContainerPlanner.attachBlocker(network: tiny, used: []) == nil)
        let full = ContainerPlanner.attachBlocker(network: tiny, used: [ip("10.5.0.2")])
        #expect(full?.contains("tiny") == true)
    }
}

/// A CNI config naming an existing network must not contradict it.
@Suite struct CNINetworkConflictTests {
    let existing = Fixture.with(Fixture.user("cni0", id: oid("c0"), subnet: "10.88.0.0/16", ipRange: "10.88.1.0/24")) {
        $0.mtu = 1400
    }

    func conflict(_ request: NetworkCreateRequest) throws -> String? {
        try NetworkPlanner.cniConflict(existing: existing, request: request)
    }

    @Test func aConfigStatingTheSameOrLessAgrees() throws {
        #expect(try conflict(NetworkCreateRequest(name: "cni0")) == nil)
        #expect(try conflict(NetworkCreateRequest(name: "cni0", subnet: net("10.88.0.0/16"), gateway: ip("10.88.0.1"),
                                                  ipRange: net("10.88.1.0/24"),
                                                  options: [(NetworkOptions.mtuKey, "1400"), (NetworkOptions.enableICCKey, "true"),
                                                            (NetworkOptions.enableMasqueradeKey, "true")])) == nil)
    }

    @Test(arguments: [
        (NetworkCreateRequest(name: "cni0", subnet: net("10.89.0.0/16")), "subnet is 10.88.0.0/16, the config says 10.89.0.0/16"),
        (NetworkCreateRequest(name: "cni0", gateway: ip("10.88.0.254")), "gateway is 10.88.0.1, the config says 10.88.0.254"),
        (NetworkCreateRequest(name: "cni0", ipRange: net("10.88.2.0/24")), "ipRange is 10.88.1.0/24, the config says 10.88.2.0/24"),
        (NetworkCreateRequest(name: "cni0", options: [(NetworkOptions.enableICCKey, "false")]), "icc is true, the config says false"),
        (NetworkCreateRequest(name: "cni0", isInternal: true), "internal is false, the config says true"),
        (NetworkCreateRequest(name: "cni0", options: [(NetworkOptions.enableMasqueradeKey, "false")]), "ipMasq is true, the config says false"),
        (NetworkCreateRequest(name: "cni0", options: [(NetworkOptions.mtuKey, "1500")]), "mtu is 1400, the config says 1500"),
        // The first difference is named.
        (NetworkCreateRequest(name: "cni0", subnet: net("10.89.0.0/16"), isInternal: true), "subnet is 10.88.0.0/16, the config says 10.89.0.0/16"),
    ])
    func theFirstDifferenceIsNamed(request: NetworkCreateRequest, reason: String) throws {
        #expect(try conflict(request) == reason)
    }

    @Test func aPredefinedNetworkIsNeverACNINetwork() throws {
        #expect(try NetworkPlanner.cniConflict(existing: Fixture.defaultBridge, request: NetworkCreateRequest(name: "bridge"))
                == "'bridge' is a pre-defined network, not one a CNI config can use")
    }
}
