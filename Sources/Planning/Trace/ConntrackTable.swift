import BridgeModel

/// Connections as /proc/net/nf_conntrack lists them (this namespace's table), parsed: where NAT
/// sent a traced packet shows in its connection's reply tuple (the masquerade address is the
/// reply's destination).
public struct ConntrackEntry: Equatable, Sendable {
    public struct Tuple: Equatable, Sendable {
        public var source: IPv4Address
        public var destination: IPv4Address
        public var sourcePort: UInt16?
        public var destinationPort: UInt16?
        public var icmpID: UInt16?

        public init(source: IPv4Address, destination: IPv4Address, sourcePort: UInt16? = nil,
                    destinationPort: UInt16? = nil, icmpID: UInt16? = nil) {
            self.source = source; self.destination = destination
            self.sourcePort = sourcePort; self.destinationPort = destinationPort; self.icmpID = icmpID
        }
    }

    public var transport: String
    public var original: Tuple
    public var reply: Tuple

    public init(transport: String, original: Tuple, reply: Tuple) {
        self.transport = transport; self.original = original; self.reply = reply
    }

    /// "ipv4 2 tcp 6 118 SYN_SENT src=A dst=B sport=P dport=Q [UNREPLIED] src=B dst=C sport=Q dport=P mark=0 ..."
    public static func parse(_ text: String) -> [ConntrackEntry] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let words = line.split(separator: " ")
            guard words.count > 3, words[0] == "ipv4" else { return nil }
            var tuples: [[String: String]] = []
            for word in words {
                guard let equals = word.firstIndex(of: "=") else { continue }
                let key = String(word[..<equals]), value = String(word[word.index(after: equals)...])
                if key == "src" { tuples.append([:]) }
                guard !tuples.isEmpty, tuples.count <= 2 else { continue }
                tuples[tuples.count - 1][key] = value
            }
            guard tuples.count == 2, let original = tuple(tuples[0]), let reply = tuple(tuples[1]) else { return nil }
            return ConntrackEntry(transport: String(words[2]), original: original, reply: reply)
        }
    }

    static func tuple(_ fields: [String: String]) -> Tuple? {
        guard let source = fields["src"].flatMap({ try? parseIPv4($0) }),
              let destination = fields["dst"].flatMap({ try? parseIPv4($0) }) else { return nil }
        return Tuple(source: source, destination: destination, sourcePort: fields["sport"].flatMap { UInt16($0) },
                     destinationPort: fields["dport"].flatMap { UInt16($0) }, icmpID: fields["id"].flatMap { UInt16($0) })
    }
}
