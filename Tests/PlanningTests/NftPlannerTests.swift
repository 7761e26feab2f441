import BridgeModel
import Planning
import Testing

/// Golden `nft` text: what `--dry-run` prints for the nftables backend and what the netlink
/// batch must make (tests/integration/test_nft_batch.sh checks that `nft -f` accepts each).
private func script(_ ops: [NftOp]) -> String { NftBatch(ops).script }

@Suite struct NftSetupTests {
    @Test func tableChainsSetsAndFixedRules() {
        #expect(script(NftPlanner.setup()) == """
            add table ip bridgectl
            add chain ip bridgectl user
            add chain ip bridgectl forward { type filter hook forward priority 0; policy accept; }
            add chain ip bridgectl prerouting { type nat hook prerouting priority -100; policy accept; }
            add chain ip bridgectl output { type nat hook output priority -100; policy accept; }
            add chain ip bridgectl postrouting { type nat hook postrouting priority 100; policy accept; }
            add set ip bridgectl bridges { type ifname; }
            add map ip bridgectl from-bridge { type ifname : verdict; }
            add map ip bridgectl to-bridge { type ifname : verdict; }
            add map ip bridgectl nat-from-bridge { type ifname : verdict; }
            add map ip bridgectl nat-to-bridge { type ifname : verdict; }
            add map ip bridgectl published-ports { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }
            add map ip bridgectl published-any-address { type inet_proto . inet_service : ipv4_addr . inet_service; }
            add map ip bridgectl published-ranges { type ipv4_addr . inet_proto . inet_service : ipv4_addr; flags interval; }
            add set ip bridgectl published-accept { type ipv4_addr . inet_proto . inet_service; }
            add set ip bridgectl published-accept-ranges { type ipv4_addr . inet_proto . inet_service; flags interval; }
            flush chain ip bridgectl forward
            flush chain ip bridgectl prerouting
            flush chain ip bridgectl output
            flush chain ip bridgectl postrouting
            add rule ip bridgectl forward jump user comment "bridgectl user rules first"
            add rule ip bridgectl forward oifname @bridges ct state established,related accept comment "bridgectl replies"
            add rule ip bridgectl forward ct status dnat ip daddr . meta l4proto . th dport @published-accept accept comment "bridgectl published ports"
            add rule ip bridgectl forward ct status dnat ip daddr . meta l4proto . th dport @published-accept-ranges accept comment "bridgectl published port ranges"
            add rule ip bridgectl forward iifname vmap @from-bridge comment "bridgectl traffic from a network"
            add rule ip bridgectl forward oifname vmap @to-bridge comment "bridgectl traffic into a network"
            add rule ip bridgectl prerouting fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto { tcp, udp } dnat ip to ip daddr . meta l4proto . th dport map @published-ports comment "bridgectl published ports"
            add rule ip bridgectl prerouting fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto { tcp, udp } dnat ip to meta l4proto . th dport map @published-any-address comment "bridgectl published ports (every address)"
            add rule ip bridgectl prerouting fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto { tcp, udp } dnat to ip daddr . meta l4proto . th dport map @published-ranges comment "bridgectl published ports (ranges)"
            add rule ip bridgectl output fib daddr type local meta l4proto { tcp, udp } dnat ip to ip daddr . meta l4proto . th dport map @published-ports comment "bridgectl published ports from this host"
            add rule ip bridgectl output fib daddr type local meta l4proto { tcp, udp } dnat ip to meta l4proto . th dport map @published-any-address comment "bridgectl published ports from this host (every address)"
            add rule ip bridgectl output fib daddr type local meta l4proto { tcp, udp } dnat to ip daddr . meta l4proto . th dport map @published-ranges comment "bridgectl published ports from this host (ranges)"
            add rule ip bridgectl postrouting oifname @bridges fib saddr type local masquerade comment "bridgectl host to published ports"
            add rule ip bridgectl postrouting iifname vmap @nat-from-bridge comment "bridgectl masquerade"
            add rule ip bridgectl postrouting oifname vmap @nat-to-bridge comment "bridgectl hairpin"

            """)
    }

    @Test func setupNeverFlushesTheUserChain() {
        #expect(!NftPlanner.setup().contains(.flushChain(NftPlanner.userChain)))
        #expect(!NftPlanner.setup().contains(.deleteChain(NftPlanner.userChain)))
    }

    @Test func setupIsNotUndone() {
        // Shared and idempotent: an undone network creation leaves it for the teardown.
        #expect(NftBatch(NftPlanner.setup()).inverse.isEmpty)
    }
}

@Suite struct NftNetworkTests {
    @Test func aNetwork() {
        #expect(script(NftPlanner.networkOps(Fixture.front)) == """
            add chain ip bridgectl forward-br-f00d00000001
            flush chain ip bridgectl forward-br-f00d00000001
            add rule ip bridgectl forward-br-f00d00000001 oifname "br-f00d00000001" accept comment "bridgectl net=front icc on"
            add rule ip bridgectl forward-br-f00d00000001 oifname @bridges drop comment "bridgectl net=front isolated from other networks"
            add rule ip bridgectl forward-br-f00d00000001 accept comment "bridgectl net=front outbound"
            add chain ip bridgectl nat-br-f00d00000001
            flush chain ip bridgectl nat-br-f00d00000001
            add rule ip bridgectl nat-br-f00d00000001 oifname != "br-f00d00000001" masquerade comment "bridgectl net=front masquerade"
            add chain ip bridgectl hairpin-br-f00d00000001
            flush chain ip bridgectl hairpin-br-f00d00000001
            add rule ip bridgectl hairpin-br-f00d00000001 ip saddr 172.18.0.0/16 ct status dnat masquerade comment "bridgectl net=front hairpin"
            add chain ip bridgectl into-br-f00d00000001
            flush chain ip bridgectl into-br-f00d00000001
            add rule ip bridgectl into-br-f00d00000001 ct status dnat accept comment "bridgectl net=front DNATed in"
            add rule ip bridgectl into-br-f00d00000001 drop comment "bridgectl net=front nothing else in"
            add element ip bridgectl bridges { "br-f00d00000001" comment "bridgectl net=front" }
            add element ip bridgectl from-bridge { "br-f00d00000001" comment "bridgectl net=front" : jump forward-br-f00d00000001 }
            add element ip bridgectl to-bridge { "br-f00d00000001" comment "bridgectl net=front" : jump into-br-f00d00000001 }
            add element ip bridgectl nat-from-bridge { "br-f00d00000001" comment "bridgectl net=front" : jump nat-br-f00d00000001 }
            add element ip bridgectl nat-to-bridge { "br-f00d00000001" comment "bridgectl net=front" : jump hairpin-br-f00d00000001 }

            """)
    }

    @Test func iccOff() {
        let ops = NftPlanner.networkOps(Fixture.with(Fixture.front) { $0.enableICC = false })
        #expect(ops[2].text == #"add rule ip bridgectl forward-br-f00d00000001 oifname "br-f00d00000001" drop comment "bridgectl net=front icc off""#)
        #expect(ops.count == NftPlanner.networkOps(Fixture.front).count)
    }

    @Test func internalHasNoWayOutAndNoMasquerade() {
        #expect(script(NftPlanner.networkOps(Fixture.back)) == """
            add chain ip bridgectl forward-br-bac000000002
            flush chain ip bridgectl forward-br-bac000000002
            add rule ip bridgectl forward-br-bac000000002 oifname "br-bac000000002" accept comment "bridgectl net=back icc on"
            add rule ip bridgectl forward-br-bac000000002 drop comment "bridgectl net=back internal: nothing out"
            add chain ip bridgectl nat-br-bac000000002
            flush chain ip bridgectl nat-br-bac000000002
            add chain ip bridgectl hairpin-br-bac000000002
            flush chain ip bridgectl hairpin-br-bac000000002
            add rule ip bridgectl hairpin-br-bac000000002 ip saddr 172.19.0.0/16 ct status dnat masquerade comment "bridgectl net=back hairpin"
            add chain ip bridgectl into-br-bac000000002
            flush chain ip bridgectl into-br-bac000000002
            add rule ip bridgectl into-br-bac000000002 drop comment "bridgectl net=back internal: nothing in"
            add element ip bridgectl bridges { "br-bac000000002" comment "bridgectl net=back" }
            add element ip bridgectl from-bridge { "br-bac000000002" comment "bridgectl net=back" : jump forward-br-bac000000002 }
            add element ip bridgectl to-bridge { "br-bac000000002" comment "bridgectl net=back" : jump into-br-bac000000002 }
            add element ip bridgectl nat-from-bridge { "br-bac000000002" comment "bridgectl net=back" : jump nat-br-bac000000002 }
            add element ip bridgectl nat-to-bridge { "br-bac000000002" comment "bridgectl net=back" : jump hairpin-br-bac000000002 }

            """)
    }

    @Test func masqueradeOff() {
        let texts = NftPlanner.networkOps(Fixture.with(Fixture.front) { $0.enableIPMasquerade = false }).map(\.text)
        #expect(!texts.contains { $0.contains(" masquerade comment \"bridgectl net=front masquerade\"") })
        #expect(texts.contains("add chain ip bridgectl nat-br-f00d00000001")) // empty, still reachable
        #expect(texts.contains { $0.contains("net=front hairpin") })
    }

    @Test func aNetworkWithoutSubnetHasNoRules() {
        #expect(NftPlanner.networkOps(Fixture.defaultBridge).isEmpty)
    }

    /// A network whose record is lost is known by its bridge alone; deleting needs nothing else.
    @Test func removalNeedsOnlyTheBridgeName() {
        let salvaged = NetworkRecord(id: Fixture.front.id, name: "", kind: .user, created: "", bridgeName: Fixture.front.bridgeName)
        #expect(script(NftPlanner.networkRemoval(salvaged)) == script(NftPlanner.networkRemoval(Fixture.front)))
    }

    @Test func removalDeletesElementsBeforeChains() {
        #expect(script(NftPlanner.networkRemoval(Fixture.front)) == """
            delete element ip bridgectl nat-to-bridge { "br-f00d00000001" }
            delete element ip bridgectl nat-from-bridge { "br-f00d00000001" }
            delete element ip bridgectl to-bridge { "br-f00d00000001" }
            delete element ip bridgectl from-bridge { "br-f00d00000001" }
            delete element ip bridgectl bridges { "br-f00d00000001" }
            flush chain ip bridgectl forward-br-f00d00000001
            delete chain ip bridgectl forward-br-f00d00000001
            flush chain ip bridgectl nat-br-f00d00000001
            delete chain ip bridgectl nat-br-f00d00000001
            flush chain ip bridgectl hairpin-br-f00d00000001
            delete chain ip bridgectl hairpin-br-f00d00000001
            flush chain ip bridgectl into-br-f00d00000001
            delete chain ip bridgectl into-br-f00d00000001

            """)
    }

    @Test func undoingACreationRemovesTheNetworksChainsAndElements() {
        let undo = NftBatch(NftPlanner.networkOps(Fixture.front)).inverse.ops
        #expect(Set(undo) == Set(NftPlanner.networkRemoval(Fixture.front).filter {
            if case .flushChain = $0 { return false } else { return true }
        }))
        // Elements reference the chains: they go first.
        #expect(undo.suffix(3) == [.deleteChain("hairpin-br-f00d00000001"), .deleteChain("nat-br-f00d00000001"),
                                   .deleteChain("forward-br-f00d00000001")])
    }
}

@Suite struct NftTeardownTests {
    @Test func lastNetworkDeletesTheTable() {
        #expect(script(NftPlanner.teardown(userChainHasRules: false)) == "delete table ip bridgectl\n")
    }

    @Test func aUserChainWithRulesStaysWithItsJump() {
        #expect(script(NftPlanner.teardown(userChainHasRules: true)) == """
            flush chain ip bridgectl forward
            add rule ip bridgectl forward jump user comment "bridgectl user rules first"
            flush chain ip bridgectl prerouting
            delete chain ip bridgectl prerouting
            flush chain ip bridgectl output
            delete chain ip bridgectl output
            flush chain ip bridgectl postrouting
            delete chain ip bridgectl postrouting
            delete set ip bridgectl bridges
            delete set ip bridgectl from-bridge
            delete set ip bridgectl to-bridge
            delete set ip bridgectl nat-from-bridge
            delete set ip bridgectl nat-to-bridge
            delete set ip bridgectl published-ports
            delete set ip bridgectl published-any-address
            delete set ip bridgectl published-ranges
            delete set ip bridgectl published-accept
            delete set ip bridgectl published-accept-ranges

            """)
    }
}

@Suite struct NftPublishTests {
    let address = ip("172.18.0.2")

    func publish(_ bindings: [PortBinding]) -> String {
        script(NftPlanner.publishOps(container: "api", address: address, bindings: bindings))
    }

    @Test func singlePortOnEveryAddress() {
        #expect(publish([PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)]) == """
            add element ip bridgectl published-any-address { tcp . 8080 comment "bridgectl container=api publish 0.0.0.0:8080->80/tcp" : 172.18.0.2 . 80 }
            add element ip bridgectl published-accept { 172.18.0.2 . tcp . 80 comment "bridgectl container=api published" }

            """)
    }

    @Test func loopbackUDP() {
        #expect(publish([PortBinding(hostIP: ip("127.0.0.1"), hostPort: 5353, containerPort: 53, transport: .udp)]) == """
            add element ip bridgectl published-ports { 127.0.0.1 . udp . 5353 comment "bridgectl container=api publish 127.0.0.1:5353->53/udp" : 172.18.0.2 . 53 }
            add element ip bridgectl published-accept { 172.18.0.2 . udp . 53 comment "bridgectl container=api published" }

            """)
    }

    @Test func rangeKeepingThePortIsOneElement() {
        #expect(publish([PortBinding(hostIP: .any, hostPorts: 20000...20009, containerPorts: 20000...20009, transport: .tcp)]) == """
            add element ip bridgectl published-ranges { 0.0.0.0/0 . tcp . 20000-20009 comment "bridgectl container=api publish 0.0.0.0:20000-20009->20000-20009/tcp" : 172.18.0.2 }
            add element ip bridgectl published-accept-ranges { 172.18.0.2 . tcp . 20000-20009 comment "bridgectl container=api published" }

            """)
    }

    @Test func shiftedRangeIsOneElementPerPort() {
        #expect(publish([PortBinding(hostIP: ip("10.0.0.5"), hostPorts: 21000...21002, containerPorts: 80...82, transport: .tcp)]) == """
            add element ip bridgectl published-ports { 10.0.0.5 . tcp . 21000 comment "bridgectl container=api publish 10.0.0.5:21000-21002->80-82/tcp" : 172.18.0.2 . 80 }
            add element ip bridgectl published-ports { 10.0.0.5 . tcp . 21001 comment "bridgectl container=api publish 10.0.0.5:21000-21002->80-82/tcp" : 172.18.0.2 . 81 }
            add element ip bridgectl published-ports { 10.0.0.5 . tcp . 21002 comment "bridgectl container=api publish 10.0.0.5:21000-21002->80-82/tcp" : 172.18.0.2 . 82 }
            add element ip bridgectl published-accept-ranges { 172.18.0.2 . tcp . 80-82 comment "bridgectl container=api published" }

            """)
    }

    @Test func shiftedRangeOnEveryAddressIsKeyedByPortAlone() {
        let texts = NftPlanner.publishOps(container: "api", address: address, bindings: [
            PortBinding(hostIP: .any, hostPorts: 21000...21001, containerPorts: 80...81, transport: .udp),
        ]).map(\.text)
        #expect(texts.prefix(2) == [
            #"add element ip bridgectl published-any-address { udp . 21000 comment "bridgectl container=api publish 0.0.0.0:21000-21001->80-81/udp" : 172.18.0.2 . 80 }"#,
            #"add element ip bridgectl published-any-address { udp . 21001 comment "bridgectl container=api publish 0.0.0.0:21000-21001->80-81/udp" : 172.18.0.2 . 81 }"#,
        ])
    }

    @Test func acceptElementsNeverOverlap() {
        // Two host ports to one container port, and a range covering another binding's port.
        let bindings = [
            PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp),
            PortBinding(hostIP: .any, hostPort: 8081, containerPort: 80, transport: .tcp),
            PortBinding(hostIP: .any, hostPorts: 9000...9010, containerPorts: 80...90, transport: .tcp),
            PortBinding(hostIP: .any, hostPort: 9100, containerPort: 95, transport: .tcp),
            PortBinding(hostIP: .any, hostPort: 9100, containerPort: 80, transport: .udp),
        ]
        let accepts = NftPlanner.publishOps(container: "api", address: address, bindings: bindings).map(\.text)
            .filter { $0.contains("published-accept") }
        // Merged: 80-90 (a range, so the interval set), 95 and udp 80 (single ports, the hash set).
        #expect(accepts == [
            #"add element ip bridgectl published-accept-ranges { 172.18.0.2 . tcp . 80-90 comment "bridgectl container=api published" }"#,
            #"add element ip bridgectl published-accept { 172.18.0.2 . tcp . 95 comment "bridgectl container=api published" }"#,
            #"add element ip bridgectl published-accept { 172.18.0.2 . udp . 80 comment "bridgectl container=api published" }"#,
        ])
    }

    @Test func unpublishDeletesExactlyTheElements() {
        let binding = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)
        let undo = NftBatch(NftPlanner.publishOps(container: "api", address: address, bindings: [binding])).inverse
        #expect(undo.script == """
            delete element ip bridgectl published-accept { 172.18.0.2 . tcp . 80 }
            delete element ip bridgectl published-any-address { tcp . 8080 }

            """)
    }

    @Test func longOwnersAreCutToNftsCommentLimit() {
        // A 128-byte container name is valid; nft reads back no comment over 128 bytes.
        let name = String(repeating: "n", count: 128)
        let binding = PortBinding(hostIP: ip("255.255.255.255"), hostPorts: 65000...65535, containerPorts: 65000...65535, transport: .udp)
        let element = NftPlanner.publishOps(container: name, address: address, bindings: [binding])[0].text
        let comment = element.split(separator: "\"")[1]
        #expect(comment.utf8.count == 128)
        #expect(comment.hasPrefix("bridgectl container=nnn"))
    }

    @Test func commandsAreShellQuoted() {
        let binding = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)
        let commands = NftBatch(NftPlanner.publishOps(container: "api", address: address, bindings: [binding])).commands
        #expect(commands.first == #"nft 'add element ip bridgectl published-any-address { tcp . 8080 comment "bridgectl container=api publish 0.0.0.0:8080->80/tcp" : 172.18.0.2 . 80 }'"#)
    }
}
