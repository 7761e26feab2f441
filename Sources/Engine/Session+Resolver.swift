import BridgeModel
import Planning
import DNSServer

extension Session {
    /// Tells the resolver a container changed (starting it on the first container that needs
    /// it, stopping it after the last). The answer comes back before bridgectl exits, so the
    /// change is visible to the very next query. Returns a warning when the resolver could not
    /// be reached; the container itself works either way.
    public func updateResolver(containerID: ObjectID, removed: Bool) -> String? {
        let root = store.root
        do {
            let needed: Bool
            if removed {
                needed = false
            } else if let record = try store.container(id: containerID) {
                needed = ContainerPlanner.usesEmbeddedDNS(record, networks: try networks())
            } else {
                needed = false
            }
            let request = removed ? "remove \(containerID.hex)" : "sync \(containerID.hex)"
            guard let reply = try ResolverProcess.request(request, root: root, startIfNeeded: needed) else { return nil }
            guard reply.hasPrefix("ok") else { return "DNS resolver: \(reply)" }
            if reply == "ok 0" { _ = ControlChannel.request("stop", at: ResolverProcess.controlPath(root: root)) }
            return nil
        } catch {
            return "DNS resolver: \(error)"
        }
    }
}
