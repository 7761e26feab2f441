import BridgeModel
import Foundation
import Planning
import Testing

@Suite struct ShellRenderingTests {
    @Test func createNetworkDryRun() throws {
        let (_, plan) = try NetworkPlanner.create(NetworkCreateRequest(name: "net1"), id: oid("0123456789abcdef"),
                                                  created: "t", existing: Fixture.builtins, hostClaims: [], hostLinks: [],
                                                  firewall: Fixture.firewall)
        #expect(plan.shellCommands == [
            "ip link add name br-0123456789ab mtu 1500 address 02:42:ac:12:00:01 type bridge",
            "ip link set dev br-0123456789ab alias 'bridgectl net=net1'",
            "sysctl -w net.ipv6.conf.br-0123456789ab.disable_ipv6=1",
            "ip addr add 172.18.0.1/16 brd + dev br-0123456789ab",
            "ip link set br-0123456789ab up",
            "sysctl -w net.ipv4.ip_forward=1",
            "sysctl -w net.ipv4.conf.br-0123456789ab.route_localnet=1",
            "iptables -t filter -N BRIDGECTL-FORWARD",
            "iptables -t filter -N BRIDGECTL-CT",
            "iptables -t filter -N BRIDGECTL-PORTS",
            "iptables -t filter -N BRIDGECTL-ISOLATION-1",
            "iptables -t filter -N BRIDGECTL-ISOLATION-2",
            "iptables -t nat -N BRIDGECTL-DNAT",
            "iptables -t nat -N BRIDGECTL-DNAT-OUTPUT",
            "iptables -t nat -N BRIDGECTL-POSTROUTING",
            #"iptables -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl replies" -j BRIDGECTL-CT"#,
            #"iptables -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl published ports" -j BRIDGECTL-PORTS"#,
            #"iptables -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl isolation between networks" -j BRIDGECTL-ISOLATION-1"#,
            #"iptables -t nat -A BRIDGECTL-DNAT-OUTPUT -m comment --comment "bridgectl all-address bindings" -j BRIDGECTL-DNAT"#,
            #"iptables -t filter -I FORWARD 1 -m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD"#,
            "iptables -t filter -N BRIDGECTL-USER",
            #"iptables -t filter -I FORWARD 1 -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER"#,
            #"iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment "bridgectl published ports" -j BRIDGECTL-DNAT"#,
            #"iptables -t nat -A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment "bridgectl published ports from this host" -j BRIDGECTL-DNAT-OUTPUT"#,
            #"iptables -t nat -A POSTROUTING -m comment --comment "bridgectl masquerade and hairpin" -j BRIDGECTL-POSTROUTING"#,
            #"iptables -t filter -A BRIDGECTL-CT -o br-0123456789ab -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "bridgectl net=net1 replies" -j ACCEPT"#,
            #"iptables -t filter -A BRIDGECTL-ISOLATION-1 -i br-0123456789ab ! -o br-0123456789ab -m comment --comment "bridgectl net=net1 leaving: check isolation" -j BRIDGECTL-ISOLATION-2"#,
            #"iptables -t filter -A BRIDGECTL-ISOLATION-2 -o br-0123456789ab -m comment --comment "bridgectl net=net1 isolated from other networks" -j DROP"#,
            #"iptables -t filter -A BRIDGECTL-FORWARD -i br-0123456789ab -o br-0123456789ab -m comment --comment "bridgectl net=net1 icc on" -j ACCEPT"#,
            #"iptables -t filter -A BRIDGECTL-FORWARD -i br-0123456789ab ! -o br-0123456789ab -m comment --comment "bridgectl net=net1 outbound" -j ACCEPT"#,
            #"iptables -t filter -A BRIDGECTL-FORWARD -o br-0123456789ab -m conntrack --ctstate DNAT -m comment --comment "bridgectl net=net1 DNATed in" -j ACCEPT"#,
            #"iptables -t filter -A BRIDGECTL-FORWARD -o br-0123456789ab -m comment --comment "bridgectl net=net1 nothing else in" -j DROP"#,
            #"iptables -t nat -A BRIDGECTL-POSTROUTING -s 172.18.0.0/16 ! -o br-0123456789ab -m comment --comment "bridgectl net=net1 masquerade" -j MASQUERADE"#,
            #"iptables -t nat -A BRIDGECTL-POSTROUTING -o br-0123456789ab -m addrtype --src-type LOCAL -m comment --comment "bridgectl net=net1 host to published ports" -j MASQUERADE"#,
            #"iptables -t nat -A BRIDGECTL-POSTROUTING -s 172.18.0.0/16 -o br-0123456789ab -m conntrack --ctstate DNAT -m comment --comment "bridgectl net=net1 hairpin" -j MASQUERADE"#,
        ])
    }

    @Test func createContainerDryRun() throws {
        let (_, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"), targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        #expect(plan.shellCommands == [
            "ip netns add c1",
            "ip netns exec c1 sysctl -w net.ipv6.conf.all.disable_ipv6=1",
            "ip netns exec c1 sysctl -w net.ipv6.conf.default.disable_ipv6=1",
            "ip link add veth12345670 mtu 1500 master br-f00d00000001 type veth peer name eth0 mtu 1500 address 02:42:ac:12:00:02 netns c1",
            "ip link set dev veth12345670 alias 'bridgectl container=c1'",
            "sysctl -w net.ipv6.conf.veth12345670.disable_ipv6=1",
            "ip link set veth12345670 up",
            "ip -n c1 addr add 172.18.0.2/16 brd + dev eth0",
            "ip -n c1 link set eth0 up",
            "ip -n c1 link set lo up",
            "ip -n c1 route replace default via 172.18.0.1 dev eth0",
            "mkdir -p /etc/netns/c1",
            #"printf 'c1\n' > /etc/netns/c1/hostname"#,
            "printf '127.0.0.1\tlocalhost\\n::1\tlocalhost ip6-localhost ip6-loopback\\nfe00::0\tip6-localnet\\n"
                + "ff00::0\tip6-mcastprefix\\nff02::1\tip6-allnodes\\nff02::2\tip6-allrouters\\n172.18.0.2\tc1\\n'"
                + " > /etc/netns/c1/hosts",
            #"printf 'search example.com\nnameserver 127.0.0.11\noptions ndots:0\n' > /etc/netns/c1/resolv.conf"#,
        ])
        // Every line is one command.
        #expect(plan.shellCommands.allSatisfy { !$0.contains("\n") })
    }

    @Test func otherSteps() {
        #expect(Step.deleteLink(name: "veth12345670", namespace: nil).shellCommands == ["ip link del veth12345670"])
        #expect(Step.deleteLink(name: "eth1", namespace: "c1").shellCommands == ["ip -n c1 link del eth1"])
        #expect(Step.setLinkUp(link: "br0", namespace: nil).shellCommands == ["ip link set br0 up"])
        #expect(Step.deleteNamespace(name: "c1").shellCommands == ["ip netns del c1"])
        #expect(Step.createNamespace(name: "c1", disableIPv6: false).shellCommands == ["ip netns add c1"])
        #expect(Step.killProcesses(namespace: "c1").shellCommands == ["ip netns pids c1 | xargs -r kill -9"])
        #expect(Step.aliasHostNamespace(name: "h1").shellCommands
                == ["mkdir -p /run/netns", "touch /run/netns/h1", "mount --bind /proc/self/ns/net /run/netns/h1"])
        #expect(Step.createDirectory(path: "/etc/netns/c1").shellCommands == ["mkdir -p /etc/netns/c1"])
        #expect(Step.removeDirectory(path: "/etc/netns/c1").shellCommands == ["rmdir /etc/netns/c1"])
        #expect(Step.removeFile(path: "/etc/netns/c1/hosts", previous: "x").shellCommands == ["rm -f /etc/netns/c1/hosts"])
        #expect(Step.addDefaultRoute(via: ip("10.0.0.1"), link: "eth1", namespace: "c2").shellCommands
                == ["ip -n c2 route replace default via 10.0.0.1 dev eth1"])
    }

    @Test func sysctlOfADottedInterfaceUsesSlashes() {
        #expect(Step.disableIPv6(link: "br.lab").shellCommands == ["sysctl -w net/ipv6/conf/br.lab/disable_ipv6=1"])
        #expect(Step.disableIPv6(link: "br-lab").shellCommands == ["sysctl -w net.ipv6.conf.br-lab.disable_ipv6=1"])
    }

    @Test func bookkeepingRendersNothing() throws {
        let container = ContainerRecord(id: Fixture.containerID, name: "c1", created: "t", hostname: "c1", mode: .none)
        let steps: [Step] = [
            .putNetwork(Fixture.front, previous: nil), .removeNetwork(Fixture.front),
            .putContainer(container, previous: nil), .removeContainer(container),
            .claimAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
            .releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
        ]
        for step in steps {
            #expect(step.isBookkeeping)
            #expect(step.shellCommands == [])
        }
        #expect(Plan(summary: "s", steps: steps, onInterruption: .rollBack).shellCommands == [])
        #expect(!Step.deleteNamespace(name: "c1").isBookkeeping)
        #expect(!Step.writeFile(path: "/x", contents: "", previous: nil).isBookkeeping)
    }

    @Test(arguments: [
        ("plain", "'plain'"),
        ("", "''"),
        ("it's", #"'it'\''s'"#),
        ("'", #"''\'''"#),
        ("a''b", #"'a'\'''\''b'"#),
        ("$HOME `x` \"q\"", #"'$HOME `x` "q"'"#),
    ])
    func shellQuote(text: String, quoted: String) {
        #expect(Step.shellQuote(text) == quoted)
    }

    @Test func writeFileStaysOnOneLine() {
        let step = Step.writeFile(path: "/tmp/f", contents: "a'b\n50%\\x\n", previous: nil)
        #expect(step.shellCommands == [#"printf 'a'\''b\n50%%\\x\n' > /tmp/f"#])
    }

    /// The rendered command, run by a POSIX shell, writes exactly the planned contents.
    @Test(arguments: [
        "c1\n",
        Fixture.baseHosts + "172.18.0.2\tweb c1\n",
        "search example.com\nnameserver 10.0.0.53\noptions ndots:0\n",
        "quote ' and \"double\" and 100% and back\\slash and \\n literal\n\n",
        "no trailing newline",
    ])
    func writeFileRoundTripsThroughSh(contents: String) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bridgectl-shell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("file").path
        let line = try #require(Step.writeFile(path: path, contents: contents, previous: nil).shellCommands.first)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == contents)
    }
}
