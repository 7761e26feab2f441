import BridgeModel
import Planning
import HostSystem

extension Session {
    /// The parts of the host a command asks for, through this session's host netlink socket.
    public func observeHost(_ parts: Set<HostSnapshot.Part>, containerNamespaces: [String] = []) throws -> HostSnapshot {
        try HostSnapshot.take(parts: parts, containerNamespaces: containerNamespaces, hostSocket: kernel.hostSocket())
    }

    /// What the records say the host should hold, rendered by the planners that create it;
    /// from records the caller has read already, when it has (decoding 1000 container records
    /// costs ~30 ms).
    public func expectedHost(networks: [NetworkRecord]? = nil, containers: [ContainerRecord]? = nil) throws -> ExpectedHost {
        ExpectedHost.render(networks: try networks ?? self.networks(), containers: try containers ?? self.containers(),
                            hostResolver: hostResolver())
    }

    /// Every difference between the records and the whole host: every part observed, every
    /// container namespace (bar `--network host` ones, which are the host's) entered.
    public func hostDrifts() throws -> [Drift] {
        let expected = try expectedHost()
        let names = expected.namespaces.filter { !$0.isHostAlias }.map(\.name)
        let observed = try observeHost(Set(HostSnapshot.Part.allCases), containerNamespaces: names)
        return expected.drifts(from: observed)
    }
}
