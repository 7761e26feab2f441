import BridgeModel
import Planning
import Testing

/// The table bridgectl expects (folded from its planners' ops) and how a read table differs.
@Suite struct NftObservationTests {
    static let apiAddress = ip("172.18.0.2")
    static let bindings = [
        PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp),
        PortBinding(hostIP: ip("127.0.0.1"), hostPort: 5353, containerPort: 53, transport: .udp),
        PortBinding(hostIP: .any, hostPorts: 20000...20009, containerPorts: 20000...20009, transport: .tcp),
        PortBinding(hostIP: .any, hostPorts: 21000...21001, containerPorts: 90...91, transport: .tcp),
    ]
    static let publish = NftPlanner.publishOps(container: "api", address: apiAddress, bindings: bindings)
    static let front = Fixture.front.bridgeName
    static let back = Fixture.back.bridgeName

    /// Two networks (one internal) and a container publishing every form.
    static var ops: [NftOp] {
        NftPlanner.setup() + NftPlanner.networkOps(Fixture.front) + NftPlanner.networkOps(Fixture.back) + publish
    }

    @Test func expectedHoldsTheLayoutChainsRulesAndElements() {
        let table = NftObservation.expected(from: Self.ops)
        #expect(table.tableExists)
        #expect(Set(table.chains.keys) == ["user", "forward", "prerouting", "output", "postrouting",
                                           "forward-\(Self.front)", "nat-\(Self.front)", "hairpin-\(Self.front)",
                                           "into-\(Self.front)",
                                           "forward-\(Self.back)", "nat-\(Self.back)", "hairpin-\(Self.back)", "into-\(Self.back)"])
        #expect(table.chains["forward"]?.base == NftBaseChain(type: .filter, hook: .forward, priority: 0))
        #expect(table.chains["user"]?.base == nil)
        #expect(table.rules["forward"]?.first == "bridgectl user rules first")
        #expect(table.rules["forward"]?.count == 6)
        #expect(table.rules["forward-\(Self.back)"] == ["bridgectl net=back icc on", "bridgectl net=back internal: nothing out"])
        // An internal network does not masquerade: its chain is there, and empty.
        #expect(table.rules["nat-\(Self.back)"] == [])
        #expect(table.rules["into-\(Self.front)"] == ["bridgectl net=front DNATed in", "bridgectl net=front nothing else in"])
        #expect(table.rules["into-\(Self.back)"] == ["bridgectl net=back internal: nothing in"])
        #expect(table.userChainRuleCount == 0)
        #expect(table.elements.count == 10)
        #expect(table.elements["from-bridge"] == [
            NftObservedElement(.interface(Self.front), .verdict(.jump("forward-\(Self.front)"))),
            NftObservedElement(.interface(Self.back), .verdict(.jump("forward-\(Self.back)"))),
        ])
        #expect(table.elements["published-any-address"] == [
            NftObservedElement(.protocolPort(.tcp, 8080), .addressPort(Self.apiAddress, 80)),
            NftObservedElement(.protocolPort(.tcp, 21000), .addressPort(Self.apiAddress, 90)),
            NftObservedElement(.protocolPort(.tcp, 21001), .addressPort(Self.apiAddress, 91)),
        ])
        #expect(table.elements["published-ports"] == [
            NftObservedElement(.addressProtocolPorts(ip("127.0.0.1"), .udp, 5353...5353), .addressPort(Self.apiAddress, 53)),
        ])
        #expect(table.elements["published-ranges"] == [
            NftObservedElement(.addressProtocolPorts(.any, .tcp, 20000...20009), .address(Self.apiAddress)),
        ])
        // The accept side is the container's ports, merged: single ports in the hash set.
        #expect(table.elements["published-accept"] == [
            NftObservedElement(.addressProtocolPorts(Self.apiAddress, .tcp, 80...80)),
            NftObservedElement(.addressProtocolPorts(Self.apiAddress, .udp, 53...53)),
        ])
        #expect(table.elements["published-accept-ranges"] == [
            NftObservedElement(.addressProtocolPorts(Self.apiAddress, .tcp, 90...91)),
            NftObservedElement(.addressProtocolPorts(Self.apiAddress, .tcp, 20000...20009)),
        ])
    }

    @Test func repeatingSetupAndNetworkCreationChangesNothing() {
        // Adds keep what exists and base chains are flushed and refilled: as the kernel does.
        let once = NftObservation.expected(from: Self.ops)
        #expect(NftObservation.expected(from: Self.ops + NftPlanner.setup() + NftPlanner.networkOps(Fixture.front)) == once)
    }

    @Test func undoingThePublishAndTheNetworkLeavesTheSetup() {
        let undone = Self.ops + NftBatch(Self.publish).inverse.ops + NftBatch(NftPlanner.networkOps(Fixture.back)).inverse.ops
            + NftPlanner.networkRemoval(Fixture.front)
        #expect(NftObservation.expected(from: undone) == NftObservation.expected(from: NftPlanner.setup()))
    }

    @Test func teardownLeavesNoTableOrTheUserChain() {
        let removed = Self.ops + NftBatch(Self.publish).inverse.ops
            + NftPlanner.networkRemoval(Fixture.front) + NftPlanner.networkRemoval(Fixture.back)
        #expect(NftObservation.expected(from: removed + NftPlanner.teardown(userChainHasRules: false)) == .absent)
        let kept = NftObservation.expected(from: removed + NftPlanner.teardown(userChainHasRules: true))
        #expect(kept.tableExists)
        #expect(Set(kept.chains.keys) == ["user", "forward"])
        #expect(kept.rules["forward"] == ["bridgectl user rules first"])
        #expect(kept.elements.isEmpty)
    }

    @Test func theSameTableHasNoDifference() {
        let table = NftObservation.expected(from: Self.ops)
        #expect(table.differences(from: table).isEmpty)
        #expect(NftObservation.absent.differences(from: .absent).isEmpty)
    }

    @Test func aMissingTableIsOneDifference() {
        let expected = NftObservation.expected(from: Self.ops)
        #expect(NftObservation.absent.differences(from: expected) == [.tableMissing])
        #expect(NftObservation.absent.differences(from: expected).map(\.description) == ["nftables: table ip bridgectl missing"])
        #expect(expected.differences(from: .absent) == [.tableUnexpected])
    }

    @Test func missingAndForeignChains() {
        let expected = NftObservation.expected(from: Self.ops)
        var observed = expected
        observed.chains["nat-\(Self.front)"] = nil
        observed.rules["nat-\(Self.front)"] = nil
        observed.chains["mine"] = NftChain("mine")
        observed.rules["mine"] = ["", "my rule"]
        // The chain's rules are not listed again; a foreign chain's rules are not bridgectl's to judge.
        #expect(observed.differences(from: expected) == [.chainUnexpected("mine"), .chainMissing("nat-\(Self.front)")])
        #expect(observed.differences(from: expected).map(\.description) == [
            "nftables: chain mine is not bridgectl's", "nftables: chain nat-\(Self.front) missing",
        ])
    }

    @Test func aBaseChainWithAnotherHook() {
        let expected = NftObservation.expected(from: Self.ops)
        var observed = expected
        observed.chains["forward"] = NftChain("forward", base: NftBaseChain(type: .filter, hook: .forward, priority: 10))
        #expect(observed.differences(from: expected) == [
            .chainDiffers("forward", expected: expected.chains["forward"]!, observed: observed.chains["forward"]!),
        ])
        #expect(observed.differences(from: expected)[0].description
                == "nftables: chain forward is type filter hook forward priority 10, expected type filter hook forward priority 0")
    }

    @Test func aDeletedAndAForeignRule() {
        let expected = NftObservation.expected(from: Self.ops)
        var observed = expected
        let chain = "forward-\(Self.front)"
        observed.rules[chain] = ["bridgectl net=front icc on", "bridgectl net=front isolated from other networks", ""]
        let difference = NftDifference.rulesDiffer(chain: chain, expected: expected.rules[chain]!, observed: observed.rules[chain]!)
        #expect(observed.differences(from: expected) == [difference])
        #expect(difference.description
                == "nftables: rules of chain \(chain) differ: missing \"bridgectl net=front outbound\"; not bridgectl's \"\"")
        observed.rules[chain] = expected.rules[chain]!.reversed()
        #expect(observed.differences(from: expected).map(\.description) == ["nftables: rules of chain \(chain) differ: out of order"])
    }

    @Test func theUserChainsRulesAreNeverADifference() {
        let expected = NftObservation.expected(from: Self.ops)
        var observed = expected
        observed.rules["user"] = ["", "mine"]
        #expect(observed.userChainRuleCount == 2)
        #expect(observed.differences(from: expected).isEmpty)
    }

    @Test func missingAndForeignSets() {
        let expected = NftObservation.expected(from: Self.ops)
        var observed = expected
        observed.elements["published-ranges"] = nil
        observed.elements["blocklist"] = [NftObservedElement(.interface("eth9"))]
        #expect(observed.differences(from: expected) == [.setUnexpected("blocklist"), .setMissing("published-ranges")])
        #expect(observed.differences(from: expected).map(\.description) == [
            "nftables: set blocklist is not bridgectl's", "nftables: set published-ranges missing",
        ])
    }

    @Test func missingAndForeignElements() {
        let expected = NftObservation.expected(from: Self.ops)
        var observed = expected
        let port = NftObservedElement(.protocolPort(.tcp, 8080), .addressPort(Self.apiAddress, 80))
        let foreign = NftObservedElement(.interface("eth9"))
        let redirected = NftObservedElement(.protocolPort(.tcp, 21000), .addressPort(ip("10.9.9.9"), 90))
        let original = NftObservedElement(.protocolPort(.tcp, 21000), .addressPort(Self.apiAddress, 90))
        observed.elements["published-any-address"]?.remove(port)
        observed.elements["published-any-address"]?.remove(original)
        observed.elements["published-any-address"]?.insert(redirected)
        observed.elements["bridges"]?.insert(foreign)
        observed.foreignElements["published-ranges"] = 2
        let differences = observed.differences(from: expected)
        // A key leading elsewhere is the expected element missing and a foreign one.
        #expect(differences == [
            .elementUnexpected(set: "bridges", foreign),
            .elementMissing(set: "published-any-address", original),
            .elementMissing(set: "published-any-address", port),
            .elementUnexpected(set: "published-any-address", redirected),
            .foreignElements(set: "published-ranges", count: 2),
        ])
        #expect(differences.map(\.description) == [
            "nftables: element \"eth9\" in set bridges is not bridgectl's",
            "nftables: element tcp . 21000 : 172.18.0.2 . 90 missing from map published-any-address",
            "nftables: element tcp . 8080 : 172.18.0.2 . 80 missing from map published-any-address",
            "nftables: element tcp . 21000 : 10.9.9.9 . 90 in map published-any-address is not bridgectl's",
            "nftables: 2 elements in set published-ranges fit none of bridgectl's forms",
        ])
    }

    @Test func deletingAnElementGoesByItsKey() {
        // The kernel deletes by key, whatever the element leads to.
        let element = NftElement(.protocolPort(.tcp, 8080), .addressPort(Self.apiAddress, 80), comment: "x")
        let other = NftElement(.protocolPort(.tcp, 8080), .addressPort(ip("10.0.0.1"), 1), comment: "y")
        let table = NftObservation.expected(from: [.addTable, .addSet(NftSet("published-any-address", key: [.transportProtocol, .port], data: [.ipv4Address, .port])),
                                                   .addElement(set: "published-any-address", element),
                                                   .deleteElement(set: "published-any-address", other)])
        #expect(table.elements["published-any-address"] == [])
    }

    @Test func commentsAreStoredCutAsNftKeepsThem() {
        let long = String(repeating: "x", count: 200)
        let table = NftObservation.expected(from: [.addTable, .addChain(NftChain("c")), .addRule(chain: "c", [.masquerade], comment: long)])
        #expect(table.rules["c"] == [NftComment.full(long)])
        #expect(table.rules["c"]?[0].utf8.count == NftComment.limit)
    }

    @Test func linesAreStable() {
        let table = NftObservation.expected(from: NftPlanner.setup() + NftPlanner.networkOps(Fixture.back))
        let lines = table.lines
        #expect(lines.first == "table ip bridgectl")
        #expect(lines.contains("chain forward: type filter hook forward priority 0"))
        #expect(lines.contains("  element \"\(Self.back)\" : jump forward-\(Self.back)"))
        #expect(lines.contains("map published-ranges"))
        #expect(lines.contains("set published-accept"))
        #expect(NftObservation.absent.lines == ["no table ip bridgectl"])
    }
}
