import BridgeModel

/// The temporary nftables table that marks the traced packet (`meta nftrace set 1`) at the first
/// hook it meets: prerouting for a packet coming from a container or another namespace, output
/// for one this host sends. Its chains run before every other (priority -500, ahead of conntrack
/// and NAT), so the packet is marked with the addresses it was sent with. Named after the PID
/// of the bridgectl that made it, so a table a killed trace left is recognised and removed.
public enum TraceTable {
    public static let prefix = "bridgectl-trace-"

    public static func name(pid: Int32) -> String { "\(prefix)\(pid)" }

    /// What a packet must carry to be traced; nil fields match anything.
    public struct Match: Equatable, Sendable {
        public var sources: [IPv4Address]
        public var destination: IPv4Address?
        public var transport: TraceRequest.Transport
        public var sourcePort: UInt16?
        public var destinationPort: UInt16?
        public init(sources: [IPv4Address] = [], destination: IPv4Address?, transport: TraceRequest.Transport,
                    sourcePort: UInt16? = nil, destinationPort: UInt16? = nil) {
            self.sources = sources; self.destination = destination; self.transport = transport
            self.sourcePort = sourcePort; self.destinationPort = destinationPort
        }

        /// One rule's matches in nft syntax per source address (one rule when any source will do).
        /// Only matches iptables can express too: xtables-monitor prints every traced rule in
        /// iptables syntax, this table's included, and gives up on a packet whose rule it cannot
        /// translate (an `icmp id` or a set), so the echo is told apart by its addresses.
        public var nftRules: [String] {
            var words: [String] = []
            if let destination { words.append("ip daddr \(destination)") }
            switch transport {
            case .icmp:
                words.append("icmp type echo-request")
            case .tcp, .udp:
                let proto = transport.rawValue
                if let sourcePort { words.append("\(proto) sport \(sourcePort)") }
                if let destinationPort { words.append("\(proto) dport \(destinationPort)") }
                if sourcePort == nil && destinationPort == nil { words.append("ip protocol \(proto)") }
            }
            let rest = words.joined(separator: " ")
            guard !sources.isEmpty else { return [rest] }
            return sources.map { "ip saddr \($0) \(rest)" }
        }
    }

    /// The `nft -f` input creating the table.
    public static func script(name: String, match: Match) -> String {
        let rules = match.nftRules.map { "\t\t\($0) meta nftrace set 1\n" }.joined()
        return "table ip \(name) {\n"
            + "\tchain prerouting {\n\t\ttype filter hook prerouting priority -500; policy accept;\n\(rules)\t}\n"
            + "\tchain output {\n\t\ttype filter hook output priority -500; policy accept;\n\(rules)\t}\n"
            + "}\n"
    }

    /// The trace tables in `nft list tables` output, with the PID each is named after.
    public static func tables(inListing text: String) -> [(name: String, pid: Int32)] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let words = line.split(separator: " ")
            guard words.count == 3, words[0] == "table", words[1] == "ip", words[2].hasPrefix(prefix),
                  let pid = Int32(words[2].dropFirst(prefix.count)), pid > 0 else { return nil }
            return (String(words[2]), pid)
        }
    }
}
