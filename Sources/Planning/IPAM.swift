import BridgeModel

/// Something on the host or in bridgectl that already uses a subnet, with words for why.
public struct SubnetClaim: Equatable, Sendable {
    public let subnet: IPv4Network
    public let owner: String
    public init(subnet: IPv4Network, owner: String) { self.subnet = subnet; self.owner = owner }
}

public enum IPAMError: UserFacingError, Equatable {
    case subnetOverlaps(IPv4Network, owner: String)
    case subnetReserved(IPv4Network, range: IPv4Network, why: String)
    case subnetTooSmall(IPv4Network)
    case gatewayOutsideSubnet(IPv4Address, IPv4Network)
    case gatewayNotUsable(IPv4Address, IPv4Network)
    case ipRangeOutsideSubnet(IPv4Network, IPv4Network)
    case auxAddressOutsideSubnet(name: String, IPv4Address, IPv4Network)
    case optionNeedsSubnet(String)
    case noFreeSubnet(skipped: [String])
    case addressOutsideSubnet(IPv4Address, IPv4Network, network: String)
    case addressReserved(IPv4Address, network: String, why: String)
    case addressInUse(IPv4Address, network: String)
    case networkFull(network: String, range: String)

    public var message: String {
        switch self {
        case .subnetOverlaps(let subnet, let owner): return "subnet \(subnet) overlaps \(owner)"
        case .subnetReserved(let subnet, let range, let why):
            return "subnet \(subnet) cannot be used for a network: it overlaps \(range), \(why)"
        case .subnetTooSmall(let subnet):
            return "subnet \(subnet) is too small: its one address goes to the gateway, leaving none for containers (use /31 or shorter)"
        case .gatewayOutsideSubnet(let gateway, let subnet): return "gateway \(gateway) is not in subnet \(subnet)"
        case .gatewayNotUsable(let gateway, let subnet): return "gateway \(gateway) is the network or broadcast address of \(subnet)"
        case .ipRangeOutsideSubnet(let range, let subnet): return "ip-range \(range) is not inside subnet \(subnet)"
        case .auxAddressOutsideSubnet(let name, let ip, let subnet): return "aux-address \(name)=\(ip) is not in subnet \(subnet)"
        case .optionNeedsSubnet(let flag): return "\(flag) needs --subnet"
        case .noFreeSubnet(let skipped):
            return "no free subnet in the default pools (172.17-31.0.0/16, 192.168.0.0/16 as /20s); all \(skipped.count) are taken: give one with --subnet"
        case .addressOutsideSubnet(let ip, let subnet, let network): return "address \(ip) is not in subnet \(subnet) of network '\(network)'"
        case .addressReserved(let ip, let network, let why): return "address \(ip) on network '\(network)' is reserved (\(why))"
        case .addressInUse(let ip, let network): return "address \(ip) is already in use on network '\(network)'"
        case .networkFull(let network, let range): return "no free address left on network '\(network)' (\(range))"
        }
    }
}

/// The address plan of one network: what IPAM decided at create time.
public struct Addressing: Equatable, Sendable {
    public let subnet: IPv4Network
    public let gateway: IPv4Address
    public let ipRange: IPv4Network?
    public let auxAddresses: [String: IPv4Address]

    public init(subnet: IPv4Network, gateway: IPv4Address, ipRange: IPv4Network?, auxAddresses: [String: IPv4Address]) {
        self.subnet = subnet; self.gateway = gateway; self.ipRange = ipRange; self.auxAddresses = auxAddresses
    }
}

/// Pure address management: subnets for networks, addresses for endpoints. Data in, data out.
public enum IPAM {
    /// Docker's default pools: 172.17-172.31 as /16s, then 192.168.0.0/16 as /20s.
    public static let defaultCandidates: [IPv4Network] = {
        let sixteens = (17...31).map { IPv4Network(containing: IPv4Address(UInt32(172) << 24 | UInt32($0) << 16), prefixLength: 16) }
        let base = IPv4Address(0xC0A8_0000).value
        let twenties = (0..<16).map { IPv4Network(containing: IPv4Address(base + UInt32($0) << 12), prefixLength: 20) }
        return sixteens + twenties
    }()

    /// The first default subnet that overlaps no claim, and the reasons for each one passed over.
    public static func chooseSubnet(claims: [SubnetClaim]) throws(IPAMError) -> (subnet: IPv4Network, skipped: [String]) {
        var skipped: [String] = []
        for candidate in defaultCandidates {
            if let claim = claims.first(where: { $0.subnet.overlaps(candidate) }) {
                skipped.append("\(candidate) skipped: overlaps \(claim.owner)")
                continue
            }
            return (candidate, skipped)
        }
        throw .noFreeSubnet(skipped: skipped)
    }

    /// Checks a user-given subnet against the claims that must never overlap (other bridgectl networks).
    public static func checkNoOverlap(_ subnet: IPv4Network, claims: [SubnetClaim]) throws(IPAMError) {
        if let claim = claims.first(where: { $0.subnet.overlaps(subnet) }) {
            throw .subnetOverlaps(subnet, owner: claim.owner)
        }
    }

    /// Ranges a bridge network can never use: a container there would get an address the kernel
    /// treats specially (loopback is never routed off the host, multicast and class E are not
    /// unicast, 0/8 means "this host", link-local is per link).
    public static let reservedRanges: [(range: IPv4Network, why: String)] = [
        (IPv4Network(containing: IPv4Address(0x0000_0000), prefixLength: 8), "\"this network\" (RFC 1122), which is not routable"),
        (IPv4Network(containing: IPv4Address(0x7F00_0000), prefixLength: 8), "the loopback range"),
        (IPv4Network(containing: IPv4Address(0xA9FE_0000), prefixLength: 16), "the link-local range"),
        (IPv4Network(containing: IPv4Address(0xE000_0000), prefixLength: 4), "the multicast range"),
        (IPv4Network(containing: IPv4Address(0xF000_0000), prefixLength: 4), "the reserved range (class E and broadcast)"),
    ]

    /// Refuses subnets no container could use: one in a reserved range, or a /32, whose only
    /// address is the gateway's. A /31 works (gateway and one container, RFC 3021).
    /// Every other address flag (--gateway, --ip-range, --aux-address, --ip) must lie inside
    /// the subnet, so this check covers them too.
    public static func checkUsable(_ subnet: IPv4Network) throws(IPAMError) {
        if let reserved = reservedRanges.first(where: { $0.range.overlaps(subnet) }) {
            throw .subnetReserved(subnet, range: reserved.range, why: reserved.why)
        }
        if subnet.prefixLength == 32 { throw .subnetTooSmall(subnet) }
    }

    /// Validates gateway, ip-range and aux addresses against the subnet; the gateway defaults to
    /// the first host address.
    public static func addressing(subnet: IPv4Network, gateway: IPv4Address?, ipRange: IPv4Network?,
                                  auxAddresses: [String: IPv4Address]) throws(IPAMError) -> Addressing {
        let chosenGateway = gateway ?? IPv4Address(subnet.hostRange.lowerBound)
        guard subnet.contains(chosenGateway) else { throw .gatewayOutsideSubnet(chosenGateway, subnet) }
        guard subnet.hostRange.contains(chosenGateway.value) else { throw .gatewayNotUsable(chosenGateway, subnet) }
        if let ipRange, !subnet.contains(ipRange) { throw .ipRangeOutsideSubnet(ipRange, subnet) }
        for (name, ip) in auxAddresses.sorted(by: { $0.key < $1.key }) where !subnet.contains(ip) {
            throw .auxAddressOutsideSubnet(name: name, ip, subnet)
        }
        return Addressing(subnet: subnet, gateway: chosenGateway, ipRange: ipRange, auxAddresses: auxAddresses)
    }

    /// An address for a new endpoint: the requested one if it is free, else the lowest free one in
    /// the dynamic range (the ip-range if set, else the subnet), never the gateway or an aux address.
    public static func allocate(in addressing: Addressing, used: Set<IPv4Address>, requested: IPv4Address?,
                                networkName: String) throws(IPAMError) -> IPv4Address {
        let reserved = Set(addressing.auxAddresses.values)
        if let requested {
            guard addressing.subnet.contains(requested) else {
                throw .addressOutsideSubnet(requested, addressing.subnet, network: networkName)
            }
            guard addressing.subnet.hostRange.contains(requested.value) else {
                throw .addressReserved(requested, network: networkName, why: "network or broadcast address")
            }
            if requested == addressing.gateway {
                throw .addressReserved(requested, network: networkName, why: "gateway")
            }
            if let name = addressing.auxAddresses.first(where: { $0.value == requested })?.key {
                throw .addressReserved(requested, network: networkName, why: "aux-address \(name)")
            }
            guard !used.contains(requested) else { throw .addressInUse(requested, network: networkName) }
            return requested
        }
        let pool = addressing.ipRange ?? addressing.subnet
        let hosts = addressing.subnet.hostRange
        let lower = max(pool.address.value, hosts.lowerBound)
        let upper = min(pool.broadcast.value, hosts.upperBound)
        if lower <= upper {
            for value in lower...upper {
                let candidate = IPv4Address(value)
                if candidate != addressing.gateway && !reserved.contains(candidate) && !used.contains(candidate) {
                    return candidate
                }
            }
        }
        throw .networkFull(network: networkName, range: "\(pool)")
    }
}
