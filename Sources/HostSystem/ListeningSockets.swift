/// Sockets host processes hold, from /proc/net/{tcp,udp}{,6} of the caller's network namespace,
/// so a published port never shadows a port a host service listens on.
public enum ListeningSockets {
    public struct Socket: Hashable, Sendable {
        public let transport: String
        /// IPv4 address in host order; 0 for any address (and for IPv6 wildcard sockets).
        public let address: UInt32
        public let port: UInt16
    }

    public static func read() -> [Socket] {
        var sockets: [Socket] = []
        for (file, transport, listeningState) in [("tcp", "tcp", "0A"), ("tcp6", "tcp", "0A"), ("udp", "udp", "07"), ("udp6", "udp", "07")] {
            guard let text = try? Files.read("/proc/net/\(file)") else { continue }
            sockets += parse(text, transport: transport, listeningState: listeningState, ipv6: file.hasSuffix("6"))
        }
        return sockets
    }

    /// Parses one /proc/net table: "sl local_address rem_address st ..." with hex address:port.
    public static func parse(_ text: String, transport: String, listeningState: String, ipv6: Bool) -> [Socket] {
        var sockets: [Socket] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == listeningState else { continue }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, let port = UInt16(local[1], radix: 16) else { continue }
            let hex = local[0]
            var address: UInt32 = 0
            if !ipv6, let raw = UInt32(hex, radix: 16) {
                address = raw.byteSwapped  // /proc prints the in-memory (network order) word little-endian
            } else if ipv6 {
                // ::ffff:a.b.c.d is the one IPv6 form that names a single IPv4 address.
                if hex.count == 32, hex.hasPrefix("0000000000000000FFFF0000"), let raw = UInt32(hex.suffix(8), radix: 16) {
                    address = raw.byteSwapped
                } else if hex.allSatisfy({ $0 == "0" }) {
                    address = 0
                } else {
                    continue
                }
            }
            sockets.append(Socket(transport: transport, address: address, port: port))
        }
        return sockets
    }
}
