/// Probing a long range one port at a time costs a socket and a bind each (~1 s for 65535 ports on a
/// small VM), so past a few hundred ports the kernel's socket tables (/proc/net/tcp, tcp6, udp,
/// udp6: a few milliseconds) name the ports that have a socket (a listening one, for TCP), and only
/// those are probed. The
/// bind probe stays the judge; the tables only skip ports with no socket at all. (A TCP socket
/// that is bound but neither listening nor connected is in no table; it receives nothing, so a
/// DNAT over its port takes nothing from it.)
extension PortProbe {
    static let directProbeLimit = 256

    /// The lowest port of `ports` that is not free on `address`, and why; nil when all are free.
    public static func firstHeld(udp: Bool, address: UInt32, ports: ClosedRange<UInt16>) -> (port: UInt16, holder: Holder)? {
        let candidates: [UInt16]
        if ports.count <= directProbeLimit {
            candidates = Array(ports)
        } else if let withSockets = portsWithSockets(udp: udp) {
            candidates = withSockets.filter(ports.contains).sorted()
        } else {
            candidates = Array(ports)
        }
        for port in candidates {
            let holder = check(udp: udp, address: address, port: port)
            if holder != .free { return (port, holder) }
        }
        return nil
    }

    /// Local ports of every IPv4 and IPv6 socket of one protocol (a dual-stack IPv6 socket holds
    /// the IPv4 port too); nil when a table cannot be read. A kernel without IPv6 has no tcp6.
    static func portsWithSockets(udp: Bool) -> Set<UInt16>? {
        var ports = Set<UInt16>()
        for table in udp ? ["udp", "udp6"] : ["tcp", "tcp6"] {
            let contents: String?
            do { contents = try Files.read("/proc/net/\(table)") } catch { return nil }
            guard let text = contents else {
                if table.hasSuffix("6") { continue }
                return nil
            }
            // "  sl  local_address rem_address st ..." then "   0: 0100007F:0035 00000000:0000 0A ..."
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
                guard fields.count >= 4, let colon = fields[1].lastIndex(of: ":"),
                      let port = UInt16(fields[1][fields[1].index(after: colon)...], radix: 16) else { continue }
                // TCP: only listeners take incoming connections; a client's port (established,
                // TIME_WAIT) is not one a published port would take anything from.
                if !udp && fields[3] != "0A" { continue }
                ports.insert(port)
            }
        }
        return ports
    }
}
