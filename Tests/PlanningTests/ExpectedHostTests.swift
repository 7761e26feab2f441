import BridgeModel
import Planning
import Testing

/// A network "web" with ICC off and two containers on it, "api" publishing 8080->80/tcp and "db",
/// made by the planners exactly as `create` makes them.
enum TwoContainerHost {
    static let web = NetworkRecord(id: oid("f00d00000001"), name: "web", kind: .user, created: "t1",
                                   bridgeName: "br-f00d00000001", subnet: net("172.18.0.0/16"), gateway: ip("172.18.0.1"),
                                   options: { var options = NetworkOptions(); options.enableICC = false; return options }())
    static let apiID = oid("a910000")
    static let dbID = oid("db00000")
    static let port = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)

    static func make() throws -> (networks: [NetworkRecord], api: ContainerRecord, db: ContainerRecord,
                                  apiPlan: Plan, dbPlan: Plan) {
        var ids = IDSequence()
        let (api, apiPlan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "api", ports: [port]), id: apiID, created: "t2", mode: .bridged,
            targets: [AttachTarget(network: web, usedAddresses: [])], hostResolver: Fixture.hostResolver,
            makeID: { ids.make() })
        let (db, dbPlan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "db"), id: dbID, created: "t3", mode: .bridged,
            targets: [AttachTarget(network: web, usedAddresses: [ip("172.18.0.2")])], hostResolver: Fixture.hostResolver,
            makeID: { ids.make() })
        return ([Fixture.defaultBridge, Fixture.host, Fixture.none, web], api, db, apiPlan, dbPlan)
    }

    static func expected() throws -> ExpectedHost {
        let made = try make()
        return ExpectedHost.render(networks: made.networks, containers: [made.api, made.db], hostResolver: Fixture.hostResolver)
    }
}

@Suite struct ExpectedHostTests {
    let web = TwoContainerHost.web

    @Test func bridgeOfTheNetwork() throws {
        let expected = try TwoContainerHost.expected()
        #expect(expected.bridges.count == 1)
        let bridge = try #require(expected.bridges.first)
        #expect(bridge.name == "br-f00d00000001")
        #expect(bridge.owner == .network("web"))
        #expect(bridge.mtu == 1500)
        #expect(bridge.mac.description == "02:42:ac:12:00:01")
        #expect(bridge.alias == "bridgectl net=web")
        #expect(bridge.addresses == [InterfaceAddress(ip: ip("172.18.0.1"), prefixLength: 16)])
        #expect(bridge.isUp)
    }

    @Test func vethsAndContainerInterfaces() throws {
        let expected = try TwoContainerHost.expected()
        #expect(expected.veths.map(\.name) == ["vetha910000", "vethdb00000"].map { $0 + "0" })
        #expect(expected.veths.map(\.bridge) == ["br-f00d00000001", "br-f00d00000001"])
        #expect(expected.veths.map(\.alias) == ["bridgectl container=api", "bridgectl container=db"])
        #expect(expected.veths.map(\.owner) == [.container("api"), .container("db")])
        #expect(expected.veths.allSatisfy { $0.isUp && $0.mtu == 1500 && $0.peer == "eth0" })
        #expect(expected.interfaces.map { "\($0.namespace)/\($0.name)" } == ["api/eth0", "api/lo", "db/eth0", "db/lo"])
        let apiEth0 = expected.interfaces[0]
        #expect(apiEth0.addresses == [InterfaceAddress(ip: ip("172.18.0.2"), prefixLength: 16)])
        #expect(apiEth0.mac?.description == "02:42:ac:12:00:02")
        #expect(apiEth0.isUp)
        #expect(expected.interfaces[2].addresses == [InterfaceAddress(ip: ip("172.18.0.3"), prefixLength: 16)])
        #expect(expected.interfaces[1].isUp && expected.interfaces[1].mac == nil)
        #expect(expected.defaultRoutes.map { "\($0.namespace) via \($0.gateway) dev \($0.link)" }
                == ["api via 172.18.0.1 dev eth0", "db via 172.18.0.1 dev eth0"])
        #expect(expected.namespaces.map(\.name) == ["api", "db"])
        #expect(expected.namespaces.allSatisfy { !$0.isHostAlias })
    }

    @Test func etcNetnsFiles() throws {
        let expected = try TwoContainerHost.expected()
        #expect(expected.files.map(\.path) == [
            "/etc/netns/api/hostname", "/etc/netns/api/hosts", "/etc/netns/api/resolv.conf",
            "/etc/netns/db/hostname", "/etc/netns/db/hosts", "/etc/netns/db/resolv.conf",
        ])
        let contents = Dictionary(uniqueKeysWithValues: expected.files.map { ($0.path, $0.contents) })
        #expect(contents["/etc/netns/api/hostname"] == "api\n")
        #expect(contents["/etc/netns/db/hosts"] == Fixture.baseHosts + "172.18.0.3\tdb\n")
        #expect(contents["/etc/netns/api/resolv.conf"] == "search example.com\nnameserver 127.0.0.11\noptions ndots:0\n")
        #expect(expected.directories == ["/etc/netns/api": .container("api"), "/etc/netns/db": .container("db")])
    }

    @Test func firewallRulesAndChains() throws {
        let expected = try TwoContainerHost.expected()
        #expect(Set(expected.chains.map { "\($0.table) \($0.name)" }) == [
            "filter BRIDGECTL-FORWARD", "filter BRIDGECTL-CT", "filter BRIDGECTL-PORTS", "filter BRIDGECTL-ISOLATION-1",
            "filter BRIDGECTL-ISOLATION-2", "filter BRIDGECTL-USER", "nat BRIDGECTL-DNAT", "nat BRIDGECTL-DNAT-OUTPUT",
            "nat BRIDGECTL-POSTROUTING",
        ])
        func owners(_ comment: String) -> [String] {
            expected.rules.filter { $0.spec.contains("--comment \"bridgectl \(comment)\"") }
                .map { "\($0.owner) \($0.table) \($0.chain) \($0.spec)" }
        }
        #expect(owners("user rules first") == [
            "bridgectl filter FORWARD -m comment --comment \"bridgectl user rules first\" -j BRIDGECTL-USER",
        ])
        #expect(owners("net=web icc off") == [
            "network web filter BRIDGECTL-FORWARD -i br-f00d00000001 -o br-f00d00000001 -m comment --comment \"bridgectl net=web icc off\" -j DROP",
        ])
        #expect(owners("net=web masquerade") == [
            "network web nat BRIDGECTL-POSTROUTING -s 172.18.0.0/16 ! -o br-f00d00000001 -m comment --comment \"bridgectl net=web masquerade\" -j MASQUERADE",
        ])
        #expect(owners("container=api publish 0.0.0.0:8080->80/tcp") == [
            "container api nat BRIDGECTL-DNAT -p tcp -m tcp --dport 8080 -m comment --comment \"bridgectl container=api publish 0.0.0.0:8080->80/tcp\" -j DNAT --to-destination 172.18.0.2:80",
            "container api filter BRIDGECTL-PORTS -d 172.18.0.2/32 -o br-f00d00000001 -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT -m comment --comment \"bridgectl container=api publish 0.0.0.0:8080->80/tcp\" -j ACCEPT",
        ])
        // Each rule once: shared jumps are not repeated per network.
        #expect(Set(expected.rules.map(\.observationKey)).count == expected.rules.count)
        #expect(expected.rules.count == 10 + 9 + 2)
        #expect(expected.rules.filter { $0.owner == .container("db") }.isEmpty)
    }

    @Test func sysctlsAndHairpin() throws {
        let expected = try TwoContainerHost.expected()
        #expect(expected.sysctls.map { "\($0.owner): \($0.key)=\($0.value)" } == [
            "network web: net.ipv6.conf.br-f00d00000001.disable_ipv6=1",
            "network web: net.ipv4.ip_forward=1",
            "network web: net.ipv4.conf.br-f00d00000001.route_localnet=1",
            "network web: net.bridge.bridge-nf-call-iptables=1",
            "container api: net.ipv6.conf.vetha9100000.disable_ipv6=1",
            "container db: net.ipv6.conf.vethdb000000.disable_ipv6=1",
        ])
        #expect(expected.hairpins.map { "\($0.owner) \($0.link)" } == ["container api vetha9100000"])
    }

    /// The renderer folds the planner's own create steps: a container's kernel and file steps in
    /// its create plan are exactly the ones the expected host is made of.
    @Test func containerCreateIsHostStepsPlusBookkeeping() throws {
        let made = try TwoContainerHost.make()
        #expect(made.apiPlan.steps.filter { !$0.isBookkeeping }
                == ContainerPlanner.hostSteps(for: made.api, networks: made.networks, hostResolver: Fixture.hostResolver))
        #expect(made.dbPlan.steps.filter { !$0.isBookkeeping }
                == ContainerPlanner.hostSteps(for: made.db, networks: made.networks, hostResolver: Fixture.hostResolver))
    }

    @Test func defaultBridgeOnlyWhileUsed() throws {
        let idle = ExpectedHost.render(networks: [Fixture.activeDefaultBridge, Fixture.host, Fixture.none], containers: [],
                                       hostResolver: Fixture.hostResolver)
        #expect(idle.bridges.isEmpty && idle.rules.isEmpty && idle.chains.isEmpty && idle.sysctls.isEmpty)
        let (container, _) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"), targets: [AttachTarget(network: Fixture.activeDefaultBridge, usedAddresses: [])])
        let used = ExpectedHost.render(networks: [Fixture.activeDefaultBridge], containers: [container],
                                       hostResolver: Fixture.hostResolver)
        #expect(used.bridges.map(\.name) == ["bridgectl0"])
        #expect(used.bridges.first?.alias == "bridgectl net=bridge")
    }

    @Test func hostModeContainerIsAnAliasWithNoFiles() throws {
        let (container, _) = try ContainerPlanner.create(ContainerCreateRequest(name: "h"), mode: .host, targets: [])
        let expected = ExpectedHost.render(networks: Fixture.builtins, containers: [container], hostResolver: Fixture.hostResolver)
        #expect(expected.namespaces.map(\.name) == ["h"])
        #expect(expected.namespaces.first?.isHostAlias == true)
        #expect(expected.files.isEmpty && expected.interfaces.isEmpty)
    }
}
