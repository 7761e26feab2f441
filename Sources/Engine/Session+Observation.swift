import BridgeModel
import Planning
import HostSystem

extension Session {
    /// The parts of the host a command asks for, through this session's host netlink socket.
    public func observeHost(_ parts: Set<HostSnapshot.Part>, containerNamespaces: [String] = []) throws -> HostSnapshot {
        try HostSnapshot.take(parts: parts, containerNamespaces: containerNamespaces, hostSocket: kernel.hostSocket())
    }

    /// The whole host, read while `prepare` runs here: decoding the records and rendering the
    /// expected host (a third of doctor's time at 1000 containers) needs nothing of the host,
    /// so the host is read meanwhile on a thread of its own. `candidates`: the namespaces to
    /// enter there too (every name in the index, for a whole-host look; one that is missing or
    /// not a container's is just not compared); nil enters those `prepare` names, afterwards.
    func observeWholeHost<T>(entering candidates: [String]?,
                             while prepare: () throws -> (value: T, namespaces: [String])) throws -> (T, HostSnapshot) {
        let parts = candidates == nil
            ? Set(HostSnapshot.Part.allCases).subtracting([.containerNamespaces]) : Set(HostSnapshot.Part.allCases)
        let background = try BackgroundWork { try HostSnapshot.take(parts: parts, containerNamespaces: candidates ?? []) }
        let prepared: (value: T, namespaces: [String])
        do {
            prepared = try prepare()
        } catch {
            _ = try? background.join()
            throw error
        }
        var observed = try background.join()
        if candidates == nil {
            let inside = try observeHost([.containerNamespaces], containerNamespaces: prepared.namespaces)
            observed.parts.insert(.containerNamespaces)
            observed.containerNamespaces = inside.containerNamespaces
            observed.unreadableNamespaces = inside.unreadableNamespaces
        }
        return (prepared.value, observed)
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
