import BridgeModel
import Planning
import Testing

@Suite struct EtcFilesTests {
    typealias R = EtcFiles.ResolverConfig

    static func container(hostname: String = "c1", addresses: [String] = [], extraHosts: [ExtraHost] = []) -> ContainerRecord {
        let endpoints = addresses.enumerated().map { index, address in
            Endpoint(networkID: oid("\(index + 1)"), endpointID: oid("e\(index)"), interfaceName: "eth\(index)",
                     hostInterfaceName: "veth1234567\(index)", address: ip(address), prefixLength: 16,
                     gateway: ip("172.18.0.1"), mac: MACAddress(derivedFrom: ip(address)), aliases: [], staticAddress: false)
        }
        return ContainerRecord(id: Fixture.containerID, name: "c1", created: "t", hostname: hostname, mode: .bridged,
                               endpoints: endpoints, extraHosts: extraHosts)
    }

    @Test func paths() {
        #expect(EtcFiles.directory(for: "c1") == "/etc/netns/c1")
        #expect(EtcFiles.hostsPath(for: "c1") == "/etc/netns/c1/hosts")
        #expect(EtcFiles.resolvConfPath(for: "c1") == "/etc/netns/c1/resolv.conf")
        #expect(EtcFiles.hostnamePath(for: "c1") == "/etc/netns/c1/hostname")
    }

    @Test func hostsWithoutEndpoints() {
        #expect(EtcFiles.hosts(for: Self.container(), gatewayOfFirstNetwork: nil) == """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            ff00::0\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters

            """)
    }

    @Test func hostsWithAddressesAndExtraHosts() {
        let container = Self.container(
            hostname: "web", addresses: ["172.18.0.2", "172.20.0.5"],
            extraHosts: [ExtraHost(name: "db", target: .address(ip("10.0.0.5"))),
                         ExtraHost(name: "host.docker.internal", target: .hostGateway)])
        #expect(EtcFiles.hosts(for: container, gatewayOfFirstNetwork: ip("172.18.0.1")) == Fixture.baseHosts + """
            10.0.0.5\tdb
            172.18.0.1\thost.docker.internal
            172.18.0.2\tweb c1
            172.20.0.5\tweb c1

            """)
    }

    @Test func hostGatewayWithoutANetworkIsLoopback() {
        let container = Self.container(extraHosts: [ExtraHost(name: "gw", target: .hostGateway)])
        #expect(EtcFiles.hosts(for: container, gatewayOfFirstNetwork: nil) == Fixture.baseHosts + "127.0.0.1\tgw\n")
    }

    @Test func hostnameFile() {
        #expect(EtcFiles.hostname(for: Self.container(hostname: "web")) == "web\n")
    }

    @Test func resolvConfDropsLoopbackNameservers() {
        let host = R(parsing: """
            nameserver 127.0.0.53
            nameserver 10.0.0.2
            nameserver ::1
            nameserver 127.1.2.3
            search a.example b.example
            options edns0 trust-ad
            """)
        #expect(EtcFiles.resolvConf(host: host, dns: [], dnsSearch: [])
                == "search a.example b.example\nnameserver 10.0.0.2\noptions edns0 trust-ad\n")
    }

    @Test func resolvConfFallsBackToGoogleWhenNothingIsLeft() {
        // systemd-resolved's stub is unreachable from another namespace.
        let host = R(parsing: "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n")
        #expect(EtcFiles.resolvConf(host: host, dns: [], dnsSearch: [])
                == "search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0 trust-ad\n")
        #expect(EtcFiles.resolvConf(host: R(), dns: [], dnsSearch: []) == "nameserver 8.8.8.8\nnameserver 8.8.4.4\n")
        #expect(EtcFiles.fallbackNameservers == ["8.8.8.8", "8.8.4.4"])
    }

    /// Containers' namespaces have IPv6 disabled (createNamespace disableIPv6: true) and bridgectl
    /// networks are IPv4-only, so an IPv6 nameserver cannot be reached from a container. Docker's
    /// resolvconf.FilterResolvDNS drops IPv6 nameservers when IPv6 is off, then falls back to
    /// 8.8.8.8/8.8.4.4 if none is left.
    @Test func resolvConfDropsIPv6NameserversContainersCannotReach() {
        let host = R(parsing: "nameserver 2001:4860:4860::8888\nnameserver fe80::1%eth0\nnameserver 10.0.0.2\n")
        #expect(EtcFiles.resolvConf(host: host, dns: [], dnsSearch: []) == "nameserver 10.0.0.2\n")
        let onlyIPv6 = R(parsing: "nameserver 2606:4700:4700::1111\n")
        #expect(EtcFiles.resolvConf(host: onlyIPv6, dns: [], dnsSearch: []) == "nameserver 8.8.8.8\nnameserver 8.8.4.4\n")
    }

    @Test func dnsReplacesHostNameservers() {
        let host = R(parsing: "nameserver 10.0.0.2\nsearch lan\n")
        #expect(EtcFiles.resolvConf(host: host, dns: [ip("1.1.1.1"), ip("9.9.9.9")], dnsSearch: [])
                == "search lan\nnameserver 1.1.1.1\nnameserver 9.9.9.9\n")
        // An explicit --dns is kept even when it is loopback: the user asked for it.
        #expect(EtcFiles.resolvConf(host: host, dns: [ip("127.0.0.1")], dnsSearch: []) == "search lan\nnameserver 127.0.0.1\n")
    }

    @Test func dnsSearchReplacesHostSearch() {
        let host = R(parsing: "nameserver 10.0.0.2\nsearch lan home.arpa\n")
        #expect(EtcFiles.resolvConf(host: host, dns: [], dnsSearch: ["corp.example", "eng.corp.example"])
                == "search corp.example eng.corp.example\nnameserver 10.0.0.2\n")
    }

    @Test func resolverConfigParsing() {
        let config = R(parsing: """
            # Generated by NetworkManager
            ; nameserver 5.6.7.8
            #nameserver 9.9.9.9

            domain example.org
            nameserver\t10.0.0.1
              nameserver   10.0.0.2   # trailing comment
            nameserver
            search a.example b.example
            options ndots:2
            options rotate timeout:1
            sortlist 130.155.160.0/255.255.240.0
            """)
        #expect(config.nameservers == ["10.0.0.1", "10.0.0.2"])
        #expect(config.search == ["a.example", "b.example"])
        #expect(config.options == ["ndots:2", "rotate", "timeout:1"])
    }

    @Test func domainAfterSearchWins() {
        let config = R(parsing: "search a.example\ndomain b.example\n")
        #expect(config.search == ["b.example"])
        #expect(R(parsing: "") == R())
    }
}
