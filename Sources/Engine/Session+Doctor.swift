import BridgeModel
import Planning
import ResolverControl
import HostSystem

extension Session {
    /// `bridgectl doctor`: every difference between the records and the host, for one network
    /// or container (by name or ID) or for everything, orphans included only then. Reads only;
    /// what it finds is said in words naming the object and its owner.
    public func doctor(scope reference: String? = nil) throws -> [Drift] {
        let candidates = reference == nil ? try store.indexedContainerNames() : nil
        let ((expected, users), observed) = try observeWholeHost(entering: candidates) { () throws -> (value: (ExpectedHost, [ContainerRecord]), namespaces: [String]) in
            let networks = try self.networks()
            let containers = try self.containers()
            Timing.mark("records read")
            var expected = try expectedHost(networks: networks, containers: containers)
            Timing.mark("expected host rendered")
            var users = containers.filter { ContainerPlanner.usesEmbeddedDNS($0, networks: networks) }
            if let reference {
                let owner = try owner(of: reference)
                expected = expected.owned(by: owner)
                let networkNames = Dictionary(uniqueKeysWithValues: networks.map { ($0.id, $0.name) })
                users = users.filter { container in
                    owner == .container(container.name)
                        || container.endpoints.contains { networkNames[$0.networkID].map(HostOwner.network) == owner }
                }
            }
            return ((expected, users), expected.namespaces.filter { !$0.isHostAlias }.map(\.name))
        }
        var drifts = expected.drifts(from: observed)
        Timing.mark("compared")
        drifts += resolverDrifts(serving: users.map(\.name))
        Timing.mark("resolver asked")
        if finishedInterruptedPlans > 0 { drifts.insert(Drift(owner: nil, kind: .interruptedPlansFinished(count: finishedInterruptedPlans)), at: 0) }
        return drifts
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
