import BridgeModel
import Planning
import HostSystem

extension Session {
    public func createNetwork(_ request: NetworkCreateRequest, dryRun: Bool) throws -> (NetworkRecord, Plan) {
        // One link dump serves both the bridge-name check and, without --subnet, IPAM's claims.
        let snapshot = try observeHost(request.subnet == nil ? [.hostLinks, .hostAddresses, .hostRoutes] : [.hostLinks])
        let hostLinks = Set(snapshot.host.links.map(\.name))
        let claims = request.subnet == nil ? snapshot.subnetClaims : []
        let id = ObjectID.random()
        let placeholder = NetworkRecord(id: id, name: request.name, kind: .user, created: "", bridgeName: "")
        let firewall = try firewallContext(for: placeholder, .activating)
        var (record, plan) = try NetworkPlanner.create(request, id: id, created: Clock.rfc3339Now(),
                                                       existing: try networks(), hostClaims: claims, hostLinks: hostLinks,
                                                       firewall: firewall,
                                                       isLocalAddress: { PortProbe.isLocalAddress($0.value) })
        if let change = try settingsChange(for: firewall) { plan.steps.append(change) }
        try run(plan, dryRun: dryRun)
        return (record, plan)
    }

    public func removeNetwork(_ reference: String, dryRun: Bool) throws -> (NetworkRecord, Plan) {
        let record: NetworkRecord
        do {
            record = try network(reference)
        } catch EngineError.networkNotFound(let missing) {
            guard let corrupt = try unreadableNetwork(reference) else { throw EngineError.networkNotFound(missing) }
            return try removeUnreadableNetwork(corrupt, dryRun: dryRun)
        }
        let found = try attachedContainers(record)
        let attached = found.readable.map(\.name) + found.unreadable
        let plan = try NetworkPlanner.remove(record, attachedContainers: attached,
                                             firewall: try firewallContext(for: record, .deactivating))
        try run(plan, dryRun: dryRun)
        return (record, plan)
    }

    /// User networks with no container attached.
    public func unusedNetworks() throws -> [NetworkRecord] {
        try networks().filter { network in
            guard network.kind == .user else { return false }
            return try store.usedAddresses(network: network.id).isEmpty
        }
    }

    public func connect(network reference: String, container containerReference: String, requestedIP: IPv4Address?,
                        aliases: [String], dryRun: Bool) throws -> Plan {
        var network = try network(reference)
        let container = try container(containerReference)
        guard network.isBridged else { throw PlanningError.specialNetworkMix(network.name) }
        var steps: [Step] = []
        if network.kind == .defaultBridge {
            (network, steps) = try defaultBridgeActivation(network)
        }
        let target = AttachTarget(network: network, usedAddresses: try store.usedAddresses(network: network.id))
        var known = Dictionary(uniqueKeysWithValues: try networks().map { ($0.id, $0) })
        known[network.id] = network
        let (_, connectPlan) = try ContainerPlanner.connect(container, to: target, requestedIP: requestedIP, aliases: aliases,
                                                            endpointID: .random(), networks: known,
                                                            hostResolver: hostResolver())
        var plan = connectPlan
        plan.steps = steps + plan.steps
        try run(plan, dryRun: dryRun)
        if !dryRun { followInResolver(container.id, removed: false) }
        return plan
    }

    public func disconnect(network reference: String, container containerReference: String, dryRun: Bool) throws -> Plan {
        let container = try container(containerReference)
        let plan = try disconnectPlan(container, from: try network(reference))
        try run(plan, dryRun: dryRun)
        if !dryRun { followInResolver(container.id, removed: false) }
        return plan
    }

    func disconnectPlan(_ container: ContainerRecord, from network: NetworkRecord) throws -> Plan {
        let known = Dictionary(uniqueKeysWithValues: try networks().map { ($0.id, $0) })
        var (_, plan) = try ContainerPlanner.disconnect(container, from: network, networks: known, hostResolver: hostResolver())
        let bookkeeping = plan.steps.firstIndex(where: \.isBookkeeping) ?? plan.steps.endIndex
        plan.steps.insert(contentsOf: try defaultBridgeDeactivation(leaving: [container]), at: bookkeeping)
        return plan
    }

    /// The default bridge's device exists only while a container uses it: made on first use.
    func defaultBridgeActivation(_ network: NetworkRecord) throws -> (NetworkRecord, [Step]) {
        if network.subnet != nil, try hostLinkExists(network.bridgeName) { return (network, []) }
        let others = try networks().filter { $0.id != network.id }
        let firewall = try firewallContext(for: network, .activating)
        var (activated, steps) = try NetworkPlanner.activateDefaultBridge(network, otherNetworks: others, hostClaims: try hostClaims(),
                                                                          firewall: firewall)
        if let change = try settingsChange(for: firewall) { steps.append(change) }
        return (activated, steps)
    }

    /// ...and removed with the last container that leaves it.
    /// Looks at the default bridge's record only when a leaving container is on it.
    func defaultBridgeDeactivation(leaving containers: [ContainerRecord]) throws -> [Step] {
        guard let bridgeID = builtinIDs["bridge"] else { return [] }
        let leaving = Set(containers.compactMap { $0.endpoint(on: bridgeID)?.address })
        guard !leaving.isEmpty, let bridge = try store.network(id: bridgeID) else { return [] }
        let remaining = try store.usedAddresses(network: bridge.id).subtracting(leaving)
        guard remaining.isEmpty else { return [] }
        return NetworkPlanner.deactivationSteps(for: bridge, firewall: try firewallContext(for: bridge, .deactivating))
    }
}
