/// The interface alias bridgectl gives the links it makes ("bridgectl net=web",
/// "bridgectl container=api"), visible in `ip link`. Ownership is read from this mark and never
/// guessed from a name: Docker names its bridges br-<12 hex> too, and a hand-made link may use
/// any name.
public enum LinkMark {
    static let prefix = "bridgectl "

    public static func network(_ name: String) -> String { "\(prefix)net=\(name)" }
    public static func container(_ name: String) -> String { "\(prefix)container=\(name)" }

    /// Whose link an alias says it is; nil for an unmarked (not bridgectl's) link.
    public static func owner(ofAlias alias: String?) -> HostOwner? {
        guard let alias, alias.hasPrefix(prefix) else { return nil }
        let mark = alias.dropFirst(prefix.count)
        if mark.hasPrefix("net=") { return .network(String(mark.dropFirst(4))) }
        if mark.hasPrefix("container=") { return .container(String(mark.dropFirst(10))) }
        return .bridgectl
    }
}

/// Who a kernel object or file belongs to, in the words a drift report uses.
public enum HostOwner: Hashable, Sendable, CustomStringConvertible {
    case network(String)
    case container(String)
    /// Shared by every bridgectl network (the base chains and their jumps).
    case bridgectl

    public var description: String {
        switch self {
        case .network(let name): return "network \(name)"
        case .container(let name): return "container \(name)"
        case .bridgectl: return "bridgectl"
        }
    }
}
