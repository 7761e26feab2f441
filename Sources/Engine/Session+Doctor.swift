import BridgeModel
import Planning
import ResolverControl
import HostSystem

extension Session {
    /// `bridgectl doctor`: every difference between the records and the host, for one network
    /// or container (by name or ID) or for everything, orphans included only then. Reads only;
    /// what it finds is said in words naming the object and its owner.
    public func doctor(scope reference: String? = nil) throws -> [Drift] {
        try reviewHost(scope: try reference.map(owner(of:))).drifts
    }

    /// One look at the host against the records: what doctor reports, explain draws and a
    /// repair starts from.
    struct HostReview {
        var recorded: RecordedHost
        var observed: HostSnapshot
        var drifts: [Drift]
    }

    /// `scope`: judge only what this network or container owns (no orphans), entering only its
    /// namespaces; nil: the whole host, every indexed namespace entered while the records are read.
    func reviewHost(scope: HostOwner?) throws -> HostReview {
        let candidates = scope == nil ? try store.indexedContainerNames() : nil
        let (recorded, observed) = try observeWholeHost(entering: candidates) {
            var recorded = try recordedHost()
            if let scope { recorded.expected = recorded.expected.owned(by: scope) }
            return recorded
        }
        let networks = recorded.networks
        let networkNames = Dictionary(uniqueKeysWithValues: networks.map { ($0.id, $0.name) })
        let users = recorded.containers.filter { container in
            ContainerPlanner.usesEmbeddedDNS(container, networks: networks) && (scope == nil
                || scope == .container(container.name)
                || container.endpoints.contains { networkNames[$0.networkID].map(HostOwner.network) == scope })
        }
        var drifts = recorded.expected.drifts(from: observed)
        drifts += runtimeNamespaceDrifts(recorded.containers.filter { container in
            container.runtime != nil && (scope == nil || scope == .container(container.name)
                || container.endpoints.contains { networkNames[$0.networkID].map(HostOwner.network) == scope })
        })
        Timing.mark("compared")
        drifts += resolverDrifts(serving: users.map(\.name))
        Timing.mark("resolver asked")
        if finishedInterruptedPlans > 0 { drifts.insert(Drift(owner: nil, kind: .interruptedPlansFinished(count: finishedInterruptedPlans)), at: 0) }
        return HostReview(recorded: recorded, observed: observed, drifts: drifts)
    }

    /// `reference` as an owner: a network first (as Docker resolves), then a container.
    func owner(of reference: String) throws -> HostOwner {
        if let network = try? network(reference) { return .network(network.name) }
        return .container(try container(reference).name)
    }

    /// The resolver must run, answer, and serve every namespace whose container needs it.
    func resolverDrifts(serving namespaces: [String]) -> [Drift] {
        var drifts: [Drift] = []
        if resolverWasRestarted { drifts.append(Drift(owner: nil, kind: .resolverRestarted)) }
        guard !namespaces.isEmpty else { return drifts }
        switch resolverState() {
        case .notRunning:
            drifts.append(Drift(owner: nil, kind: .resolverNotRunning(containers: namespaces.count)))
        case .notAnswering(let reason):
            drifts.append(Drift(owner: nil, kind: .resolverNotAnswering(reason: reason)))
        case .running(let status):
            let served = Set(status.namespaces)
            for name in namespaces.sorted() where !served.contains(name) {
                drifts.append(Drift(owner: .container(name), kind: .resolverNotServing(namespace: name)))
            }
        }
        return drifts
    }
}
