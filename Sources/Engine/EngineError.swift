import BridgeModel

public enum EngineError: UserFacingError, Equatable {
    case networkNotFound(String)
    case containerNotFound(String)
    case ambiguousReference(String, kind: String, matches: Int)
    case notPrivileged
    case inInitialNamespace

    public var message: String {
        switch self {
        case .networkNotFound(let reference): return "network '\(Names.printable(reference))' not found"
        case .containerNotFound(let reference): return "no such container: '\(Names.printable(reference))'"
        case .ambiguousReference(let reference, let kind, let matches):
            return "\(kind) ID prefix '\(Names.printable(reference))' is ambiguous (\(matches) matches)"
        case .notPrivileged: return "bridgectl must run as root (CAP_NET_ADMIN and CAP_SYS_ADMIN)"
        case .inInitialNamespace:
            return "refusing to run in the machine's initial network namespace (BRIDGECTL_REQUIRE_THROWAWAY is set)"
        }
    }
}
