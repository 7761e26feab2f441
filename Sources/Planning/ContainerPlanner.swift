import BridgeModel

/// What `container create` was asked for, parsed. Networks are already resolved to records.
public struct ContainerCreateRequest: Sendable {
    public var name: String
    public var requestedIP: IPv4Address?
    public var aliases: [String]
    public var hostname: String?
    public var dns: [IPv4Address]
    public var dnsSearch: [String]
    public var extraHosts: [ExtraHost]
    /// Already resolved to concrete host ports (see PortAllocator).
    public var ports: [PortBinding]

    public init(name: String, requestedIP: IPv4Address? = nil, aliases: [String] = [], hostname: String? = nil,
                dns: [IPv4Address] = [], dnsSearch: [String] = [], extraHosts: [ExtraHost] = [],
                ports: [PortBinding] = []) {
        self.name = name; self.requestedIP = requestedIP; self.aliases = aliases; self.hostname = hostname
        self.dns = dns; self.dnsSearch = dnsSearch; self.extraHosts = extraHosts; self.ports = ports
    }
}

/// A bridged network to attach to, with the addresses already taken on it.
public struct AttachTarget: Sendable {
    public var network: NetworkRecord
    public var usedAddresses: Set<IPv4Address>
    public init(network: NetworkRecord, usedAddresses: Set<IPv4Address>) {
        self.network = network; self.usedAddresses = usedAddresses
    }
}

/// Plans for containers (named network namespaces and their endpoints). Pure.
public enum ContainerPlanner {
    public static func create(_ request: ContainerCreateRequest, id: ObjectID, created: String,
                              mode: ContainerRecord.NetworkMode, targets: [AttachTarget],
                              hostResolver: EtcFiles.ResolverConfig,
                              makeID: () -> ObjectID) throws -> (ContainerRecord, Plan) {
        try Names.validateObjectName(request.name, kind: "container")
        // A name defaulted from the container's name is already safe (validateObjectName); one
        // given with --hostname must be a DNS name.
        if let hostname = request.hostname { try Names.validateDomainName(hostname, kind: "hostname") }
        let hostname = request.hostname ?? request.name
        for alias in request.aliases { try Names.validateDomainName(alias, kind: "alias") }
        for domain in request.dnsSearch { try Names.validateSearchDomain(domain) }
        // Docker: "user specified IP address is supported on user defined networks only".
        if request.requestedIP != nil, targets.first?.network.kind != .user {
            throw PlanningError.staticIPNeedsUserNetwork
        }
        if !request.aliases.isEmpty, mode != .bridged { throw PlanningError.aliasNeedsUserNetwork }
        var record = ContainerRecord(id: id, name: request.name, created: created, hostname: hostname, mode: mode,
                                     dns: request.dns, dnsSearch: request.dnsSearch, extraHosts: request.extraHosts)
        let name = request.name
        var claims: [Step] = []
        for (index, target) in targets.enumerated() {
            let network = target.network
            if network.kind == .defaultBridge && !request.aliases.isEmpty { throw PlanningError.aliasNeedsUserNetwork }
            let endpoint = try makeEndpoint(container: record, network: network, used: target.usedAddresses,
                                            requestedIP: index == 0 ? request.requestedIP : nil,
                                            aliases: network.kind == .user ? request.aliases : [],
                                            endpointID: makeID())
            record.endpoints.append(endpoint)
            claims.append(.claimAddress(endpoint.address, network: network.id, container: id))
        }
        let networks = targets.map(\.network)
        if !request.ports.isEmpty {
            // Ports forward to the address on the network that carries the default route.
            guard mode == .bridged, let first = targets.first else { throw PortError.noNetworkToPublishOn(name) }
            guard let route = defaultRouteEndpoint(record, networks: networks) else {
                throw PortError.internalNetwork(first.network.name)
            }
            record.ports = request.ports
            record.publishedNetwork = route.networkID
            claims += request.ports.map { .claimPort($0, container: id) }
        }
        var steps = hostSteps(for: record, networks: networks, hostResolver: hostResolver)
        steps += claims
        steps.append(.putContainer(record, previous: nil))
        return (record, Plan(summary: "create container \(name)", steps: steps, onInterruption: .rollBack))
    }

    /// Everything a container is in the kernel and under /etc/netns, in the order `create` makes
    /// it: its namespace, one veth pair per endpoint, loopback, the default route, published
    /// ports, the files. `create` is exactly these plus bookkeeping, and the expected host that
    /// `doctor` compares against is rendered from them, so the two cannot drift apart.
    /// `networks`: the records of the container's networks (others are ignored).
    public static func hostSteps(for record: ContainerRecord, networks: [NetworkRecord],
                                 hostResolver: EtcFiles.ResolverConfig) -> [Step] {
        let name = record.name
        var steps: [Step] = []
        switch record.mode {
        case .host:
            steps.append(.aliasHostNamespace(name: name))
        case .none, .bridged:
            if let runtime = record.runtime {
                steps.append(.attachNamespace(name: name, path: runtime.netnsPath))
            } else {
                steps.append(.createNamespace(name: name, disableIPv6: true))
            }
        }
        for endpoint in record.endpoints {
            guard let network = networks.first(where: { $0.id == endpoint.networkID }) else { continue }
            steps += endpointSteps(endpoint, container: name, network: network)
        }
        if record.mode != .host {
            steps.append(.setLinkUp(link: "lo", namespace: name))
        }
        let route = defaultRouteEndpoint(record, networks: networks)
        if let route {
            steps.append(.addDefaultRoute(via: route.gateway, link: route.interfaceName, namespace: name))
        }
        if !record.ports.isEmpty, let published = record.publishedNetwork, let endpoint = record.endpoint(on: published),
           let network = networks.first(where: { $0.id == published }) {
            steps.append(.setHairpin(link: endpoint.hostInterfaceName))
            steps.append(FirewallSteps.publish(container: name, address: endpoint.address, network: network, bindings: record.ports))
        }
        if record.mode != .host && record.runtime == nil {
            steps += etcFileSteps(record, hostResolver: hostResolver, embeddedDNS: usesEmbeddedDNS(record, networks: networks))
        }
        return steps
    }

    public static func connect(_ container: ContainerRecord, to target: AttachTarget, requestedIP: IPv4Address?,
                               aliases: [String], endpointID: ObjectID, networks: [ObjectID: NetworkRecord],
                               hostResolver: EtcFiles.ResolverConfig = .init()) throws -> (ContainerRecord, Plan) {
        let network = target.network
        guard container.mode == .bridged else { throw PlanningError.specialNetworkMix(container.mode.rawValue) }
        guard container.endpoint(on: network.id) == nil else {
            throw PlanningError.alreadyConnected(container: container.name, network: network.name)
        }
        if network.kind == .defaultBridge {
            if requestedIP != nil { throw PlanningError.staticIPNeedsUserNetwork }
            if !aliases.isEmpty { throw PlanningError.aliasNeedsUserNetwork }
        }
        for alias in aliases { try Names.validateDomainName(alias, kind: "alias") }
        let endpoint = try makeEndpoint(container: container, network: network, used: target.usedAddresses,
                                        requestedIP: requestedIP, aliases: aliases, endpointID: endpointID)
        var updated = container
        updated.endpoints.append(endpoint)
        var known = networks
        known[network.id] = network
        var steps = endpointSteps(endpoint, container: container.name, network: network)
        let before = defaultRouteEndpoint(container, networks: Array(known.values))
        let after = defaultRouteEndpoint(updated, networks: Array(known.values))
        if let after, after.networkID != before?.networkID {
            steps.append(.addDefaultRoute(via: after.gateway, link: after.interfaceName, namespace: container.name))
        }
        steps.append(hostsFileStep(updated, previous: container))
        if let step = resolvConfStep(updated, previous: container, networks: Array(known.values), hostResolver: hostResolver) {
            steps.append(step)
        }
        steps.append(.claimAddress(endpoint.address, network: network.id, container: container.id))
        steps.append(.putContainer(updated, previous: container))
        return (updated, Plan(summary: "connect \(container.name) to \(network.name)", steps: steps, onInterruption: .rollBack))
    }

    public static func disconnect(_ container: ContainerRecord, from network: NetworkRecord,
                                  networks: [ObjectID: NetworkRecord],
                                  hostResolver: EtcFiles.ResolverConfig = .init()) throws -> (ContainerRecord, Plan) {
        guard let endpoint = container.endpoint(on: network.id) else {
            throw PlanningError.notConnected(container: container.name, network: network.name)
        }
        var updated = container
        updated.endpoints.removeAll { $0.networkID == network.id }
        var steps: [Step] = []
        var releases: [Step] = []
        if container.publishedNetwork == network.id {
            // Its published ports pointed at this network: they go with it.
            steps += unpublishSteps(container, network: network)
            releases = container.ports.map { .releasePort($0, container: container.id) }
            updated.ports = []
            updated.publishedNetwork = nil
        }
        steps.append(.deleteLink(name: endpoint.hostInterfaceName, namespace: nil))
        let before = defaultRouteEndpoint(container, networks: Array(networks.values))
        if before?.networkID == network.id,
           let next = defaultRouteEndpoint(updated, networks: Array(networks.values)) {
            steps.append(.addDefaultRoute(via: next.gateway, link: next.interfaceName, namespace: container.name))
        }
        steps.append(hostsFileStep(updated, previous: container))
        if let step = resolvConfStep(updated, previous: container, networks: Array(networks.values), hostResolver: hostResolver) {
            steps.append(step)
        }
        steps.append(.releaseAddress(endpoint.address, network: network.id, container: container.id))
        steps += releases
        steps.append(.putContainer(updated, previous: container))
        return (updated, Plan(summary: "disconnect \(container.name) from \(network.name)", steps: steps,
                              onInterruption: .rollForward, redoIntent: .disconnect(container: container.id, network: network.id)))
    }

    /// Removing the namespace is enough for the kernel to destroy the container's veths (their
    /// host ends leave the bridges with them): deleting each veth first would cost 16-32 ms of
    /// RCU wait per device for nothing.
    /// `publishedNetwork`: the network its ports forward to, if it publishes any.
    public static func remove(_ container: ContainerRecord, killProcesses: Bool, publishedNetwork: NetworkRecord? = nil) -> Plan {
        if container.runtime != nil { return removeRuntime(container, publishedNetwork: publishedNetwork) }
        let name = container.name
        var steps: [Step] = []
        if let publishedNetwork { steps += unpublishSteps(container, network: publishedNetwork) }
        if killProcesses && container.mode != .host { steps.append(.killProcesses(namespace: name)) }
        steps.append(.deleteNamespace(name: name))
        if container.mode != .host {
            steps.append(.removeFile(path: EtcFiles.hostsPath(for: name), previous: nil))
            steps.append(.removeFile(path: EtcFiles.resolvConfPath(for: name), previous: nil))
            steps.append(.removeFile(path: EtcFiles.hostnamePath(for: name), previous: nil))
            steps.append(.removeDirectory(path: EtcFiles.directory(for: name)))
        }
        for endpoint in container.endpoints {
            steps.append(.releaseAddress(endpoint.address, network: endpoint.networkID, container: container.id))
        }
        steps += container.ports.map { .releasePort($0, container: container.id) }
        steps.append(.removeContainer(container))
        return Plan(summary: "remove container \(name)", steps: steps, onInterruption: .rollForward,
                    redoIntent: .removeContainer(container.id))
    }

    /// What can still be found of a container whose record cannot be read: its ID, its name
    /// (from the name index; "" when unknown) and the address and port claims it holds.
    /// `namespaceIsHost` marks a `--network host` alias, whose processes are the host's.
    public static func salvagedRecord(id: ObjectID, name: String?, namespaceIsHost: Bool,
                                      addresses: [(network: ObjectID, address: IPv4Address)],
                                      ports: [PortBinding]) -> ContainerRecord {
        let endpoints = addresses.enumerated().map { index, claim in
            Endpoint(networkID: claim.network, endpointID: id, interfaceName: "eth\(index)",
                     hostInterfaceName: hostInterfaceName(container: id, index: index), address: claim.address,
                     prefixLength: 32, gateway: claim.address, mac: MACAddress(derivedFrom: claim.address),
                     aliases: [], staticAddress: false)
        }
        let mode: ContainerRecord.NetworkMode = namespaceIsHost ? .host : endpoints.isEmpty ? .none : .bridged
        return ContainerRecord(id: id, name: name ?? "", created: "", hostname: name ?? "", mode: mode,
                               endpoints: endpoints, ports: ports)
    }

    /// Removes a salvaged container: its namespace and /etc/netns files by name (nothing by name
    /// when the name is unknown), its claims, its record, and `ownedFirewall`, the deletion of
    /// what the firewall holds for it, as found (its published ports cannot be rebuilt without
    /// the record).
    public static func removeUnreadable(_ salvaged: ContainerRecord, ownedFirewall: Step?, killProcesses: Bool) -> Plan {
        var plan: Plan
        if !salvaged.name.isEmpty {
            plan = remove(salvaged, killProcesses: killProcesses)
        } else {
            var steps: [Step] = salvaged.endpoints.map { .releaseAddress($0.address, network: $0.networkID, container: salvaged.id) }
            steps += salvaged.ports.map { .releasePort($0, container: salvaged.id) }
            steps.append(.removeContainer(salvaged))
            plan = Plan(summary: "remove container \(salvaged.id.short)", steps: steps, onInterruption: .rollForward,
                        redoIntent: .removeContainer(salvaged.id))
        }
        if let ownedFirewall { plan.steps.insert(ownedFirewall, at: 0) }
        return plan
    }

    // MARK: - Pieces

    /// Deletes exactly the rules `create` added for the container's published ports.
    static func unpublishSteps(_ container: ContainerRecord, network: NetworkRecord) -> [Step] {
        guard let published = container.publishedNetwork, let endpoint = container.endpoint(on: published),
              !container.ports.isEmpty else { return [] }
        return FirewallSteps.unpublish(container: container.name, address: endpoint.address, network: network,
                                       bindings: container.ports).map { [$0] } ?? []
    }

    /// A Linux bridge numbers its ports 1...BR_MAX_PORTS-1 (1024 - 1, port 0 is reserved): the
    /// next enslaving fails with EXFULL, which libnl reports as "Unspecific failure".
    public static let maxPortsPerBridge = 1023

    static func makeEndpoint(container: ContainerRecord, network: NetworkRecord, used: Set<IPv4Address>,
                             requestedIP: IPv4Address?, aliases: [String], endpointID: ObjectID) throws -> Endpoint {
        guard let subnet = network.subnet, let gateway = network.gateway else {
            throw IPAMError.networkFull(network: network.name, range: "no subnet")
        }
        // Every endpoint holds one address and one port of the bridge.
        guard used.count < maxPortsPerBridge else {
            throw PlanningError.bridgePortLimit(network: network.name, bridge: network.bridgeName)
        }
        let addressing = Addressing(subnet: subnet, gateway: gateway, ipRange: network.ipRange,
                                    auxAddresses: network.auxAddresses)
        let address = try IPAM.allocate(in: addressing, used: used, requested: requestedIP, networkName: network.name)
        let taken = Set(container.endpoints.map(\.interfaceName))
        guard let index = (0..<100).first(where: { !taken.contains("eth\($0)") }) else {
            throw PlanningError.tooManyInterfaces(container.name)
        }
        return Endpoint(networkID: network.id, endpointID: endpointID, interfaceName: "eth\(index)",
                        hostInterfaceName: hostInterfaceName(container: container.id, index: index),
                        address: address, prefixLength: subnet.prefixLength, gateway: gateway,
                        mac: MACAddress(derivedFrom: address), aliases: aliases,
                        staticAddress: requestedIP != nil)
    }

    /// `veth` + 7 hex of the container ID + the interface index: unique per container interface,
    /// at most 13 bytes, and traceable back to its container from `ip link`.
    public static func hostInterfaceName(container: ObjectID, index: Int) -> String {
        "veth\(container.hex.prefix(7))\(index)"
    }

    /// The veth is born with its peer already inside the namespace: moving an existing device
    /// between namespaces costs ~18 ms of RCU wait, creating it there costs nothing extra.
    /// The host end is born down and gets IPv6 switched off before it comes up: an IPv6-enabled
    /// port would add link-local routes to the host's IPv6 table, and every later change walks
    /// that table, so each create would cost more than the one before.
    static func endpointSteps(_ endpoint: Endpoint, container: String, network: NetworkRecord) -> [Step] {
        [
            .createVethPair(host: endpoint.hostInterfaceName, peer: endpoint.interfaceName, namespace: container,
                            master: network.bridgeName, mtu: network.options.mtu, peerMAC: endpoint.mac,
                            alias: LinkMark.container(container)),
            .disableIPv6(link: endpoint.hostInterfaceName),
            .setLinkUp(link: endpoint.hostInterfaceName, namespace: nil),
            .addAddress(endpoint.interfaceAddress, link: endpoint.interfaceName, namespace: container),
            .setLinkUp(link: endpoint.interfaceName, namespace: container),
        ]
    }

    /// The endpoint whose gateway is the default route: the first attached non-internal network.
    public static func defaultRouteEndpoint(_ container: ContainerRecord, networks: [NetworkRecord]) -> Endpoint? {
        container.endpoints.first { endpoint in
            networks.first(where: { $0.id == endpoint.networkID }).map { !$0.isInternal } ?? false
        }
    }

    /// Containers on a user-defined network resolve names through the embedded DNS; the default
    /// bridge gives no names, as in Docker.
    public static func usesEmbeddedDNS(_ container: ContainerRecord, networks: [NetworkRecord]) -> Bool {
        container.mode == .bridged && container.endpoints.contains { endpoint in
            networks.first(where: { $0.id == endpoint.networkID })?.kind == .user
        }
    }

    static func etcFileSteps(_ record: ContainerRecord, hostResolver: EtcFiles.ResolverConfig, embeddedDNS: Bool) -> [Step] {
        let name = record.name
        return [
            .createDirectory(path: EtcFiles.directory(for: name)),
            .writeFile(path: EtcFiles.hostnamePath(for: name), contents: EtcFiles.hostname(for: record), previous: nil),
            .writeFile(path: EtcFiles.hostsPath(for: name),
                       contents: EtcFiles.hosts(for: record, gatewayOfFirstNetwork: record.endpoints.first?.gateway),
                       previous: nil),
            .writeFile(path: EtcFiles.resolvConfPath(for: name),
                       contents: EtcFiles.resolvConf(host: hostResolver, dns: record.dns, dnsSearch: record.dnsSearch,
                                                     embedded: embeddedDNS),
                       previous: nil),
        ]
    }

    /// Rewrites resolv.conf when attaching or detaching flips the container between the
    /// embedded resolver and copied upstreams.
    static func resolvConfStep(_ updated: ContainerRecord, previous: ContainerRecord, networks: [NetworkRecord],
                               hostResolver: EtcFiles.ResolverConfig) -> Step? {
        let before = usesEmbeddedDNS(previous, networks: networks)
        let after = usesEmbeddedDNS(updated, networks: networks)
        guard before != after else { return nil }
        func text(_ record: ContainerRecord, _ embedded: Bool) -> String {
            EtcFiles.resolvConf(host: hostResolver, dns: record.dns, dnsSearch: record.dnsSearch, embedded: embedded)
        }
        return .writeFile(path: EtcFiles.resolvConfPath(for: updated.name), contents: text(updated, after),
                          previous: text(previous, before))
    }

    static func hostsFileStep(_ updated: ContainerRecord, previous: ContainerRecord) -> Step {
        .writeFile(path: EtcFiles.hostsPath(for: updated.name),
                   contents: EtcFiles.hosts(for: updated, gatewayOfFirstNetwork: updated.endpoints.first?.gateway),
                   previous: EtcFiles.hosts(for: previous, gatewayOfFirstNetwork: previous.endpoints.first?.gateway))
    }
}
