import Glibc
import BridgeModel
import Planning
import HostSystem

extension Session {
    public func createContainer(_ request: ContainerCreateRequest, networks references: [String],
                                dryRun: Bool) throws -> (ContainerRecord, Plan) {
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
        let (record, created) = try ContainerPlanner.create(request, id: .random(), created: Clock.rfc3339Now(), mode: mode,
                                                         targets: targets, hostResolver: hostResolver(),
                                                         makeID: { .random() })
        var plan = created
        plan.steps = prelude + plan.steps
        try run(plan, dryRun: dryRun)
        return (record, plan)
    }

    public func removeContainer(_ reference: String, force: Bool, dryRun: Bool) throws -> (ContainerRecord, Plan) {
        let record = try container(reference)
        Timing.mark("load container record")
        if !force, record.mode != .host {
            let running = try NamespaceProcesses.pids(inNamespaceAt: NetworkNamespace.path(record.name))
            if !running.isEmpty { throw PlanningError.containerRunning(record.name, processes: running.count) }
        }
        let plan = try removalPlan(for: record, killProcesses: force)
        Timing.mark("plan")
        try run(plan, dryRun: dryRun)
        return (record, plan)
    }

    func removalPlan(for record: ContainerRecord, killProcesses: Bool) throws -> Plan {
        var plan = ContainerPlanner.remove(record, killProcesses: killProcesses)
        let bookkeeping = plan.steps.firstIndex(where: \.isBookkeeping) ?? plan.steps.endIndex
        plan.steps.insert(contentsOf: try defaultBridgeDeactivation(leaving: [record]), at: bookkeeping)
        return plan
    }

    /// Containers with no process running inside (Docker prunes stopped containers).
    public func idleContainers() throws -> [ContainerRecord] {
        try containers().filter { record in
            if record.mode == .host { return true }
            return try NamespaceProcesses.pids(inNamespaceAt: NetworkNamespace.path(record.name)).isEmpty
        }
    }

    /// Starts `arguments` inside the container as `ip netns exec` would; returns the child's pid.
    /// The store's lock is released first: a long-running command must not block other commands.
    public func spawn(in record: ContainerRecord, arguments: [String], environment: [String],
                      detached: Bool, logPath: String? = nil) throws -> pid_t {
        releaseLock()
        let options = NamespaceExec.Options(environment: environment, detached: detached, logPath: logPath)
        if record.mode == .host {
            return try NamespaceExec.spawnHere(arguments: arguments, options: options)
        }
        return try NamespaceExec.spawn(namespace: record.name, etcDirectory: EtcFiles.directory(for: record.name),
                                       arguments: arguments, options: options)
    }
}
