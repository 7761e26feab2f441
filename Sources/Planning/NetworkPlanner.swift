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

/// What the firewall looks like now, for plans that add or remove a network's rules.
public struct FirewallContext: Sendable {
    /// The iptables ruleset (iptables backend only; the nftables backend plans without reading).
    public var observed: FirewallObservation
    /// net.ipv4.ip_forward in the host namespace.
    public var ipForward: String?
    /// net.bridge.bridge-nf-call-iptables; nil when the kernel has no br_netfilter.
    public var bridgeNetfilter: String?
    /// Whether another bridged network keeps the shared chains in use.
    public var otherActiveNetworks: Bool
    /// The host's backend: the one a network activated now gets.
    public var backend: FirewallBackend
    /// Whether chain `user` of bridgectl's nftables table holds the user's rules; read only when
    /// the last nftables network goes.
    public var nftUserChainHasRules: Bool
    /// Whether iptables' filter FORWARD chain drops what no rule accepts (a Docker engine sets
    /// that): it would drop what bridgectl's nftables table accepts. Read only when an nftables
    /// network is activated.
    public var iptablesForwardPolicyDrop: Bool
    /// Whether bridgectl's nftables base chains exist (read when an nftables network is
    /// activated; the setup then leaves them as they are).
    public var nftBaseChainsExist = false

    public init(observed: FirewallObservation, ipForward: String?, bridgeNetfilter: String?, otherActiveNetworks: Bool,
                backend: FirewallBackend = .iptables, nftUserChainHasRules: Bool = false, iptablesForwardPolicyDrop: Bool = false) {
        self.observed = observed; self.ipForward = ipForward; self.bridgeNetfilter = bridgeNetfilter
        self.otherActiveNetworks = otherActiveNetworks; self.backend = backend
        self.nftUserChainHasRules = nftUserChainHasRules; self.iptablesForwardPolicyDrop = iptablesForwardPolicyDrop
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

    /// `isLocalAddress`: whether the host has an address, asked only when host_binding_ipv4 is set
    /// (the default suits callers that never set it).
    public static func create(_ request: NetworkCreateRequest, id: ObjectID, created: String,
                              existing: [NetworkRecord], hostClaims: [SubnetClaim],
                              hostLinks: Set<String>, firewall: FirewallContext,
                              isLocalAddress: (IPv4Address) -> Bool = { _ in true }) throws -> (NetworkRecord, Plan) {
        try Names.validateObjectName(request.name, kind: "network")
        guard request.driver == "bridge" else { throw PlanningError.unsupportedDriver(request.driver) }
        guard !request.ipv6 else { throw PlanningError.ipv6Unsupported }
        if existing.contains(where: { $0.name == request.name }) { throw PlanningError.networkNameTaken(request.name) }
        let options = try NetworkOptions(parsing: request.options)
        try HostAddressCheck.checkHostBinding(options, network: request.name, isLocal: isLocalAddress)
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
            try IPAM.checkUsable(requested)
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
            rawOptions: rawOptions, labels: request.labels, ipamNotes: notes).withFirewall(firewall.backend)
        let plan = Plan(summary: "create network \(request.name)",
                        steps: try activationSteps(for: record, firewall: firewall) + [.putNetwork(record, previous: nil)],
                        onInterruption: .rollBack)
        return (record, plan)
    }

    /// The bridge device with its gateway address, up. IPv6 is off on it: bridgectl networks are
    /// IPv4-only, and an IPv6-less bridge sends no router solicitations or MLD to its ports.
    public static func bridgeSteps(for record: NetworkRecord) -> [Step] {
        var steps: [Step] = [
            .createBridge(name: record.bridgeName, mtu: record.options.mtu, mac: bridgeMAC(for: record),
                          alias: LinkMark.network(record.name)),
            .disableIPv6(link: record.bridgeName),
        ]
        if let subnet = record.subnet, let gateway = record.gateway {
            steps.append(.addAddress(InterfaceAddress(ip: gateway, prefixLength: subnet.prefixLength),
                                     link: record.bridgeName, namespace: nil))
        }
        steps.append(.setLinkUp(link: record.bridgeName, namespace: nil))
        return steps
    }

    /// Everything a network needs in the host: its bridge, then its sysctls and rules.
    public static func activationSteps(for record: NetworkRecord, firewall: FirewallContext) throws -> [Step] {
        if record.firewall == .nftables && firewall.iptablesForwardPolicyDrop {
            throw PlanningError.iptablesForwardPolicyDrop(record.name)
        }
        var steps = bridgeSteps(for: record)
        for (key, value) in FirewallPlanner.sysctls(for: record) where !(key == "net.ipv4.ip_forward" && firewall.ipForward == "1") {
            steps.append(.setSysctl(key: key, value: value))
        }
        if !record.options.enableICC {
            // Traffic between two ports of one bridge never reaches iptables without br_netfilter.
            guard let current = firewall.bridgeNetfilter else { throw PlanningError.noBridgeNetfilter(record.name) }
            if current != "1" { steps.append(.setSysctl(key: "net.bridge.bridge-nf-call-iptables", value: "1")) }
        }
        steps += FirewallSteps.activation(of: record, firewall: firewall)
        return steps
    }

    /// Takes a network's rules (and, after the last network, the shared chains) and bridge away.
    public static func deactivationSteps(for record: NetworkRecord, firewall: FirewallContext) -> [Step] {
        (FirewallSteps.deactivation(of: record, firewall: firewall).map { [$0] } ?? [])
            + [.deleteLink(name: record.bridgeName, namespace: nil)]
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
                                             hostClaims: [SubnetClaim], firewall: FirewallContext) throws -> (NetworkRecord, [Step]) {
        var updated = record.withFirewall(firewall.backend)
        var steps: [Step] = updated == record ? [] : [.putNetwork(updated, previous: record)]
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
            steps = [.putNetwork(updated, previous: record)]
        }
        return (updated, try activationSteps(for: updated, firewall: firewall) + steps)
    }

    /// The bridge a network record names, read from the text of a record that no longer
    /// decodes. Keys are encoded sorted, so the record's own `bridgeName` follows the
    /// `auxAddresses` object's closing brace (an aux address named "bridgeName" does not).
    public static func salvagedBridgeName(fromRecordText text: String) -> String? {
        let marker = #"},"bridgeName":""#
        guard let start = text.firstRange(of: marker)?.upperBound,
              let end = text[start...].firstIndex(of: "\"") else { return nil }
        let name = String(text[start..<end])
        return (try? Names.validateInterfaceName(name)) != nil ? name : nil
    }

    /// Removes a network whose record cannot be read: the rules naming its bridge, its bridge,
    /// bridgectl's chains when no other network needs them, and the record.
    public static func removeUnreadable(id: ObjectID, bridgeName: String?, ownedRules: [RuleOp],
                                        firewall: FirewallContext) -> Plan {
        let salvaged = NetworkRecord(id: id, name: id.short, kind: .user, created: "", bridgeName: bridgeName ?? "")
        var steps: [Step] = []
        if let removal = FirewallSteps.removal(ofLost: salvaged, ownedRules: ownedRules, firewall: firewall) {
            steps.append(removal)
        }
        if let bridgeName { steps.append(.deleteLink(name: bridgeName, namespace: nil)) }
        steps.append(.removeNetwork(salvaged))
        return Plan(summary: "remove network \(id.short)", steps: steps, onInterruption: .rollForward,
                    redoIntent: .removeNetwork(id))
    }

    public static func remove(_ record: NetworkRecord, attachedContainers: [String], firewall: FirewallContext) throws -> Plan {
        guard record.kind == .user else { throw PlanningError.builtinNetwork(record.name, action: "removed") }
        guard attachedContainers.isEmpty else {
            throw PlanningError.networkInUse(record.name, containers: attachedContainers)
        }
        return Plan(summary: "remove network \(record.name)",
                    steps: deactivationSteps(for: record, firewall: firewall) + [.removeNetwork(record)],
                    onInterruption: .rollForward, redoIntent: .removeNetwork(record.id))
    }
}
