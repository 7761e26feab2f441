import BridgeModel

public enum PortError: UserFacingError, Equatable {
    case portTaken(PortBinding, by: String)
    case noFreePort(containerPort: UInt16, TransportProtocol, range: ClosedRange<UInt16>)
    case internalNetwork(String)
    case noNetworkToPublishOn(String)
    case notLocalAddress(IPv4Address)

    public var message: String {
        switch self {
        case .portTaken(let binding, let owner):
            return "host port \(binding.hostIP):\(binding.hostPort)/\(binding.transport.rawValue) is already in use by \(owner)"
        case .noFreePort(let containerPort, let transport, let range):
            return "no free host port for \(containerPort)/\(transport.rawValue) in \(range.lowerBound)-\(range.upperBound)"
        case .internalNetwork(let name): return "cannot publish ports on internal network '\(name)'"
        case .notLocalAddress(let ip): return "cannot publish on \(ip): it is not an address of this host"
        case .noNetworkToPublishOn(let container):
            return "container '\(container)' has no bridged network to publish ports on (host and none have none)"
        }
    }
}

/// Turns `-p` specs into concrete bindings: fixed host ports are checked, random ones chosen
/// free. `owner` says who holds a binding (bridgectl or a host process), nil when it is free.
public enum PortAllocator {
    public static func resolve(_ specs: [PublishSpec], defaultHostIP: IPv4Address,
                               ephemeralRange: ClosedRange<UInt16>,
                               randomStart: (ClosedRange<UInt16>) -> UInt16,
                               owner: (PortBinding) -> String?) throws(PortError) -> [PortBinding] {
        var chosen: [PortBinding] = []
        func ownerOf(_ binding: PortBinding) -> String? {
            if chosen.contains(where: { $0.collides(with: binding) }) { return "another -p of this command" }
            return owner(binding)
        }
        for spec in specs {
            let hostIP = spec.hostIP ?? defaultHostIP
            let containerPorts = Array(spec.containerPorts)
            if let hostPorts = spec.hostPorts, hostPorts.count == containerPorts.count {
                for (hostPort, containerPort) in zip(hostPorts, containerPorts) {
                    let binding = PortBinding(hostIP: hostIP, hostPort: hostPort, containerPort: containerPort, transport: spec.transport)
                    if let holder = ownerOf(binding) { throw .portTaken(binding, by: holder) }
                    chosen.append(binding)
                }
                continue
            }
            // A pool (host range for one container port) or random ports, one per container port.
            let pool = spec.hostPorts ?? ephemeralRange
            for containerPort in containerPorts {
                let size = Int(pool.upperBound) - Int(pool.lowerBound) + 1
                let start = max(0, Int(randomStart(pool)) - Int(pool.lowerBound))
                var found: PortBinding?
                for offset in 0..<size {
                    let port = UInt16(Int(pool.lowerBound) + (start + offset) % size)
                    let candidate = PortBinding(hostIP: hostIP, hostPort: port, containerPort: containerPort, transport: spec.transport)
                    if ownerOf(candidate) == nil { found = candidate; break }
                }
                guard let found else { throw .noFreePort(containerPort: containerPort, spec.transport, range: pool) }
                chosen.append(found)
            }
        }
        return chosen
    }
}
