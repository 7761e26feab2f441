import BridgeModel
import Planning
import HostSystem

extension Session {
    /// `bridgectl explain`: every network (or the one named, or the networks of the container
    /// named) as the kernel holds it, read in one observation of the whole host, with the drifts
    /// `doctor` would report put on the objects they are about. Reads only.
    public func explain(scope reference: String? = nil) throws -> Topology {
        let scope: Topology.Scope
        switch try reference.map(owner(of:)) {
        case nil: scope = .everything
        case .network(let name): scope = .network(name)
        case .container(let name): scope = .container(name)
        case .bridgectl: scope = .everything
        }
        let networks = try networks()
        let containers = try containers()
        let expected = try expectedHost()
        let names = expected.namespaces.filter { !$0.isHostAlias }.map(\.name)
        let observed = try observeHost(Set(HostSnapshot.Part.allCases), containerNamespaces: names)
        // The very comparison doctor makes, over the whole host: a network's picture needs its
        // containers' drifts too, which a network-scoped doctor leaves out.
        let users = containers.filter { ContainerPlanner.usesEmbeddedDNS($0, networks: networks) }
        var drifts = expected.drifts(from: observed) + resolverDrifts(serving: users.map(\.name))
        if finishedInterruptedPlans > 0 {
            drifts.insert(Drift(owner: nil, kind: .interruptedPlansFinished(count: finishedInterruptedPlans)), at: 0)
        }
        return Topology.build(scope: scope, networks: networks, containers: containers, expected: expected,
                              observed: observed, drifts: drifts, namespaceDirectory: NetworkNamespace.runDirectory)
    }
}
