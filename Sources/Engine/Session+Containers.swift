import Glibc
import BridgeModel
import Planning
import Nftables
import HostSystem
import State

extension Session {
    public func createContainer(_ request: ContainerCreateRequest, networks references: [String],
                                publish: [PublishSpec] = [], dryRun: Bool) throws -> (ContainerRecord, Plan) {
        try Names.validateObjectName(request.name, kind: "container")
        if try store.containerID(named: request.name) != nil { throw PlanningError.containerNameTaken(request.name) }
        if NetworkNamespace.exists(request.name) { throw PlanningError.namespaceExists(request.name) }

        let resolved = try (references.isEmpty ? ["bridge"] : references).map { try network($0) }
        let mode: ContainerRecord.NetworkMode
        if let special = resolved.first(where: { !$0.isBridged }) {
            guard resolved.count == 1 else { throw PlanningError.specialNetworkMix(special.name) }
            mode = special.kind == .host ? .host : .none
        } else {
            mode = .bridged
        }
        var seen = Set<ObjectID>()
        var prelude: [Step] = []
        var targets: [AttachTarget] = []
        for var network in resolved where network.isBridged {
            guard seen.insert(network.id).inserted else {
                throw PlanningError.alreadyConnected(container: request.name, network: network.name)
            }
            if network.kind == .defaultBridge {
                let activation = try defaultBridgeActivation(network)
                network = activation.0
                prelude += activation.1
            }
            targets.append(AttachTarget(network: network, usedAddresses: try store.usedAddresses(network: network.id)))
        }
        Timing.mark("networks resolved")
        var request = request
        if !publish.isEmpty {
            // The network carrying the default route is the one ports forward to; its
            // host_binding_ipv4 is the default host address.
            guard let published = targets.first(where: { !$0.network.isInternal })?.network else {
                if let first = targets.first { throw PortError.internalNetwork(first.network.name) }
                throw PortError.noNetworkToPublishOn(request.name)
            }
            try HostAddressCheck.checkPublish(publish, network: published, isLocal: { PortProbe.isLocalAddress($0.value) })
            request.ports = try resolvePorts(publish, defaultHostIP: published.options.hostBindingIPv4)
            Timing.mark("published ports resolved")
        }
        let (record, created) = try ContainerPlanner.create(request, id: .random(), created: Clock.rfc3339Now(), mode: mode,
                                                         targets: targets, hostResolver: hostResolver(),
                                                         makeID: { .random() })
        Timing.mark("planned")
        var plan = created
        plan.steps = prelude + plan.steps
        try run(plan, dryRun: dryRun)
        if !dryRun { try attachToResolver(record) }
        return (record, plan)
    }

    public func removeContainer(_ reference: String, force: Bool, dryRun: Bool) throws -> (ContainerRecord, Plan) {
        let record: ContainerRecord
        switch try lookUpContainer(reference) {
        case .readable(let found): record = found
        case .unreadable(let corrupt): return try removeUnreadableContainer(corrupt, force: force, dryRun: dryRun)
        }
        Timing.mark("load container record")
        if !force, record.mode != .host {
            let running = try NamespaceProcesses.pids(inNamespaceAt: NetworkNamespace.path(record.name))
            if !running.isEmpty { throw PlanningError.containerRunning(record.name, processes: running.count) }
        }
        let plan = try removalPlan(for: record, killProcesses: force)
        Timing.mark("plan")
        try run(plan, dryRun: dryRun)
        if !dryRun { followInResolver(record.id, removed: true) }
        return (record, plan)
    }

    func removalPlan(for record: ContainerRecord, killProcesses: Bool) throws -> Plan {
        let publishedNetwork = try record.publishedNetwork.flatMap { try store.network(id: $0) }
        var plan = ContainerPlanner.remove(record, killProcesses: killProcesses, publishedNetwork: publishedNetwork)
        let bookkeeping = plan.steps.firstIndex(where: \.isBookkeeping) ?? plan.steps.endIndex
        plan.steps.insert(contentsOf: try defaultBridgeDeactivation(leaving: [record]), at: bookkeeping)
        return plan
    }

    /// A container whose record cannot be read goes with whatever can be found of it; the
    /// returned record is what was salvaged (its ID, and its name when the index has it).
    func removeUnreadableContainer(_ corrupt: CorruptRecord, force: Bool, dryRun: Bool) throws -> (ContainerRecord, Plan) {
        if !force, let name = corrupt.name, NetworkNamespace.exists(name), !namespaceIsHost(name) {
            let running = try NamespaceProcesses.pids(inNamespaceAt: NetworkNamespace.path(name))
            if !running.isEmpty { throw PlanningError.containerRunning(name, processes: running.count) }
        }
        let plan = try removalPlan(forUnreadable: corrupt, killProcesses: force)
        try run(plan, dryRun: dryRun)
        if !dryRun { followInResolver(corrupt.id, removed: true) }
        let salvaged = ContainerRecord(id: corrupt.id, name: corrupt.name ?? corrupt.id.short, created: "",
                                       hostname: "", mode: .none)
        return (salvaged, plan)
    }

    func removalPlan(forUnreadable corrupt: CorruptRecord, killProcesses: Bool) throws -> Plan {
        var salvaged = ContainerPlanner.salvagedRecord(
            id: corrupt.id, name: corrupt.name, namespaceIsHost: corrupt.name.map(namespaceIsHost) ?? false,
            addresses: try store.addressClaims(heldBy: corrupt.id), ports: try store.portClaims(heldBy: corrupt.id))
        if try store.runtimeContainerIDs().contains(corrupt.id) {
            // A runtime's (the index says so, the record cannot): removed as DEL would, its
            // processes and namespace left to the runtime.
            salvaged.runtime = RuntimeAttachment(containerID: "", ifName: "", netnsPath: "")
        }
        var owned: Step?
        switch try hostFirewallBackend() {
        case .iptables:
            let observed = try? firewallDriver.readRules()
            let rules = corrupt.name.flatMap { name in observed.map { FirewallPlanner.rulesOwned(byContainer: name, in: $0) } } ?? []
            owned = rules.isEmpty ? nil : .applyRules(RuleBatch(rules))
        case .nftables:
            // Its elements lead to the address it still claims: the table is read for them (a
            // rare path; the create and remove paths never read it).
            if !salvaged.ports.isEmpty {
                let observed = try NftTableReader().read()
                let ops = salvaged.endpoints.flatMap { NftPlanner.publishedElements(leadingTo: $0.address, in: observed) }
                owned = ops.isEmpty ? nil : .applyNftables(NftBatch(ops))
            }
        }
        var plan = ContainerPlanner.removeUnreadable(salvaged, ownedFirewall: owned, killProcesses: killProcesses)
        let bookkeeping = plan.steps.firstIndex(where: \.isBookkeeping) ?? plan.steps.endIndex
        plan.steps.insert(contentsOf: try defaultBridgeDeactivation(leaving: [salvaged]), at: bookkeeping)
        return plan
    }

    /// A `--network host` container's name is a bind mount of the host's own namespace: its
    /// "processes" are every process on the host.
    func namespaceIsHost(_ name: String) -> Bool {
        guard let inode = Files.inode(NetworkNamespace.path(name)) else { return false }
        return inode == Files.inode("/proc/self/ns/net")
    }

    /// Concrete host ports for `-p` specs: fixed ones must be free, random ones are chosen free
    /// from the kernel's ephemeral range. Free means no bridgectl container publishes it and no
    /// host process listens on it.
    /// The host addresses are known to be the host's (HostAddressCheck).
    func resolvePorts(_ specs: [PublishSpec], defaultHostIP: IPv4Address) throws -> [PortBinding] {
        let ephemeral = ephemeralPortRange()
        return try PortAllocator.resolve(
            specs, defaultHostIP: defaultHostIP, ephemeralRange: ephemeral,
            randomStart: { UInt16.random(in: $0) },
            conflict: { binding in
                let claims = (try? self.store.portClaims(transport: binding.transport, overlapping: binding.hostPorts)) ?? []
                for claim in claims {
                    let claimed = PortBinding(hostIP: claim.hostIP, hostPorts: claim.hostPorts, containerPorts: claim.hostPorts,
                                              transport: binding.transport)
                    guard let port = binding.firstSharedHostPort(with: claimed) else { continue }
                    let name = (try? self.store.container(id: claim.container))?.name ?? claim.container.short
                    return PortConflict(hostPort: port, holder: "container '\(name)'")
                }
                guard let held = PortProbe.firstHeld(udp: binding.transport == .udp, address: binding.hostIP.value,
                                                     ports: binding.hostPorts) else { return nil }
                switch held.holder {
                case .free: return nil
                case .hostProcess, .notLocal: return PortConflict(hostPort: held.port, holder: "a host process")
                }
            })
    }

    /// net.ipv4.ip_local_port_range, or Docker's fallback when unreadable.
    func ephemeralPortRange() -> ClosedRange<UInt16> {
        if let text = try? Sysctl.read("net.ipv4.ip_local_port_range") {
            let bounds = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt16($0) }
            if bounds.count == 2, bounds[0] <= bounds[1] { return bounds[0]...bounds[1] }
        }
        return 49153...65535
    }

    /// Containers with no process running inside (Docker prunes stopped containers). A
    /// runtime's container is the runtime's to remove (its DEL or GC), running or not.
    public func idleContainers() throws -> [ContainerRecord] {
        try containers().filter { record in
            if record.runtime != nil { return false }
            if record.mode == .host { return true }
            return try NamespaceProcesses.pids(inNamespaceAt: NetworkNamespace.path(record.name)).isEmpty
        }
    }

    /// The PIDs of the processes inside a container (none for a host-network one: those are
    /// the host's).
    public func processes(in record: ContainerRecord) throws -> [pid_t] {
        record.mode == .host ? [] : try NamespaceProcesses.pids(inNamespaceAt: NetworkNamespace.path(record.name))
    }

    public enum Execution: Sendable {
        case started(pid_t)
        /// The exit status, as a shell reports it (128 + signal for a killed command).
        case exited(Int32)
    }

    /// Runs `arguments` inside the container as `ip netns exec` would: detached (its PID), or
    /// waited for (its status). A resolver that died is brought back first, since name
    /// resolution is about to be needed. The store's lock is released before the command
    /// starts: a long-running command must not block other commands.
    public func execute(in record: ContainerRecord, arguments: [String], environment: [String],
                        detached: Bool) throws -> Execution {
        if record.mode == .bridged { followInResolver(record.id, removed: false) }
        releaseLock()
        let options = NamespaceExec.Options(environment: environment, detached: detached)
        let pid = record.mode == .host
            ? try NamespaceExec.spawnHere(arguments: arguments, options: options)
            // A runtime's container has the runtime's /etc files in its own mount namespace,
            // none under /etc/netns.
            : try NamespaceExec.spawn(namespace: record.name,
                                      etcDirectory: record.runtime == nil ? EtcFiles.directory(for: record.name) : nil,
                                      arguments: arguments, options: options)
        return detached ? .started(pid) : .exited(try NamespaceExec.wait(for: pid))
    }
}
