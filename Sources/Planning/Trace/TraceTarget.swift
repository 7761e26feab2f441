import BridgeModel

/// `trace SRC DST[:PORT][/tcp|udp|icmp]` as typed: what each end names (resolved to addresses by
/// the Engine) and what is sent. Parsing is pure so every form and every mistake is unit-tested.
public struct TraceRequest: Equatable, Sendable {
    public enum Transport: String, Equatable, Sendable {
        case tcp, udp, icmp
    }

    /// What one end of a trace names.
    public enum End: Equatable, Sendable {
        /// This host's own namespace.
        case host
        /// A network's gateway address (on the host): `gateway:NETWORK`.
        case gateway(network: String)
        case address(IPv4Address)
        /// A container name or ID.
        case container(String)
    }

    public var source: End
    public var destination: End
    public var transport: Transport
    public var port: UInt16?

    public init(source: End, destination: End, transport: Transport, port: UInt16?) {
        self.source = source; self.destination = destination; self.transport = transport; self.port = port
    }

    public static func parse(source: String, destination: String) throws(TraceInputError) -> TraceRequest {
        let from = try end(source, role: "SRC", typed: source)
        var target = Substring(destination)
        var transport: Transport?
        if let slash = target.lastIndex(of: "/") {
            let name = String(target[target.index(after: slash)...])
            guard let parsed = Transport(rawValue: name) else {
                throw TraceInputError("invalid protocol '\(Names.printable(name))' in DST '\(Names.printable(destination))': expected tcp, udp or icmp")
            }
            transport = parsed
            target = target[..<slash]
        }
        var port: UInt16?
        // "gateway:NET" holds a colon of its own; a port is whatever follows the last colon after it.
        let prefixLength = target.hasPrefix("gateway:") ? "gateway:".count : 0
        if let colon = target.dropFirst(prefixLength).lastIndex(of: ":") {
            let text = String(target[target.index(after: colon)...])
            guard let number = UInt16(text), number > 0 else {
                throw TraceInputError("invalid port '\(Names.printable(text))' in DST '\(Names.printable(destination))': expected 1-65535")
            }
            port = number
            target = target[..<colon]
        }
        let to = try end(String(target), role: "DST", typed: destination)
        let chosen = transport ?? (port == nil ? .icmp : .tcp)
        if chosen == .icmp, port != nil {
            throw TraceInputError("DST '\(Names.printable(destination))': icmp takes no port")
        }
        if chosen != .icmp, port == nil {
            throw TraceInputError("DST '\(Names.printable(destination))': \(chosen.rawValue) needs a port (DST:PORT/\(chosen.rawValue))")
        }
        return TraceRequest(source: from, destination: to, transport: chosen, port: port)
    }

    static func end(_ text: String, role: String, typed whole: String) throws(TraceInputError) -> End {
        if text == "host" { return .host }
        if text.hasPrefix("gateway:") {
            let network = String(text.dropFirst("gateway:".count))
            guard !network.isEmpty else { throw TraceInputError("\(role) '\(Names.printable(whole))' names no network after 'gateway:'") }
            return .gateway(network: network)
        }
        if let first = text.first, first.isNumber, text.contains(".") {
            do { return .address(try parseIPv4(text)) } catch {
                throw TraceInputError("\(role) '\(Names.printable(whole))' is not an IPv4 address")
            }
        }
        guard !text.isEmpty else { throw TraceInputError("\(role) is empty: expected a container, gateway:NETWORK, host or an IPv4 address") }
        return .container(text)
    }
}

/// A mistake in what `trace` was given: one `Error:` line naming the value.
public struct TraceInputError: UserFacingError, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
