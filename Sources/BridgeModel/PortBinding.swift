public enum TransportProtocol: String, Codable, Sendable, CaseIterable {
    case tcp, udp
}

/// Published host ports forwarded to container ports: one port, or a contiguous range mapped
/// pairwise (`8000-8002:80-82`: 8000 -> 80, 8001 -> 81, 8002 -> 82). A range is one binding, so
/// it costs one state entry and one pair of rules however long it is.
public struct PortBinding: Hashable, Sendable, CustomStringConvertible {
    /// 0.0.0.0 means every host address.
    public let hostIP: IPv4Address
    /// The first host port.
    public let hostPort: UInt16
    /// The first container port.
    public let containerPort: UInt16
    public let transport: TransportProtocol
    /// Equal to `hostPort` for a single port.
    public let lastHostPort: UInt16

    public init(hostIP: IPv4Address, hostPort: UInt16, containerPort: UInt16, transport: TransportProtocol) {
        self.hostIP = hostIP; self.hostPort = hostPort; self.containerPort = containerPort; self.transport = transport
        self.lastHostPort = hostPort
    }

    /// Ranges of equal length, mapped pairwise.
    public init(hostIP: IPv4Address, hostPorts: ClosedRange<UInt16>, containerPorts: ClosedRange<UInt16>,
                transport: TransportProtocol) {
        precondition(hostPorts.count == containerPorts.count, "host and container ranges differ in length")
        self.hostIP = hostIP; self.hostPort = hostPorts.lowerBound; self.containerPort = containerPorts.lowerBound
        self.transport = transport; self.lastHostPort = hostPorts.upperBound
    }

    public var portCount: Int { Int(lastHostPort) - Int(hostPort) + 1 }
    public var isRange: Bool { lastHostPort != hostPort }
    public var hostPorts: ClosedRange<UInt16> { hostPort...lastHostPort }
    public var containerPorts: ClosedRange<UInt16> { containerPort...(containerPort + (lastHostPort - hostPort)) }

    /// The host port forwarded to `port`, if this binding covers it.
    public func hostPort(forContainerPort port: UInt16) -> UInt16? {
        containerPorts.contains(port) ? hostPort + (port - containerPort) : nil
    }

    /// The single-port binding of one host port inside this binding.
    public func single(hostPort port: UInt16) -> PortBinding {
        precondition(hostPorts.contains(port))
        return PortBinding(hostIP: hostIP, hostPort: port, containerPort: containerPort + (port - hostPort), transport: transport)
    }

    /// One single-port binding per port, as Docker lists them (`docker port`, inspect).
    public var singlePorts: [PortBinding] {
        isRange ? hostPorts.map(single(hostPort:)) : [self]
    }

    /// As `docker port` prints it: "80/tcp -> 0.0.0.0:8080" ("80-82/tcp -> 0.0.0.0:8000-8002" for a range).
    public var description: String {
        "\(Self.text(containerPorts))/\(transport.rawValue) -> \(hostIP):\(Self.text(hostPorts))"
    }

    /// As `docker ps` prints it: "0.0.0.0:8080->80/tcp", "0.0.0.0:8000-8002->80-82/tcp".
    public var mapping: String {
        "\(hostIP):\(Self.text(hostPorts))->\(Self.text(containerPorts))/\(transport.rawValue)"
    }

    private static func text(_ ports: ClosedRange<UInt16>) -> String {
        ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound)-\(ports.upperBound)"
    }

    /// Two bindings collide when they share protocol and a host port and one of them covers the
    /// other's address (0.0.0.0 covers all).
    public func collides(with other: PortBinding) -> Bool {
        firstSharedHostPort(with: other) != nil
    }

    /// The lowest host port both bindings would take, nil when they do not collide.
    public func firstSharedHostPort(with other: PortBinding) -> UInt16? {
        guard transport == other.transport, hostPorts.overlaps(other.hostPorts),
              hostIP == .any || other.hostIP == .any || hostIP == other.hostIP else { return nil }
        return max(hostPort, other.hostPort)
    }

    /// Bindings that continue one another (same address and protocol, next host port to next
    /// container port) joined into ranges, in order: what `docker ps` shows.
    public static func joined(_ bindings: [PortBinding]) -> [PortBinding] {
        var result: [PortBinding] = []
        for binding in bindings {
            if let last = result.last, last.hostIP == binding.hostIP, last.transport == binding.transport,
               last.lastHostPort < UInt16.max, binding.hostPort == last.lastHostPort + 1,
               binding.containerPort == last.containerPorts.upperBound &+ 1, last.containerPorts.upperBound < UInt16.max {
                result[result.count - 1] = PortBinding(
                    hostIP: last.hostIP, hostPorts: last.hostPort...binding.lastHostPort,
                    containerPorts: last.containerPort...binding.containerPorts.upperBound, transport: last.transport)
            } else {
                result.append(binding)
            }
        }
        return result
    }
}

/// Records written before ranges existed hold single ports only, so `lastHostPort` is written
/// only for a range and read as optional: old records decode unchanged, new single ones look
/// exactly like old ones.
extension PortBinding: Codable {
    private enum CodingKeys: String, CodingKey {
        case hostIP, hostPort, containerPort, transport, lastHostPort
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        let hostIP = try values.decode(IPv4Address.self, forKey: .hostIP)
        let hostPort = try values.decode(UInt16.self, forKey: .hostPort)
        let containerPort = try values.decode(UInt16.self, forKey: .containerPort)
        let transport = try values.decode(TransportProtocol.self, forKey: .transport)
        let lastHostPort = try values.decodeIfPresent(UInt16.self, forKey: .lastHostPort) ?? hostPort
        guard lastHostPort >= hostPort, Int(containerPort) + Int(lastHostPort - hostPort) <= Int(UInt16.max) else {
            throw DecodingError.dataCorruptedError(forKey: .lastHostPort, in: values,
                                                   debugDescription: "port range \(hostPort)-\(lastHostPort) does not fit from container port \(containerPort)")
        }
        self.init(hostIP: hostIP, hostPorts: hostPort...lastHostPort,
                  containerPorts: containerPort...(containerPort + (lastHostPort - hostPort)), transport: transport)
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(hostIP, forKey: .hostIP)
        try values.encode(hostPort, forKey: .hostPort)
        try values.encode(containerPort, forKey: .containerPort)
        try values.encode(transport, forKey: .transport)
        if isRange { try values.encode(lastHostPort, forKey: .lastHostPort) }
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
