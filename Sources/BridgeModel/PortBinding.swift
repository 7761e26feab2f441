public enum TransportProtocol: String, Codable, Sendable, CaseIterable {
    case tcp, udp
}

/// One published port: host address and port forwarded to a container port.
public struct PortBinding: Codable, Hashable, Sendable, CustomStringConvertible {
    /// 0.0.0.0 means every host address.
    public var hostIP: IPv4Address
    public var hostPort: UInt16
    public var containerPort: UInt16
    public var transport: TransportProtocol

    public init(hostIP: IPv4Address, hostPort: UInt16, containerPort: UInt16, transport: TransportProtocol) {
        self.hostIP = hostIP; self.hostPort = hostPort; self.containerPort = containerPort; self.transport = transport
    }

    /// As `docker port` prints it: "80/tcp -> 0.0.0.0:8080".
    public var description: String { "\(containerPort)/\(transport.rawValue) -> \(hostIP):\(hostPort)" }

    /// Two bindings collide when they share protocol and port and one of them covers the other's
    /// address (0.0.0.0 covers all).
    public func collides(with other: PortBinding) -> Bool {
        transport == other.transport && hostPort == other.hostPort
            && (hostIP == .any || other.hostIP == .any || hostIP == other.hostIP)
    }
}

/// A `-p/--publish` argument as Docker parses it: `CPORT`, `HOSTPORT:CPORT`, `HOSTIP:HOSTPORT:CPORT`,
/// `HOSTIP::CPORT`, ranges on either side (`8000-8002:80-82`), and `/tcp` (default) or `/udp`.
public struct PublishSpec: Equatable, Sendable {
    public var hostIP: IPv4Address?
    /// nil: a random free host port for each container port.
    public var hostPorts: ClosedRange<UInt16>?
    public var containerPorts: ClosedRange<UInt16>
    public var transport: TransportProtocol

    public init(hostIP: IPv4Address?, hostPorts: ClosedRange<UInt16>?, containerPorts: ClosedRange<UInt16>,
                transport: TransportProtocol) {
        self.hostIP = hostIP; self.hostPorts = hostPorts; self.containerPorts = containerPorts; self.transport = transport
    }

    public init(parsing text: String) throws(ModelError) {
        var body = Substring(text)
        var transport = TransportProtocol.tcp
        if let slash = body.lastIndex(of: "/") {
            guard let parsed = TransportProtocol(rawValue: String(body[body.index(after: slash)...])) else {
                throw ModelError.invalidPublish(text, reason: "protocol must be tcp or udp")
            }
            transport = parsed
            body = body[..<slash]
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var hostIP: IPv4Address?
        var hostPart: String?
        let containerPart: String
        switch parts.count {
        case 1:
            containerPart = parts[0]
        case 2:
            hostPart = parts[0]
            containerPart = parts[1]
        case 3:
            guard let ip = IPv4Address(parts[0]) else {
                throw ModelError.invalidPublish(text, reason: "'\(parts[0])' is not an IPv4 address")
            }
            hostIP = ip
            hostPart = parts[1].isEmpty ? nil : parts[1]
            containerPart = parts[2]
        default:
            throw ModelError.invalidPublish(text, reason: "expected [HOSTIP:][HOSTPORT:]CPORT[/PROTO]")
        }
        let containerPorts = try Self.range(containerPart, in: text)
        var hostPorts: ClosedRange<UInt16>?
        if let hostPart {
            let range = try Self.range(hostPart, in: text)
            // Docker: equal lengths map pairwise; a host range for one container port is a pool.
            guard range.count == containerPorts.count || containerPorts.count == 1 else {
                throw ModelError.invalidPublish(text, reason: "host and container port ranges differ in length")
            }
            hostPorts = range
        }
        self.init(hostIP: hostIP, hostPorts: hostPorts, containerPorts: containerPorts, transport: transport)
    }

    static func range(_ text: String, in whole: String) throws(ModelError) -> ClosedRange<UInt16> {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(ends.count) else { throw ModelError.invalidPublish(whole, reason: "bad port range '\(text)'") }
        var values: [UInt16] = []
        for end in ends {
            guard !end.isEmpty, end.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(end), port > 0 else {
                throw ModelError.invalidPublish(whole, reason: "'\(text)' is not a port number (1-65535)")
            }
            values.append(port)
        }
        guard values.first! <= values.last! else { throw ModelError.invalidPublish(whole, reason: "bad port range '\(text)'") }
        return values.first!...values.last!
    }
}
