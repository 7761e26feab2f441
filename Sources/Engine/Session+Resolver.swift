import Glibc
import BridgeModel
import Planning
import HostSystem
import ResolverControl

/// The resolver is kept in step by the operations themselves, after their plan commits: create
/// and connect make it serve the container, disconnect and rm make it let go. The answer comes
/// back before bridgectl exits, so a change is visible to the very next query.
extension Session {
    /// What `dns status` finds.
    public enum ResolverState: Sendable {
        case running(ResolverStatus)
        case notRunning
        /// A resolver process exists but does not answer.
        case notAnswering(String)
    }

    /// Asks the resolver to re-read one container: to serve it, or to stop serving it (starting
    /// the resolver when the container needs it; it stops by itself after the last).
    /// `known`: the container's record when the caller holds it (not read again).
    func syncResolver(containerID: ObjectID, removed: Bool, known: ContainerRecord? = nil) throws {
        let needed: Bool
        if removed {
            needed = false
        } else if let record = try known ?? store.container(id: containerID) {
            needed = ContainerPlanner.usesEmbeddedDNS(record, networks: try networks())
        } else {
            needed = false
        }
        let request: ResolverRequest = removed ? .remove(containerID) : .sync(containerID)
        switch try ResolverProcess.request(request, root: store.root, startIfNeeded: needed) {
        case .failed(let reason)?: throw ResolverProcess.Failure.refused(reason)
        default: return
        }
    }

    /// After a change that leaves the container working either way (connect, disconnect, rm,
    /// exec healing a dead resolver): a resolver that cannot follow is a warning.
    func followInResolver(_ containerID: ObjectID, removed: Bool) {
        do {
            try syncResolver(containerID: containerID, removed: removed)
        } catch {
            warnings.append("DNS resolver: \(error)")
        }
    }

    /// A new container's names must resolve from its first query. A resolver that cannot serve
    /// its namespace (out of file descriptors, say) fails the create, which is undone; one that
    /// exists but does not answer (stopped) is reported and will serve it when it resumes, since
    /// the request waits in its socket.
    func attachToResolver(_ record: ContainerRecord) throws {
        do {
            try syncResolver(containerID: record.id, removed: false, known: record)
        } catch ResolverProcess.Failure.notAnswering(let pid) {
            warnings.append("DNS resolver: \(ResolverProcess.Failure.notAnswering(pid: pid))")
        } catch {
            try applier.apply(try removalPlan(for: record, killProcesses: true))
            _ = try? ResolverProcess.request(.remove(record.id), root: store.root, startIfNeeded: false)
            throw EngineError.resolverCannotServe(container: record.name, reason: "\(error)")
        }
    }

    public func resolverState() -> ResolverState {
        do {
            switch try ResolverProcess.request(.status, root: store.root, startIfNeeded: false) {
            case .status(let status)?: return .running(status)
            case nil: return .notRunning
            case .failed(let reason)?: return .notAnswering(reason)
            case .serving?, .log?: return .notAnswering("unexpected reply")
            }
        } catch {
            return .notAnswering("\(error)")
        }
    }

    /// The last `count` queries, oldest first; nil when no resolver runs.
    public func resolverLog(count: Int) throws -> [String]? {
        switch try ResolverProcess.request(.log(count: count), root: store.root, startIfNeeded: false) {
        case .log(let lines)?: return lines
        case nil: return nil
        case .failed(let reason)?: throw ResolverProcess.Failure.refused(reason)
        case .serving?, .status?: throw ResolverProcess.Failure.refused("unexpected reply")
        }
    }
}
