import BridgeModel
import Planning
import ResolverControl

/// `doctor --fix` and `restore`: the host read back, the missing pieces planned by the
/// planners that create them (HostRepair), applied through the ordinary applier (journaled,
/// undone whole on failure), the resolver told to serve namespaces made again, and the host
/// read once more to say what, if anything, is still off.
extension Session {
    public struct RepairReport: Sendable {
        /// What differed before the repair.
        public var found: [Drift]
        /// The repair, applied unless this was a dry run (then only shown).
        public var plan: Plan
        /// What the repair would not touch, in words.
        public var leftAlone: [String]
        /// What still differs afterwards (empty on a dry run, which changes nothing).
        public var remaining: [Drift]
    }

    /// `removingOrphans`: also remove marked objects no record accounts for (`doctor --fix`);
    /// `restore` only builds. `scope`: one network or container (orphans are then left to the
    /// whole-host run); the firewall is mended whole either way, since its chains are shared.
    public func repair(scope reference: String? = nil, removingOrphans: Bool, dryRun: Bool) throws -> RepairReport {
        let review = try reviewHost(scope: nil)
        let networks = review.recorded.networks, containers = review.recorded.containers
        let expected = review.recorded.expected, observed = review.observed
        let dnsUsers = containers.filter { ContainerPlanner.usesEmbeddedDNS($0, networks: networks) }.map(\.name)
        var found = review.drifts
        let scope = try reference.map(owner(of:))
        if let scope { found = found.filter { $0.owner == scope || ($0.owner == .bridgectl && $0.kind.isFirewall) } }
        let orphans = removingOrphans && reference == nil ? found.filter(\.isOrphan) : []
        // A runtime's container whose namespace is gone cannot be mended (an empty namespace
        // made here would be no runtime's): `doctor --fix` removes it, as the runtime's DEL or
        // GC would have; `restore` leaves it alone and says so (HostRepair).
        let abandoned = removingOrphans ? containers.filter { container in
            container.runtime != nil && (scope == nil || scope == .container(container.name)) && found.contains { drift in
                guard drift.owner == .container(container.name) else { return false }
                if case .runtimeNamespaceGone = drift.kind { return true }
                if case .namespaceMissing = drift.kind { return true }
                return false
            }
        } : []
        if !abandoned.isEmpty {
            let removals = try abandoned.map { container in
                var removal = try removalPlan(for: container, killProcesses: false)
                // The host is read again right after: a veth still being deleted in the background
                // would be listed then, taken for an orphan, and its deletion fail when the
                // background one wins. doctor is no hot path; its deletions are waited for.
                removal.steps = removal.steps.map { step in
                    guard case .deleteHostLinkInBackground(let name) = step else { return step }
                    return .deleteLink(name: name, namespace: nil)
                }
                return removal
            }
            if !dryRun {
                for (record, removal) in zip(abandoned, removals) {
                    try run(removal, dryRun: false)
                    followInResolver(record.id, removed: true)
                }
                // The rest is repaired from the records as they are now.
                var report = try repair(scope: reference, removingOrphans: removingOrphans, dryRun: false)
                report.found = found
                report.plan.steps = removals.flatMap(\.steps) + report.plan.steps
                return report
            }
            // What the run above would repair once they are gone: the host as read, against the
            // records without them (with them, a lost rule of theirs would be put back).
            let abandonedIDs = Set(abandoned.map(\.id))
            let rest = containers.filter { !abandonedIDs.contains($0.id) }
            let repair = HostRepair.plan(networks: networks, containers: rest, hostResolver: hostResolver(),
                                         expected: try expectedHost(networks: networks, containers: rest),
                                         observed: observed, orphans: orphans, scope: scope)
            let plan = Plan(summary: "repair the host", steps: removals.flatMap(\.steps) + repair.steps, onInterruption: .rollBack)
            return RepairReport(found: found, plan: plan, leftAlone: repair.leftAlone, remaining: [])
        }
        let repair = HostRepair.plan(networks: networks, containers: containers, hostResolver: hostResolver(),
                                     expected: expected, observed: observed, orphans: orphans, scope: scope)
        let plan = Plan(summary: removingOrphans ? "repair the host" : "restore the host", steps: repair.steps,
                        onInterruption: .rollBack)
        var report = RepairReport(found: found, plan: plan, leftAlone: repair.leftAlone, remaining: [])
        guard !dryRun else { return report }
        try run(plan, dryRun: false)
        let resolverNeeded = !found.filter(\.kind.isResolver).isEmpty || !repair.isEmpty
        if resolverNeeded && !dnsUsers.isEmpty {
            // Namespaces made again are new ones: the resolver drops its sockets in the old ones
            // and opens new ones on reload (starting if it is not running).
            if case .failed(let reason)? = try ResolverProcess.request(.reload, root: store.root, startIfNeeded: true) {
                warnings.append("DNS resolver: \(reason)")
            }
        } else if repair.isEmpty && reference == nil {
            // Nothing was changed (the no-op restore at boot or after a firewall reload): the host
            // read a moment ago under the lock is the host now, and `found` is what the whole-host
            // doctor below would find again, at the cost of a second full read (~half the run).
            report.remaining = found.filter { !$0.kind.isPastEvent }
            return report
        }
        report.remaining = try doctor(scope: reference).filter { !$0.kind.isPastEvent }
        return report
    }
}
