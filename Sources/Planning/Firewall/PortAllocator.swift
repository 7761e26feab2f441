import BridgeModel

public enum PortError: UserFacingError, Equatable {
    case portTaken(PortBinding, by: String)
    case noFreePort(containerPort: UInt16, TransportProtocol, range: ClosedRange<UInt16>)
    case internalNetwork(String)
    case noNetworkToPublishOn(String)
    case notLocalAddress(IPv4Address)
    case tooManyBindings(Int)

    public var message: String {
        switch self {
        case .portTaken(let binding, let owner):
            return "host port \(binding.hostIP):\(binding.hostPort)/\(binding.transport.rawValue) is already in use by \(owner)"
        case .noFreePort(let containerPort, let transport, let range):
            return "no free host port for \(containerPort)/\(transport.rawValue) in \(range.lowerBound)-\(range.upperBound)"
        case .internalNetwork(let name): return "cannot publish ports on internal network '\(name)'"
        case .notLocalAddress(let ip): return "cannot publish on \(ip): it is not an address of this host"
        case .tooManyBindings(let count):
            return "too many port bindings (\(count)): a container may have at most \(PortAllocator.maxBindings); "
                + "a range with host ports (8000-8999:8000-8999) counts as one, each random host port (-p 80-89) as one"
        case .noNetworkToPublishOn(let container):
            return "container '\(container)' has no bridged network to publish ports on (host and none have none)"
        }
    }
}

/// Who holds a host port that a binding wants: the first such port and its holder's name.
public struct PortConflict: Equatable, Sendable {
    public var hostPort: UInt16
    public var holder: String

    public init(hostPort: UInt16, holder: String) { self.hostPort = hostPort; self.holder = holder }
}

/// Turns `-p` specs into concrete bindings: fixed host ports are checked, random ones chosen
/// free. A fixed range (`8000-8999:80-1079`) becomes one binding, checked as a whole.
/// `conflict` says who holds a port of a binding (bridgectl or a host process), nil when all are free.
public enum PortAllocator {
    /// Each binding is two rules, and iptables-nft deletes a rule by searching its chain, so
    /// removal grows with the square of the rule count; this keeps a container's removal near
    /// its creation time while leaving every Docker use (ranges are one binding) possible.
    public static let maxBindings = 256

    public static func resolve(_ specs: [PublishSpec], defaultHostIP: IPv4Address,
                               ephemeralRange: ClosedRange<UInt16>,
                               randomStart: (ClosedRange<UInt16>) -> UInt16,
                               conflict: (PortBinding) -> PortConflict?) throws(PortError) -> [PortBinding] {
        let count = specs.reduce(0) { $0 + (isFixedRange($1) ? 1 : $1.containerPorts.count) }
        guard count <= maxBindings else { throw .tooManyBindings(count) }
        var chosen: [PortBinding] = []
        func conflictOf(_ binding: PortBinding) -> PortConflict? {
            for other in chosen {
                if let port = binding.firstSharedHostPort(with: other) {
                    return PortConflict(hostPort: port, holder: "another -p of this command")
                }
            }
            return conflict(binding)
        }
        for spec in specs {
            let hostIP = spec.hostIP ?? defaultHostIP
            if let hostPorts = spec.hostPorts, isFixedRange(spec) {
                let binding = PortBinding(hostIP: hostIP, hostPorts: hostPorts, containerPorts: spec.containerPorts,
                                          transport: spec.transport)
                if let taken = conflictOf(binding) { throw .portTaken(binding.single(hostPort: taken.hostPort), by: taken.holder) }
                chosen.append(binding)
                continue
            }
            // A pool (host range for one container port) or random ports, one per container port.
            let pool = spec.hostPorts ?? ephemeralRange
            for containerPort in spec.containerPorts {
                let size = Int(pool.upperBound) - Int(pool.lowerBound) + 1
                let start = max(0, Int(randomStart(pool)) - Int(pool.lowerBound))
                var found: PortBinding?
                for offset in 0..<size {
                    let port = UInt16(Int(pool.lowerBound) + (start + offset) % size)
                    let candidate = PortBinding(hostIP: hostIP, hostPort: port, containerPort: containerPort, transport: spec.transport)
                    if conflictOf(candidate) == nil { found = candidate; break }
                }
                guard let found else { throw .noFreePort(containerPort: containerPort, spec.transport, range: pool) }
                chosen.append(found)
            }
        }
        return chosen
    }

    /// Host ports given for every container port (not a pool, not random).
    private static func isFixedRange(_ spec: PublishSpec) -> Bool {
        spec.hostPorts?.count == spec.containerPorts.count
    }
}
