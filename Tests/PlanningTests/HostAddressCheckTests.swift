import BridgeModel
import Planning
import Testing

/// Issue #7: a host_binding_ipv4 the host does not have made `-p` fail as "already in use by a
/// host process". The reason must be named.
@Suite struct HostAddressCheckTests {
    static let local: Set<IPv4Address> = [ip("127.0.0.1"), ip("192.0.2.10")]

    func check(_ specs: [String], hostBinding: String = "0.0.0.0") throws {
        var network = Fixture.front
        network.options.hostBindingIPv4 = ip(hostBinding)
        try HostAddressCheck.checkPublish(specs.map { try! PublishSpec(parsing: $0) }, network: network,
                                          isLocal: { Self.local.contains($0) })
    }

    @Test func aHostBindingTheHostLacksIsNamedAsSuch() {
        #expect(throws: PlanningError.publishAddressNotLocal(ip("10.9.9.9"), network: "front")) {
            try check(["8080:80"], hostBinding: "10.9.9.9")
        }
        #expect(PlanningError.publishAddressNotLocal(ip("10.9.9.9"), network: "front").message
                == "cannot publish on 10.9.9.9: it is not an address of this host "
                + "(option com.docker.network.bridge.host_binding_ipv4 of network 'front')")
    }

    @Test func anExplicitHostIPOverridesTheNetworksBinding() throws {
        try check(["192.0.2.10:8080:80", "0.0.0.0:8081:81"], hostBinding: "10.9.9.9")
        #expect(throws: PortError.notLocalAddress(ip("10.9.9.8"))) { try check(["10.9.9.8:8080:80"]) }
    }

    @Test func localAndAnyAddressesPass() throws {
        try check(["8080:80", "127.0.0.1:8081:81"])
        try check(["8080:80"], hostBinding: "192.0.2.10")
    }

    /// Multicast and broadcast addresses bind (so the probe says "local"), but nothing listens there.
    @Test(arguments: ["224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1"])
    func nonUnicastIsNeverAHostAddress(address: String) {
        #expect(!HostAddressCheck.isHostAddress(ip(address), isLocal: { _ in true }))
    }
}
