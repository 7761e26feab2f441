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
        // The very review doctor makes, over the whole host: a network's picture needs its
        // containers' drifts too, which a network-scoped doctor leaves out.
        let review = try reviewHost(scope: nil)
        let recorded = review.recorded
        return Topology.build(scope: scope, networks: recorded.networks, containers: recorded.containers,
                              expected: recorded.expected, observed: review.observed, drifts: review.drifts,
                              namespaceDirectory: NetworkNamespace.runDirectory)
    }
}
