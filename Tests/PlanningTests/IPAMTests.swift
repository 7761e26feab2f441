import BridgeModel
import Planning
import Testing

@Suite struct IPAMSubnetTests {
    static let allDefaults = (17...31).map { "172.\($0).0.0/16" } + (0..<16).map { "192.168.\($0 * 16).0/20" }

    @Test func defaultCandidatesInDockerOrder() {
        let candidates = IPAM.defaultCandidates.map(\.description)
        #expect(candidates.count == 31)
        #expect(candidates.first == "172.17.0.0/16")
        #expect(candidates[14] == "172.31.0.0/16")
        #expect(candidates[15] == "192.168.0.0/20")
        #expect(candidates[16] == "192.168.16.0/20")
        #expect(candidates.last == "192.168.240.0/20")
        #expect(candidates == Self.allDefaults)
        #expect(IPAM.defaultCandidates.filter { $0.prefixLength == 20 }.count == 16)
    }

    @Test func firstCandidateWhenNothingClaimed() throws {
        let choice = try IPAM.chooseSubnet(claims: [])
        #expect(choice.subnet == net("172.17.0.0/16"))
        #expect(choice.skipped == [])
    }

    @Test func skipsClaimsAndSaysWhy() throws {
        let choice = try IPAM.chooseSubnet(claims: [
            SubnetClaim(subnet: net("172.17.0.0/16"), owner: "the default network 'bridge'"),
            SubnetClaim(subnet: net("172.18.5.0/24"), owner: "address 172.18.5.1/24 on eth0"),
            SubnetClaim(subnet: net("10.0.0.0/8"), owner: "route 10.0.0.0/8"),
        ])
        #expect(choice.subnet == net("172.19.0.0/16"))
        #expect(choice.skipped == [
            "172.17.0.0/16 skipped: overlaps the default network 'bridge'",
            "172.18.0.0/16 skipped: overlaps address 172.18.5.1/24 on eth0",
        ])
    }

    @Test func aClaimWiderThanACandidateCoversSeveral() throws {
        let choice = try IPAM.chooseSubnet(claims: [
            SubnetClaim(subnet: net("172.16.0.0/12"), owner: "route 172.16.0.0/12"),
            SubnetClaim(subnet: net("192.168.15.255/32"), owner: "address 192.168.15.255/32 on wg0"),
        ])
        #expect(choice.subnet == net("192.168.16.0/20"))
        #expect(choice.skipped.count == 16)
        #expect(choice.skipped.first == "172.17.0.0/16 skipped: overlaps route 172.16.0.0/12")
        #expect(choice.skipped.last == "192.168.0.0/20 skipped: overlaps address 192.168.15.255/32 on wg0")
    }

    @Test func exhaustionIsNoFreeSubnet() {
        let claims = [SubnetClaim(subnet: net("172.16.0.0/12"), owner: "A"),
                      SubnetClaim(subnet: net("192.168.0.0/16"), owner: "B")]
        let skipped = Self.allDefaults.map { "\($0) skipped: overlaps \($0.hasPrefix("172.") ? "A" : "B")" }
        #expect(throws: IPAMError.noFreeSubnet(skipped: skipped)) { try IPAM.chooseSubnet(claims: claims) }
        #expect(IPAMError.noFreeSubnet(skipped: skipped).message.contains("all 31 are taken"))
    }

    @Test func checkNoOverlap() throws {
        let claims = [SubnetClaim(subnet: net("172.18.0.0/16"), owner: "network 'front'")]
        try IPAM.checkNoOverlap(net("172.19.0.0/16"), claims: claims)
        #expect(throws: IPAMError.subnetOverlaps(net("172.18.128.0/17"), owner: "network 'front'")) {
            try IPAM.checkNoOverlap(net("172.18.128.0/17"), claims: claims)
        }
        #expect(throws: IPAMError.subnetOverlaps(net("172.0.0.0/8"), owner: "network 'front'")) {
            try IPAM.checkNoOverlap(net("172.0.0.0/8"), claims: claims)
        }
    }
}

@Suite struct IPAMAddressingTests {
    @Test func defaultGatewayIsFirstHost() throws {
        let a = try IPAM.addressing(subnet: net("172.18.0.0/16"), gateway: nil, ipRange: nil, auxAddresses: [:])
        #expect(a == Addressing(subnet: net("172.18.0.0/16"), gateway: ip("172.18.0.1"), ipRange: nil, auxAddresses: [:]))
        let b = try IPAM.addressing(subnet: net("192.168.16.0/20"), gateway: nil, ipRange: nil, auxAddresses: [:])
        #expect(b.gateway == ip("192.168.16.1"))
    }

    @Test func explicitValuesAreKept() throws {
        let a = try IPAM.addressing(subnet: net("10.0.0.0/24"), gateway: ip("10.0.0.254"), ipRange: net("10.0.0.128/25"),
                                    auxAddresses: ["printer": ip("10.0.0.3")])
        #expect(a == Addressing(subnet: net("10.0.0.0/24"), gateway: ip("10.0.0.254"), ipRange: net("10.0.0.128/25"),
                                auxAddresses: ["printer": ip("10.0.0.3")]))
    }

    @Test func gatewayOutsideSubnet() {
        #expect(throws: IPAMError.gatewayOutsideSubnet(ip("10.0.1.1"), net("10.0.0.0/24"))) {
            try IPAM.addressing(subnet: net("10.0.0.0/24"), gateway: ip("10.0.1.1"), ipRange: nil, auxAddresses: [:])
        }
        #expect(IPAMError.gatewayOutsideSubnet(ip("10.0.1.1"), net("10.0.0.0/24")).message
                == "gateway 10.0.1.1 is not in subnet 10.0.0.0/24")
    }

    @Test(arguments: ["10.0.0.0", "10.0.0.255"])
    func gatewayOnNetworkOrBroadcastAddress(gateway: String) {
        #expect(throws: IPAMError.gatewayNotUsable(ip(gateway), net("10.0.0.0/24"))) {
            try IPAM.addressing(subnet: net("10.0.0.0/24"), gateway: ip(gateway), ipRange: nil, auxAddresses: [:])
        }
    }

    @Test func slash31GatewayMayBeEitherAddress() throws {
        let a = try IPAM.addressing(subnet: net("10.0.0.0/31"), gateway: nil, ipRange: nil, auxAddresses: [:])
        #expect(a.gateway == ip("10.0.0.0"))
    }

    @Test(arguments: ["10.0.1.0/24", "10.0.0.0/23", "9.0.0.0/8"])
    func ipRangeOutsideSubnet(range: String) {
        #expect(throws: IPAMError.ipRangeOutsideSubnet(net(range), net("10.0.0.0/24"))) {
            try IPAM.addressing(subnet: net("10.0.0.0/24"), gateway: nil, ipRange: net(range), auxAddresses: [:])
        }
    }

    @Test func auxOutsideSubnetNamesTheFirstByName() {
        let aux = ["a": ip("10.0.0.5"), "c": ip("10.9.9.9"), "b": ip("10.0.1.1")]
        #expect(throws: IPAMError.auxAddressOutsideSubnet(name: "b", ip("10.0.1.1"), net("10.0.0.0/24"))) {
            try IPAM.addressing(subnet: net("10.0.0.0/24"), gateway: nil, ipRange: nil, auxAddresses: aux)
        }
        #expect(IPAMError.auxAddressOutsideSubnet(name: "b", ip("10.0.1.1"), net("10.0.0.0/24")).message
                == "aux-address b=10.0.1.1 is not in subnet 10.0.0.0/24")
    }
}

@Suite struct IPAMAllocateTests {
    static let sixteen = Addressing(subnet: net("172.18.0.0/16"), gateway: ip("172.18.0.1"), ipRange: nil, auxAddresses: [:])

    func allocate(_ a: Addressing = IPAMAllocateTests.sixteen, used: [String] = [], requested: String? = nil) throws(IPAMError) -> IPv4Address {
        try IPAM.allocate(in: a, used: Set(used.map(ip)), requested: requested.map(ip), networkName: "front")
    }

    @Test func firstContainerGetsDotTwo() throws {
        #expect(try allocate() == ip("172.18.0.2"))
    }

    @Test func lowestFreeAddress() throws {
        #expect(try allocate(used: ["172.18.0.2", "172.18.0.3"]) == ip("172.18.0.4"))
        // After .3 was released it is handed out again before .5.
        #expect(try allocate(used: ["172.18.0.2", "172.18.0.4"]) == ip("172.18.0.3"))
    }

    @Test func skipsGatewayWhereverItIs() throws {
        let a = Addressing(subnet: net("10.0.0.0/24"), gateway: ip("10.0.0.2"), ipRange: nil, auxAddresses: [:])
        #expect(try allocate(a) == ip("10.0.0.1"))
        #expect(try allocate(a, used: ["10.0.0.1"]) == ip("10.0.0.3"))
    }

    @Test func skipsAuxAddresses() throws {
        let a = Addressing(subnet: net("172.18.0.0/16"), gateway: ip("172.18.0.1"), ipRange: nil,
                           auxAddresses: ["router": ip("172.18.0.2"), "printer": ip("172.18.0.3")])
        #expect(try allocate(a) == ip("172.18.0.4"))
    }

    @Test func honoursIPRange() throws {
        let a = Addressing(subnet: net("172.18.0.0/16"), gateway: ip("172.18.0.1"), ipRange: net("172.18.5.128/25"),
                           auxAddresses: [:])
        #expect(try allocate(a) == ip("172.18.5.128"))
        #expect(try allocate(a, used: ["172.18.5.128"]) == ip("172.18.5.129"))
    }

    @Test func ipRangeNeverYieldsTheBroadcastAddress() throws {
        let a = Addressing(subnet: net("10.0.0.0/24"), gateway: ip("10.0.0.1"), ipRange: net("10.0.0.252/30"),
                           auxAddresses: [:])
        #expect(try allocate(a, used: ["10.0.0.252", "10.0.0.253"]) == ip("10.0.0.254"))
        #expect(throws: IPAMError.networkFull(network: "front", range: "10.0.0.252/30")) {
            try allocate(a, used: ["10.0.0.252", "10.0.0.253", "10.0.0.254"])
        }
    }

    @Test func requestedFreeAddressIsGiven() throws {
        #expect(try allocate(used: ["172.18.0.2"], requested: "172.18.0.50") == ip("172.18.0.50"))
        // A static address may lie outside --ip-range (that is what the range leaves room for).
        let ranged = Addressing(subnet: net("172.18.0.0/16"), gateway: ip("172.18.0.1"), ipRange: net("172.18.5.0/24"),
                                auxAddresses: [:])
        #expect(try allocate(ranged, requested: "172.18.0.9") == ip("172.18.0.9"))
    }

    @Test func requestedOutsideSubnet() {
        #expect(throws: IPAMError.addressOutsideSubnet(ip("172.19.0.2"), net("172.18.0.0/16"), network: "front")) {
            try allocate(requested: "172.19.0.2")
        }
    }

    @Test func requestedGateway() {
        #expect(throws: IPAMError.addressReserved(ip("172.18.0.1"), network: "front", why: "gateway")) {
            try allocate(requested: "172.18.0.1")
        }
    }

    @Test func requestedAux() {
        let a = Addressing(subnet: net("172.18.0.0/16"), gateway: ip("172.18.0.1"), ipRange: nil,
                           auxAddresses: ["printer": ip("172.18.0.3")])
        #expect(throws: IPAMError.addressReserved(ip("172.18.0.3"), network: "front", why: "aux-address printer")) {
            try allocate(a, requested: "172.18.0.3")
        }
    }

    @Test func requestedInUse() {
        #expect(throws: IPAMError.addressInUse(ip("172.18.0.2"), network: "front")) {
            try allocate(used: ["172.18.0.2"], requested: "172.18.0.2")
        }
        #expect(IPAMError.addressInUse(ip("172.18.0.2"), network: "front").message
                == "address 172.18.0.2 is already in use on network 'front'")
    }

    @Test(arguments: ["172.18.0.0", "172.18.255.255"])
    func requestedNetworkOrBroadcast(address: String) {
        #expect(throws: IPAMError.addressReserved(ip(address), network: "front", why: "network or broadcast address")) {
            try allocate(requested: address)
        }
    }

    @Test func slash30HoldsOneContainer() throws {
        let a = Addressing(subnet: net("10.0.0.0/30"), gateway: ip("10.0.0.1"), ipRange: nil, auxAddresses: [:])
        #expect(try allocate(a) == ip("10.0.0.2"))
        #expect(throws: IPAMError.networkFull(network: "front", range: "10.0.0.0/30")) {
            try allocate(a, used: ["10.0.0.2"])
        }
        #expect(IPAMError.networkFull(network: "front", range: "10.0.0.0/30").message
                == "no free address left on network 'front' (10.0.0.0/30)")
    }

    /// Issue #7: these were accepted, and containers got a loopback (or multicast...) address
    /// with a default route via 127.0.0.1.
    @Test(arguments: [
        ("127.0.0.0/8", "127.0.0.0/8", "the loopback range"),
        ("127.5.0.0/16", "127.0.0.0/8", "the loopback range"),
        ("224.0.0.0/4", "224.0.0.0/4", "the multicast range"),
        ("239.1.0.0/24", "224.0.0.0/4", "the multicast range"),
        ("0.0.0.0/8", "0.0.0.0/8", "\"this network\" (RFC 1122), which is not routable"),
        ("240.0.0.0/4", "240.0.0.0/4", "the reserved range (class E and broadcast)"),
        ("255.255.255.0/24", "240.0.0.0/4", "the reserved range (class E and broadcast)"),
        ("169.254.0.0/16", "169.254.0.0/16", "the link-local range"),
        ("169.254.3.0/24", "169.254.0.0/16", "the link-local range"),
        // Wider subnets that swallow a reserved range are refused too.
        ("0.0.0.0/0", "0.0.0.0/8", "\"this network\" (RFC 1122), which is not routable"),
        ("96.0.0.0/3", "127.0.0.0/8", "the loopback range"),
        ("168.0.0.0/6", "169.254.0.0/16", "the link-local range"),
    ])
    func reservedSubnetsAreRefused(subnet: String, range: String, why: String) {
        #expect(throws: IPAMError.subnetReserved(net(subnet), range: net(range), why: why)) {
            try IPAM.checkUsable(net(subnet))
        }
    }

    @Test(arguments: ["10.0.0.0/8", "126.255.255.0/24", "128.0.0.0/16", "169.253.0.0/16", "169.255.0.0/16",
                      "223.255.255.0/24", "192.168.0.0/16", "100.64.0.0/10", "1.0.0.0/8", "10.0.0.0/31"])
    func ordinarySubnetsAreUsable(subnet: String) throws {
        try IPAM.checkUsable(net(subnet))
    }

    @Test func slash32LeavesNoRoomForAContainer() {
        #expect(throws: IPAMError.subnetTooSmall(net("10.0.0.5/32"))) { try IPAM.checkUsable(net("10.0.0.5/32")) }
    }

    @Test func reservedMessageNamesSubnetAndWhy() {
        #expect(IPAMError.subnetReserved(net("127.0.0.0/8"), range: net("127.0.0.0/8"), why: "the loopback range").message
                == "subnet 127.0.0.0/8 cannot be used for a network: it overlaps 127.0.0.0/8, the loopback range")
    }

    @Test func defaultCandidatesAreAllUsable() throws {
        for candidate in IPAM.defaultCandidates { try IPAM.checkUsable(candidate) }
    }
}
