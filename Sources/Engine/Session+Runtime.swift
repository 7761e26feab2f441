import Glibc
import BridgeModel
import Planning
import HostSystem
import State

/// The CNI plugin's verbs on the engine. A runtime's container is an ordinary container record
/// with `runtime` set (see ContainerPlanner.createRuntime): everything that works by name works
/// on it. The session's exclusive store lock serialises parallel ADDs and DELs.
extension Session {
    /// ADD: attaches the runtime's namespace to the network named in the config, creating the
    /// network from the config the first time. An earlier attachment with the same key whose
    /// namespace is gone (the runtime dropped it without a DEL, or the host rebooted) is
    /// removed first, as a runtime restarting a container would expect; a live one is an error.
    public func attachRuntimeContainer(_ request: RuntimeAttachRequest) throws -> (ContainerRecord, NetworkRecord) {
        let attachment = request.attachment
        let idBytes = attachment.containerID.utf8
        guard !idBytes.isEmpty, idBytes.count <= 1024, !idBytes.contains(where: { $0 < 0x20 || $0 == 0x7f }) else {
            throw EngineError.invalidRuntimeContainerID(attachment.containerID)
        }
        try Names.validateInterfaceName(attachment.ifName)
        do {
            try NetworkNamespace.checkIsNetworkNamespace(attachment.netnsPath)
        } catch {
            throw EngineError.runtimeNamespaceUnusable(path: attachment.netnsPath, reason: Self.reason(error))
        }
        // A config contradicting the network is the caller's error whatever else is wrong.
        let existing = try existingRuntimeNetwork(request.network)
        let namespace = NetworkNamespace.identity(atPath: attachment.netnsPath)
        for record in try runtimeContainers(attachedAs: (attachment.containerID, attachment.ifName), orHolding: namespace) {
            guard let runtime = record.runtime else { continue }
            let sameKey = runtime.matches(containerID: attachment.containerID, ifName: attachment.ifName)
            let mounted = NetworkNamespace.identity(named: record.name)
            guard sameKey || (namespace != nil && mounted == namespace) else { continue }
            if runtimeNamespaceIsGone(record) {
                try removeRuntimeContainer(record)
                continue
            }
            if sameKey {
                throw PlanningError.runtimeAttachmentExists(containerID: runtime.containerID, ifName: runtime.ifName, container: record.name)
            }
            throw PlanningError.runtimeNamespaceAttached(path: attachment.netnsPath, container: record.name,
                                                         containerID: runtime.containerID, ifName: runtime.ifName)
        }
        Timing.mark("runtime attachments checked")
        var createdNetwork: NetworkRecord?
        let network: NetworkRecord
        if let existing {
            network = existing
        } else {
            (network, _) = try createNetwork(request.network, dryRun: false)
            createdNetwork = network
        }
        do {
            let record = try attach(request, to: network)
            return (record, network)
        } catch {
            // A failed ADD leaves nothing behind, the network it made included.
            if let createdNetwork { _ = try? removeNetwork(createdNetwork.id.hex, dryRun: false) }
            throw error
        }
    }

    private func attach(_ request: RuntimeAttachRequest, to network: NetworkRecord) throws -> ContainerRecord {
        let name = ContainerPlanner.runtimeContainerName(requested: request.name, containerID: request.attachment.containerID) { name in
            ((try? self.store.containerID(named: name)) ?? nil) != nil || NetworkNamespace.exists(name)
        }
        var ports: [PortBinding] = []
        if !request.ports.isEmpty {
            guard !network.isInternal else { throw PortError.internalNetwork(network.name) }
            let specs = request.ports.map { binding in
                PublishSpec(hostIP: binding.hostIP == .any ? nil : binding.hostIP, hostPorts: binding.hostPorts,
                            containerPorts: binding.containerPorts, transport: binding.transport)
            }
            try HostAddressCheck.checkPublish(specs, network: network, isLocal: { PortProbe.isLocalAddress($0.value) })
            ports = try resolvePorts(specs, defaultHostIP: network.options.hostBindingIPv4)
        }
        let target = AttachTarget(network: network, usedAddresses: try store.usedAddresses(network: network.id))
        let (record, plan) = try ContainerPlanner.createRuntime(
            name: name, attachment: request.attachment, target: target, requestedIP: request.staticIP, mac: request.mac,
            aliases: request.aliases, ports: ports, id: .random(), created: Clock.rfc3339Now(), endpointID: .random())
        Timing.mark("planned")
        try run(plan, dryRun: false)
        try attachToResolver(record)
        Timing.mark("resolver serves it")
        return record
    }

    /// The network a CNI config names, when it exists and agrees with the config.
    func existingRuntimeNetwork(_ request: NetworkCreateRequest) throws -> NetworkRecord? {
        guard let existing = try networks().first(where: { $0.name == request.name }) else { return nil }
        if let reason = try NetworkPlanner.cniConflict(existing: existing, request: request) {
            throw EngineError.cniNetworkConflict(name: request.name, reason: reason)
        }
        return existing
    }

    /// DEL: idempotent. An unknown attachment is already detached; a namespace already gone
    /// still has its host veth, rules, claims and record removed.
    public func detachRuntimeContainer(containerID: String, ifName: String) throws {
        guard let record = try runtimeContainer(containerID: containerID, ifName: ifName) else { return }
        Timing.mark("runtime attachment found")
        try removeRuntimeContainer(record)
    }

    /// CHECK: what differs between the attachment and the host (link, address, route, rules,
    /// resolver, and whether the runtime's namespace is still the one attached); empty when
    /// all is as created.
    public func checkRuntimeContainer(containerID: String, ifName: String) throws -> [Drift] {
        guard let record = try runtimeContainer(containerID: containerID, ifName: ifName) else {
            throw EngineError.containerNotFound("\(containerID) (\(ifName))")
        }
        return try reviewHost(scope: .container(record.name)).drifts.filter { !$0.kind.isPastEvent }
    }

    /// GC: removes the runtime containers whose (containerID, ifName) is not in `valid`; only
    /// those on `network` when it is given (CNI's GC is per network config: a runtime lists
    /// the attachments of that network only). bridgectl's own containers are never touched.
    /// Returns the names removed.
    public func collectRuntimeGarbage(keeping valid: [(containerID: String, ifName: String)],
                                      network: String? = nil) throws -> [String] {
        let keep = Set(valid.map { Self.attachmentKey($0.containerID, $0.ifName) })
        var networkID: ObjectID?
        if let network {
            guard let found = try networks().first(where: { $0.name == network }) else { return [] }
            networkID = found.id
        }
        var removed: [String] = []
        for record in try runtimeContainers() {
            guard let runtime = record.runtime, !keep.contains(Self.attachmentKey(runtime.containerID, runtime.ifName)) else { continue }
            if let networkID, record.endpoint(on: networkID) == nil { continue }
            try removeRuntimeContainer(record)
            removed.append(record.name)
        }
        return removed
    }

    /// STATUS: nil when an ADD on this config could succeed; otherwise why not (the network's
    /// settings contradict the config, its pool is exhausted, the firewall tool is missing).
    public func runtimeReadiness(network request: NetworkCreateRequest) throws -> String? {
        let existing: NetworkRecord?
        do {
            existing = try existingRuntimeNetwork(request)
        } catch let error as EngineError {
            return error.message
        }
        let backend = try existing?.firewall ?? requestedFirewall ?? hostFirewallBackend()
        if backend == .iptables {
            for tool in ["iptables-restore", "iptables-save"] where Self.findExecutable(tool) == nil {
                return "\(tool) is not installed (the iptables firewall backend needs it; searched \(Self.toolDirectories.joined(separator: ":")))"
            }
        }
        guard let existing else { return nil }
        return ContainerPlanner.attachBlocker(network: existing, used: try store.usedAddresses(network: existing.id))
    }

    // MARK: Pieces

    /// The directories bridgectl's subprocesses search (Subprocess's PATH).
    static let toolDirectories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    static func findExecutable(_ tool: String) -> String? {
        toolDirectories.map { "\($0)/\(tool)" }.first { access($0, X_OK) == 0 }
    }

    static func attachmentKey(_ containerID: String, _ ifName: String) -> String { "\(containerID)\u{0}\(ifName)" }

    static func reason(_ error: any Error) -> String {
        if let error = error as? SystemError { return String(cString: strerror(error.code)).lowercased() }
        return "\(error)"
    }

    /// Every readable runtime container record: only theirs are decoded (the store's runtime
    /// index), so a GC costs the same beside 1000 containers of bridgectl's own.
    func runtimeContainers() throws -> [ContainerRecord] {
        try store.runtimeContainerIDs().compactMap { id in
            if case .readable(let record)? = try loadContainer(id), record.runtime != nil { return record }
            return nil
        }
    }

    func runtimeContainer(containerID: String, ifName: String) throws -> ContainerRecord? {
        try runtimeContainers(attachedAs: (containerID, ifName), orHolding: nil).first {
            $0.runtime?.matches(containerID: containerID, ifName: ifName) ?? false
        }
    }

    /// The readable runtime container records that are the attachment `key` or whose mount
    /// holds `namespace`: the key index names the first, and the mounts under /run/netns holding
    /// the namespace (stat only) name the others, so only those records are decoded. Without a
    /// key index to trust, the runtime index entries say which, and those written before
    /// entries named the attachment are decoded.
    func runtimeContainers(attachedAs key: (containerID: String, ifName: String),
                           orHolding namespace: NetworkNamespace.Identity?) throws -> [ContainerRecord] {
        func holds(_ name: String) -> Bool { namespace != nil && NetworkNamespace.identity(named: name) == namespace }
        func isKey(_ runtime: RuntimeAttachment?) -> Bool { runtime?.matches(containerID: key.containerID, ifName: key.ifName) ?? false }
        func wanted(_ id: ObjectID) throws -> ContainerRecord? {
            guard case .readable(let record)? = try loadContainer(id), record.runtime != nil,
                  isKey(record.runtime) || holds(record.name) else { return nil }
            return record
        }
        func byEntries() throws -> [ContainerRecord] {
            try store.runtimeIndex().compactMap { id, entry in
                if let entry, !entry.matches(containerID: key.containerID, ifName: key.ifName), !holds(entry.name) { return nil }
                return try wanted(id)
            }
        }
        guard case .indexed(let keyed) = try store.runtimeContainerID(attachedAs: key.containerID, ifName: key.ifName) else {
            return try byEntries()
        }
        var found: [ContainerRecord] = []
        if let keyed {
            // An index naming a record that says otherwise is not trusted: the entries decide.
            guard let record = try wanted(keyed), isKey(record.runtime) else { return try byEntries() }
            found.append(record)
        }
        if namespace != nil {
            for name in try Files.list(NetworkNamespace.runDirectory) where holds(name) {
                guard let id = try store.containerID(named: name), !found.contains(where: { $0.id == id }),
                      let record = try wanted(id) else { continue }
                found.append(record)
            }
        }
        return found
    }

    func removeRuntimeContainer(_ record: ContainerRecord) throws {
        try run(try removalPlan(for: record, killProcesses: false), dryRun: false)
        followInResolver(record.id, removed: true)
        Timing.mark("resolver let go")
    }

    /// Whether the runtime's own namespace is gone, or is another one now, while bridgectl's
    /// mount may still keep the old one (and the endpoint in it) alive.
    func runtimeNamespaceIsGone(_ record: ContainerRecord) -> Bool {
        guard let runtime = record.runtime else { return false }
        guard let mounted = NetworkNamespace.identity(named: record.name) else { return true }
        return NetworkNamespace.identity(atPath: runtime.netnsPath) != mounted
    }

    /// One drift per runtime container whose namespace the runtime dropped but bridgectl's
    /// mount still holds (a missing mount is reported as a missing namespace).
    func runtimeNamespaceDrifts(_ containers: [ContainerRecord]) -> [Drift] {
        containers.compactMap { record in
            guard let runtime = record.runtime, NetworkNamespace.identity(named: record.name) != nil,
                  runtimeNamespaceIsGone(record) else { return nil }
            return Drift(owner: .container(record.name), kind: .runtimeNamespaceGone(namespace: record.name, path: runtime.netnsPath))
        }
    }
}
