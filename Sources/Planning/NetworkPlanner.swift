import BridgeModel

/// What `network create` was asked for, already parsed into typed values.
public struct NetworkCreateRequest: Sendable {
    public var name: String
    public var driver: String
    public var subnet: IPv4Network?
    public var gateway: IPv4Address?
    public var ipRange: IPv4Network?
    public var auxAddresses: [String: IPv4Address]
    public var isInternal: Bool
    public var ipv6: Bool
    public var options: [(key: String, value: String)]
    public var labels: [String: String]

    public init(name: String, driver: String = "bridge", subnet: IPv4Network? = nil, gateway: IPv4Address? = nil,
                ipRange: IPv4Network? = nil, auxAddresses: [String: IPv4Address] = [:], isInternal: Bool = false,
                ipv6: Bool = false, options: [(key: String, value: String)] = [], labels: [String: String] = [:]) {
        self.name = name; self.driver = driver; self.subnet = subnet; self.gateway = gateway; self.ipRange = ipRange
        self.auxAddresses = auxAddresses; self.isInternal = isInternal; self.ipv6 = ipv6; self.options = options
        self.labels = labels
    }
}

/// Plans for networks: data in, data out, no kernel access.
public enum NetworkPlanner {
    public static let defaultBridgeName = "bridgectl0"
    public static let defaultBridgeSubnet = IPv4Network(containing: IPv4Address(0xAC11_0000), prefixLength: 16)

    /// Subnets no new network may overlap: every bridgectl network's, and the default bridge's
    /// (reserved even while its device is down, as docker0 always holds its subnet).
    public static func networkClaims(_ networks: [NetworkRecord]) -> [SubnetClaim] {
        networks.compactMap { network in
            switch network.kind {
            case .user: return network.subnet.map { SubnetClaim(subnet: $0, owner: "network '\(network.name)'") }
            case .defaultBridge:
                return SubnetClaim(subnet: network.subnet ?? defaultBridgeSubnet, owner: "the default network 'bridge'")
            case .host, .none: return nil
            }
        }
    }

    public static func create(_ request: NetworkCreateRequest, id: ObjectID, created: String,
                              existing: [NetworkRecord], hostClaims: [SubnetClaim],
                              hostLinks: Set<String>) throws -> (NetworkRecord, Plan) {
        try Names.validateObjectName(request.name, kind: "network")
        guard request.driver == "bridge" else { throw PlanningError.unsupportedDriver(request.driver) }
        guard !request.ipv6 else { throw PlanningError.ipv6Unsupported }
        if existing.contains(where: { $0.name == request.name }) { throw PlanningError.networkNameTaken(request.name) }
        let options = try NetworkOptions(parsing: request.options)
        let bridgeName = options.bridgeName ?? "br-\(id.short)"
        try Names.validateInterfaceName(bridgeName)
        if let owner = existing.first(where: { $0.isBridged && $0.bridgeName == bridgeName }) {
            throw PlanningError.bridgeNameTaken(bridgeName, owner: "network '\(owner.name)'")
        }
        if hostLinks.contains(bridgeName) {
            throw PlanningError.bridgeNameTaken(bridgeName, owner: "an existing host interface")
        }

        let bridgectlClaims = networkClaims(existing)
        var notes: [String] = []
        let subnet: IPv4Network
        if let requested = request.subnet {
            try IPAM.checkNoOverlap(requested, claims: bridgectlClaims)
            subnet = requested
        } else {
            if request.gateway != nil { throw IPAMError.optionNeedsSubnet("--gateway") }
            if request.ipRange != nil { throw IPAMError.optionNeedsSubnet("--ip-range") }
            if !request.auxAddresses.isEmpty { throw IPAMError.optionNeedsSubnet("--aux-address") }
            let choice = try IPAM.chooseSubnet(claims: bridgectlClaims + hostClaims)
            subnet = choice.subnet
            notes = choice.skipped
        }
        let addressing = try IPAM.addressing(subnet: subnet, gateway: request.gateway, ipRange: request.ipRange,
                                             auxAddresses: request.auxAddresses)
        var rawOptions: [String: String] = [:]
        for (key, value) in request.options { rawOptions[key] = value }
        let record = NetworkRecord(
            id: id, name: request.name, kind: .user, created: created, bridgeName: bridgeName,
            subnet: addressing.subnet, gateway: addressing.gateway, ipRange: addressing.ipRange,
            auxAddresses: addressing.auxAddresses, isInternal: request.isInternal, options: options,
            rawOptions: rawOptions, labels: request.labels, ipamNotes: notes)
        let plan = Plan(summary: "create network \(request.name)",
                        steps: bridgeSteps(for: record) + [.putNetwork(record, previous: nil)],
                        onInterruption: .rollBack)
        return (record, plan)
    }

    /// The bridge device with its gateway address, up. IPv6 is off on it: bridgectl networks are
    /// IPv4-only, and an IPv6-less bridge sends no router solicitations or MLD to its ports.
    public static func bridgeSteps(for record: NetworkRecord) -> [Step] {
        var steps: [Step] = [
            .createBridge(name: record.bridgeName, mtu: record.options.mtu, mac: bridgeMAC(for: record)),
            .disableIPv6(link: record.bridgeName),
        ]
        if let subnet = record.subnet, let gateway = record.gateway {
            steps.append(.addAddress(InterfaceAddress(ip: gateway, prefixLength: subnet.prefixLength),
                                     link: record.bridgeName, namespace: nil))
        }
        steps.append(.setLinkUp(link: record.bridgeName, namespace: nil))
        return steps
    }

    /// 02:42 + the gateway's address, like the containers' scheme; no container ever holds the
    /// gateway address, so the two never collide. Without a gateway, 02:42 + the ID's first bytes.
    public static func bridgeMAC(for record: NetworkRecord) -> MACAddress {
        if let gateway = record.gateway { return MACAddress(derivedFrom: gateway) }
        let bytes = stride(from: 0, to: 8, by: 2).map { offset -> UInt8 in
            let start = record.id.hex.index(record.id.hex.startIndex, offsetBy: offset)
            return UInt8(record.id.hex[start..<record.id.hex.index(start, offsetBy: 2)], radix: 16) ?? 0
        }
        return MACAddress(bytes: [0x02, 0x42] + bytes)
    }

    /// Brings up the default bridge on first use; its subnet is fixed the first time (172.17.0.0/16
    /// unless the host already uses it) and kept from then on.
    public static func activateDefaultBridge(_ record: NetworkRecord, otherNetworks: [NetworkRecord],
                                             hostClaims: [SubnetClaim]) throws -> (NetworkRecord, [Step]) {
        var updated = record
        var steps: [Step] = []
        if record.subnet == nil {
            let claims = networkClaims(otherNetworks.filter { $0.kind != .defaultBridge }) + hostClaims
            let subnet: IPv4Network
            if claims.contains(where: { $0.subnet.overlaps(defaultBridgeSubnet) }) {
                let choice = try IPAM.chooseSubnet(claims: claims)
                subnet = choice.subnet
                updated.ipamNotes = choice.skipped
            } else {
                subnet = defaultBridgeSubnet
            }
            updated.subnet = subnet
            updated.gateway = IPv4Address(subnet.hostRange.lowerBound)
            steps.append(.putNetwork(updated, previous: record))
        }
        return (updated, bridgeSteps(for: updated) + steps)
    }

    public static func remove(_ record: NetworkRecord, attachedContainers: [String]) throws -> Plan {
        guard record.kind == .user else { throw PlanningError.builtinNetwork(record.name, action: "removed") }
        guard attachedContainers.isEmpty else {
            throw PlanningError.networkInUse(record.name, containers: attachedContainers)
        }
        return Plan(summary: "remove network \(record.name)",
                    steps: [.deleteLink(name: record.bridgeName, namespace: nil), .removeNetwork(record)],
                    onInterruption: .rollForward, redoIntent: "network-\(record.id.hex)")
    }
}
