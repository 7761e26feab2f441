import BridgeModel
import Planning
import DNSServer

extension Session {
    /// Tells the resolver a container changed (starting it on the first container that needs
    /// it; it stops by itself after the last). The answer comes back before bridgectl exits, so
    /// the change is visible to the very next query. Returns a warning when the resolver could
    /// not be reached; the container itself works either way.
    public func updateResolver(containerID: ObjectID, removed: Bool) -> String? {
        do {
            try syncResolver(containerID: containerID, removed: removed)
            return nil
        } catch {
            return "DNS resolver: \(error)"
        }
    }

    func syncResolver(containerID: ObjectID, removed: Bool) throws {
        let needed: Bool
        if removed {
            needed = false
        } else if let record = try store.container(id: containerID) {
            needed = ContainerPlanner.usesEmbeddedDNS(record, networks: try networks())
        } else {
            needed = false
        }
        let request = removed ? "remove \(containerID.hex)" : "sync \(containerID.hex)"
        guard let reply = try ResolverProcess.request(request, root: store.root, startIfNeeded: needed) else { return }
        guard reply.hasPrefix("ok") else { throw ResolverProcess.Failure.refused(reply) }
    }

    /// A new container's names must resolve from its first query. A resolver that cannot serve
    /// its namespace (out of file descriptors, say) fails the create, which is undone; one that
    /// exists but does not answer (stopped) is reported and will serve it when it resumes, since
    /// the request waits in its socket.
    func attachToResolver(_ record: ContainerRecord) throws {
        do {
            try syncResolver(containerID: record.id, removed: false)
        } catch ResolverProcess.Failure.notAnswering(let pid) {
            warnings.append("DNS resolver: \(ResolverProcess.Failure.notAnswering(pid: pid))")
        } catch {
            try applier.apply(try removalPlan(for: record, killProcesses: true))
            _ = try? ResolverProcess.request("remove \(record.id.hex)", root: store.root, startIfNeeded: false)
            throw EngineError.resolverCannotServe(container: record.name, reason: "\(error)")
        }
    }
}
