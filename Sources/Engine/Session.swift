import BridgeModel
import Planning
import State
import HostSystem
import ResolverControl

/// One bridgectl invocation's view of the world: the locked store, the live kernel and the
/// helpers every command needs (look-ups, applying or printing plans).
public final class Session {
    public let store: StateStore
    let kernel: LiveKernel
    let applier: Applier
    private var lock: FileLock?
    private var cachedNetworks: [NetworkRecord]?
    /// IDs of the built-in networks by name ("bridge", "host", "none").
    private(set) var builtinIDs: [String: ObjectID] = [:]
    /// Things the command should tell the user about though it succeeded.
    public internal(set) var warnings: [String] = []
    /// This command found the resolver dead (killed whole) and started it again: doctor says so.
    private(set) var resolverWasRestarted = false
    /// Plans a killed bridgectl left in the journal that this command finished: doctor says so.
    private(set) var finishedInterruptedPlans = 0
    /// The firewall backend asked for (`--firewall`, BRIDGECTL_FIREWALL); networks activated by
    /// this command get it, if the host can switch (see `firewallContext`).
    public var requestedFirewall: FirewallBackend?

    /// Mutating sessions hold the store's lock exclusively (serialising concurrent commands) and
    /// first finish whatever a killed bridgectl left half-done. Read-only ones share it.
    /// A `dryRun` session writes nothing at all, not even on a fresh host: it reads the store
    /// if there is one (under a shared lock), creates no layout, no lock file and no built-in
    /// records (it imagines them), and leaves an interrupted plan for the next real command.
    public init(root: String, mutating: Bool, dryRun: Bool = false, failAtStep: Int? = nil) throws {
        store = StateStore(root: root)
        kernel = LiveKernel(store: store)
        applier = Applier(store: store, executor: kernel, failAtStep: failAtStep)
        if dryRun {
            // The lock file is part of the layout: where the layout exists, locking creates nothing.
            if Files.exists(store.journalDirectory) { lock = try store.lock(exclusive: false) }
            try imagineBuiltinNetworks()
            return
        }
        lock = try store.lock(exclusive: mutating)
        // A reader that finds an interrupted plan finishes it first, so no command ever shows
        // a half-made or half-removed container.
        var exclusive = mutating
        let interrupted = try store.hasInterruptedChanges()
        if !exclusive, interrupted {
            lock = nil
            lock = try store.lock(exclusive: true)
            exclusive = true
        }
        // A killed writer's temporary files go before anything reads the store again.
        if interrupted { try store.removeTemporaryFiles() }
        // Built-ins first: finishing a removal may need to know which network is the default bridge.
        try ensureBuiltinNetworks(mutating: exclusive)
        if interrupted {
            let recovered = try Recovery.run(store: store, executor: kernel) { intent in try self.finishRemoval(intent) }
            finishedInterruptedPlans = recovered
            // After recovery: an undone creation's namespace is gone, so its /etc/netns folder
            // can be told from one of a namespace someone else made.
            try CrashLeftovers.removeEtcFiles { name in try self.store.containerID(named: name) != nil }
            // The resolver may still hold sockets in namespaces an interrupted command removed
            // (with none left to serve, it stops by itself).
            if recovered > 0 { _ = try? ResolverProcess.request(.reload, root: root, startIfNeeded: false) }
        }
        // A resolver killed whole (its supervisor too) comes back with the next command, whatever
        // it is; a worker alone is restarted by its supervisor without any command.
        if ResolverProcess.diedUncleanly(root: root) {
            resolverWasRestarted = (try? ResolverProcess.request(.reload, root: root, startIfNeeded: true)) != nil
        }
    }

    /// Re-plans an interrupted removal from the records as they are now and applies it; each
    /// removal step tolerates what is already gone.
    private func finishRemoval(_ intent: RedoIntent) throws {
        switch intent {
        case .removeContainer(let id):
            switch try loadContainer(id) {
            case .readable(let record): try applier.apply(try removalPlan(for: record, killProcesses: true))
            case .unreadable(let corrupt): try applier.apply(try removalPlan(forUnreadable: corrupt, killProcesses: true))
            case nil: return
            }
        case .removeNetwork(let id):
            do {
                guard let record = try store.network(id: id) else { return }
                try applier.apply(try NetworkPlanner.remove(record, attachedContainers: [], firewall: try firewallContext(for: record, .deactivating)))
            } catch StateError.corrupt(let path, let reason) {
                try applier.apply(try networkRemovalPlan(forUnreadable: CorruptRecord(id: id, path: path, reason: reason)))
            }
        case .disconnect(let containerID, let networkID):
            do {
                guard let container = try store.container(id: containerID), let network = try store.network(id: networkID),
                      container.endpoint(on: network.id) != nil else { return }
                try applier.apply(try disconnectPlan(container, from: network))
            } catch StateError.corrupt {
                // Not finishable without the record; `container rm` or `network rm` of the
                // unreadable one removes what the disconnect would have.
                return
            }
        }
        cachedNetworks = nil
    }

    /// Called with (steps done, steps in the plan) as plans apply: long operations (restore,
    /// prune) show progress with it on a terminal.
    public func reportProgress(_ handler: ((Int, Int) -> Void)?) { applier.onStep = handler }

    /// Lets other bridgectl commands run while this one waits on a user's process.
    public func releaseLock() { lock = nil }

    /// `bridge`, `host` and `none` exist from the first command on, with stable IDs.
    private func ensureBuiltinNetworks(mutating: Bool) throws {
        if let ids = try store.builtinNetworkIDs(), ids.count == 3 {
            builtinIDs = ids
            return
        }
        if !mutating {
            lock = nil
            lock = try store.lock(exclusive: true)
        }
        // The built-ins are written without a journal: a write killed here leaves only this trace.
        try store.removeTemporaryFiles()
        for record in try missingBuiltinNetworks() {
            try store.putNetwork(record)
            cachedNetworks = nil
        }
        var ids: [String: ObjectID] = [:]
        for network in try networks() where network.kind != .user { ids[network.name] = network.id }
        try store.writeBuiltinNetworkIDs(ids)
        builtinIDs = ids
    }

    /// The built-in networks the store does not hold yet, as first use would record them.
    private func missingBuiltinNetworks() throws -> [NetworkRecord] {
        let created = Clock.rfc3339Now()
        let builtins: [(String, NetworkRecord.Kind)] = [("bridge", .defaultBridge), ("host", .host), ("none", .none)]
        let present = Set(try networks().map(\.kind))
        return builtins.filter { !present.contains($0.1) }.map { name, kind in
            NetworkRecord(id: .random(), name: name, kind: kind, created: created,
                          bridgeName: kind == .defaultBridge ? NetworkPlanner.defaultBridgeName : "")
        }
    }

    /// A dry run on a fresh host plans as if the built-in networks were recorded, in memory only.
    private func imagineBuiltinNetworks() throws {
        let all = try networks() + missingBuiltinNetworks()
        cachedNetworks = all
        var ids: [String: ObjectID] = [:]
        for network in all where network.kind != .user { ids[network.name] = network.id }
        builtinIDs = ids
    }

    // MARK: Look-ups

    public func networks() throws -> [NetworkRecord] {
        if let cachedNetworks { return cachedNetworks }
        let loaded = try store.networks()
        cachedNetworks = loaded
        return loaded
    }

    /// By name, then full ID, then unique ID prefix, as Docker resolves references.
    public func network(_ reference: String) throws -> NetworkRecord {
        let all = try networks()
        if let match = all.first(where: { $0.name == reference || $0.id.hex == reference }) { return match }
        if ObjectID.isPossiblePrefix(reference) {
            let matches = all.filter { $0.id.hex.hasPrefix(reference) }
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 { throw EngineError.ambiguousReference(reference, kind: "network", matches: matches.count) }
        }
        throw EngineError.networkNotFound(reference)
    }

    /// A container's record; one whose record cannot be read is an error naming it and the way out.
    public func container(_ reference: String) throws -> ContainerRecord {
        switch try lookUpContainer(reference) {
        case .readable(let record): return record
        case .unreadable(let corrupt): throw EngineError.corruptContainer(corrupt)
        }
    }

    public enum ContainerLookup {
        case readable(ContainerRecord)
        /// The record file exists but does not decode; only `container rm` works on it.
        case unreadable(CorruptRecord)
    }

    public func lookUpContainer(_ reference: String) throws -> ContainerLookup {
        if let id = try store.containerID(named: reference), let found = try loadContainer(id, name: reference) { return found }
        if ObjectID.isPossiblePrefix(reference) {
            let matches = try store.containerIDs().filter { $0.hex.hasPrefix(reference) }
            if matches.count == 1, let found = try loadContainer(matches[0]) { return found }
            if matches.count > 1 { throw EngineError.ambiguousReference(reference, kind: "container", matches: matches.count) }
        }
        throw EngineError.containerNotFound(reference)
    }

    func loadContainer(_ id: ObjectID, name: String? = nil) throws -> ContainerLookup? {
        do {
            return try store.container(id: id).map(ContainerLookup.readable)
        } catch StateError.corrupt(let path, let reason) {
            let name = try name ?? store.containerNames(of: [id])[id]
            return .unreadable(CorruptRecord(id: id, path: path, reason: reason, name: name))
        }
    }

    /// The readable containers; unreadable records are left out (see `containerListing`).
    public func containers() throws -> [ContainerRecord] { try store.containers() }

    public func containerListing() throws -> (records: [ContainerRecord], corrupt: [CorruptRecord]) {
        try store.containerListing()
    }

    public func networkListing() throws -> (records: [NetworkRecord], corrupt: [CorruptRecord]) {
        try store.networkListing()
    }

    /// Containers attached to a network, from the address claims (no container file scan);
    /// one with an unreadable record is left out.
    public func containers(on network: NetworkRecord) throws -> [ContainerRecord] {
        try attachedContainers(network).readable
    }

    /// Containers holding an address on the network, readable ones in creation order, then the
    /// names (or short IDs) of those whose record cannot be read.
    func attachedContainers(_ network: NetworkRecord) throws -> (readable: [ContainerRecord], unreadable: [String]) {
        var readable: [ContainerRecord] = []
        var unreadable: [String] = []
        for id in Set(try store.addressClaims(network: network.id).values) {
            switch try loadContainer(id) {
            case .readable(let record): readable.append(record)
            case .unreadable(let corrupt): unreadable.append(corrupt.name ?? corrupt.id.short)
            case nil: continue
            }
        }
        return (readable.sorted { $0.created < $1.created }, unreadable.sorted())
    }

    // MARK: Plans

    /// Applies a plan, or with `dryRun` only returns it; either way the caller prints from the
    /// same plan, so --dry-run can never drift from what really happens.
    public func run(_ plan: Plan, dryRun: Bool) throws {
        guard !dryRun else { return }
        try applier.apply(plan)
        if plan.steps.contains(where: { if case .putNetwork = $0 { return true }; if case .removeNetwork = $0 { return true }; return false }) {
            cachedNetworks = nil
        }
    }

    // MARK: Host observations

    /// Subnets the host already uses (interface addresses and routes): default pools skip them.
    func hostClaims() throws -> [SubnetClaim] {
        try observeHost([.hostLinks, .hostAddresses, .hostRoutes]).subnetClaims
    }

    func hostLinkExists(_ name: String) throws -> Bool {
        try kernel.hostSocket().interfaceIndex(of: name) != nil
    }

    func hostResolver() -> EtcFiles.ResolverConfig {
        EtcFiles.ResolverConfig(parsing: (try? Files.read("/etc/resolv.conf")) ?? nil ?? "")
    }
}
