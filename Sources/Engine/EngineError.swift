import BridgeModel
import State

public enum EngineError: UserFacingError, Equatable {
    case networkNotFound(String)
    case containerNotFound(String)
    case ambiguousReference(String, kind: String, matches: Int)
    case notPrivileged
    /// The reason a throwaway host is required (ThrowawayGuard).
    case inInitialNamespace(String)
    case resolverCannotServe(container: String, reason: String)
    case corruptContainer(CorruptRecord)
    case corruptNetwork(CorruptRecord)
    case firewallSwitchRefused(current: FirewallBackend, requested: FirewallBackend, networks: [String])
    /// A CNI config names an existing network whose settings it contradicts (`reason`: the first difference).
    case cniNetworkConflict(name: String, reason: String)
    /// The runtime's namespace path cannot be attached (missing, not a network namespace).
    case runtimeNamespaceUnusable(path: String, reason: String)
    case invalidRuntimeContainerID(String)

    public var message: String {
        switch self {
        case .networkNotFound(let reference): return "network '\(Names.printable(reference))' not found"
        case .containerNotFound(let reference): return "no such container: '\(Names.printable(reference))'"
        case .ambiguousReference(let reference, let kind, let matches):
            return "\(kind) ID prefix '\(Names.printable(reference))' is ambiguous (\(matches) matches)"
        case .notPrivileged: return "bridgectl must run as root (CAP_NET_ADMIN and CAP_SYS_ADMIN)"
        case .inInitialNamespace(let requirement):
            return "refusing to run in the machine's initial network namespace (\(requirement))"
        case .resolverCannotServe(let container, let reason):
            return "container '\(container)' was not created: the DNS resolver cannot serve its namespace (\(reason))"
        case .corruptContainer(let corrupt):
            let reference = corrupt.name ?? corrupt.id.short
            return "container '\(reference)': record \(corrupt.path) is corrupt (\(corrupt.reason)); "
                + "'bridgectl container rm -f \(reference)' removes it"
        case .corruptNetwork(let corrupt):
            return "network record \(corrupt.path) is corrupt (\(corrupt.reason)); "
                + "'bridgectl network rm \(corrupt.id.short)' removes it"
        case .cniNetworkConflict(let name, let reason):
            return "network '\(Names.printable(name))' exists with other settings than the CNI config's: \(reason)"
        case .runtimeNamespaceUnusable(let path, let reason):
            return "the runtime's network namespace '\(Names.printable(path))' cannot be used: \(reason)"
        case .invalidRuntimeContainerID(let id):
            return "invalid runtime container ID '\(Names.printable(id))': it must be non-empty printable text of at most 1024 bytes"
        case .firewallSwitchRefused(let current, let requested, let networks):
            let which = networks.isEmpty ? "the default bridge's containers" : "networks " + networks.map { "'\($0)'" }.joined(separator: ", ")
            return "this host's firewall backend is \(current.rawValue) while \(which) exist; to switch to \(requested.rawValue), "
                + "remove them (containers first), then create a network with --firewall \(requested.rawValue)"
        }
    }
}
