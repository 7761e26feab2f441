import BridgeModel
import Planning
import HostSystem

extension Session {
    /// The parts of the host a command asks for, through this session's host netlink socket.
    public func observeHost(_ parts: Set<HostSnapshot.Part>, containerNamespaces: [String] = []) throws -> HostSnapshot {
        try HostSnapshot.take(parts: parts, containerNamespaces: containerNamespaces, hostSocket: kernel.hostSocket())
    }

    /// The whole host, read while `prepare` (the records and the expected host) runs here:
    /// decoding the records and rendering (a third of doctor's time at 1000 containers) needs
    /// nothing of the host, so the host is read meanwhile on a thread of its own. `candidates`:
    /// the namespaces to enter there too (every name in the index, for a whole-host look; one
    /// that is missing or not a container's is just not compared); nil enters the ones the
    /// prepared expectation names, afterwards.
    func observeWholeHost(entering candidates: [String]?,
                          while prepare: () throws -> RecordedHost) throws -> (RecordedHost, HostSnapshot) {
        let parts = candidates == nil
            ? Set(HostSnapshot.Part.allCases).subtracting([.containerNamespaces]) : Set(HostSnapshot.Part.allCases)
        let background = try BackgroundWork { try HostSnapshot.take(parts: parts, containerNamespaces: candidates ?? []) }
        let recorded: RecordedHost
        do {
            recorded = try prepare()
        } catch {
            _ = try? background.join()
            throw error
        }
        var observed = try background.join()
        if candidates == nil {
            let inside = try observeHost([.containerNamespaces], containerNamespaces: recorded.namespaces)
            observed.parts.insert(.containerNamespaces)
            observed.containerNamespaces = inside.containerNamespaces
            observed.unreadableNamespaces = inside.unreadableNamespaces
        }
        return (recorded, observed)
    }

    /// The records and the host they call for, as `observeWholeHost` prepares them.
    struct RecordedHost {
        var networks: [NetworkRecord]
        var containers: [ContainerRecord]
        var expected: ExpectedHost
        /// The container namespaces to enter (`--network host` ones are the host's own).
        var namespaces: [String] { expected.namespaces.filter { !$0.isHostAlias }.map(\.name) }
    }

    func recordedHost() throws -> RecordedHost {
        let networks = try networks()
        let containers = try containers()
        Timing.mark("records read")
        let expected = try expectedHost(networks: networks, containers: containers)
        Timing.mark("expected host rendered")
        return RecordedHost(networks: networks, containers: containers, expected: expected)
    }

    /// What the records say the host should hold, rendered by the planners that create it;
    /// from records the caller has read already, when it has (decoding 1000 container records
    /// costs ~30 ms).
    public func expectedHost(networks: [NetworkRecord]? = nil, containers: [ContainerRecord]? = nil) throws -> ExpectedHost {
        ExpectedHost.render(networks: try networks ?? self.networks(), containers: try containers ?? self.containers(),
                            hostResolver: hostResolver())
    }

}
