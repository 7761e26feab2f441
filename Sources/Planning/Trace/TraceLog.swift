import BridgeModel

/// What `xtables-monitor --trace` printed for traced packets, parsed. The kernel reports every
/// rule a packet with `meta nftrace` set matched (NFT_MSG_TRACE); xtables-monitor prints each rule
/// of an iptables-nft table back in iptables-save syntax, comment included, which is how a trace
/// event is tied to bridgectl's rule (`nft monitor trace` prints the rules without their comments).
///
///     PACKET: 2 9b55751b IN=uplink0 OUT=br-… SRC=203.0.113.1 DST=172.19.0.2 … SPORT=53610 DPORT=80 SYN
///      TRACE: 2 9b55751b nat:BRIDGECTL-DNAT:rule:0x16:ACCEPT  -4 -t nat -A BRIDGECTL-DNAT -p tcp … -j DNAT …
///      TRACE: 2 9b55751b nat:POSTROUTING:policy:ACCEPT
public enum TraceLog {
    /// The packet as one hook saw it (a PACKET line): addresses after the NAT done so far.
    public struct Packet: Equatable, Sendable {
        public var inInterface: String?
        public var outInterface: String?
        public var source: IPv4Address?
        public var destination: IPv4Address?
        public var sourcePort: UInt16?
        public var destinationPort: UInt16?
        /// "tcp", "udp", "icmp" where the monitor says (nft's trace does; it tells a published
        /// port's map element apart).
        public var transport: String?

        public init(inInterface: String? = nil, outInterface: String? = nil, source: IPv4Address? = nil,
                    destination: IPv4Address? = nil, sourcePort: UInt16? = nil, destinationPort: UInt16? = nil) {
            self.inInterface = inInterface; self.outInterface = outInterface
            self.source = source; self.destination = destination
            self.sourcePort = sourcePort; self.destinationPort = destinationPort
        }
    }

    /// One rule that matched, or a base chain's policy applied (`spec` nil).
    public struct Event: Equatable, Sendable {
        public var table: String
        public var chain: String
        /// ACCEPT, DROP, CONTINUE, JUMP, GOTO, RETURN, ... as the kernel gave it.
        public var verdict: String
        /// The chain a JUMP or GOTO went to.
        public var jumpTarget: String?
        /// The rule as iptables-save prints it after `-A CHAIN`; nil for a policy.
        public var spec: String?

        public init(table: String, chain: String, verdict: String, jumpTarget: String? = nil, spec: String? = nil) {
            self.table = table; self.chain = chain; self.verdict = verdict; self.jumpTarget = jumpTarget; self.spec = spec
        }

        public var isPolicy: Bool { spec == nil }
    }

    /// One hook's worth: the packet as it arrived there and what matched in it.
    public struct Visit: Equatable, Sendable {
        public var packet: Packet
        public var events: [Event]
        public init(packet: Packet, events: [Event] = []) { self.packet = packet; self.events = events }
    }

    /// Every visit, in the order printed. TRACE lines before any PACKET line (the monitor
    /// started mid-packet) and lines of any other shape are skipped.
    public static func parse(_ text: String) -> [Visit] {
        var visits: [Visit] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop(while: { $0 == " " })
            if line.hasPrefix("PACKET: ") {
                visits.append(Visit(packet: packet(String(line.dropFirst(8)))))
            } else if line.hasPrefix("TRACE: "), !visits.isEmpty, let event = event(String(line.dropFirst(7))) {
                visits[visits.count - 1].events.append(event)
            }
        }
        return visits
    }

    /// What `nft monitor trace` printed, parsed into the same visits. The nftables backend's
    /// rules use sets, maps and `fib`, which xtables-monitor cannot print in iptables syntax (it
    /// exits on the first such rule), so its table is traced by nft itself:
    ///
    ///     trace id 5e4148b3 ip bridgectl output packet: oif "lo" ip saddr 127.0.0.1 ip daddr … tcp dport 8080 …
    ///     trace id 5e4148b3 ip bridgectl output rule fib daddr type local … comment "bridgectl …" (verdict accept)
    ///     trace id 5e4148b3 ip bridgectl forward rule iifname vmap @from-bridge comment "…" (verdict jump forward-br-x)
    ///     trace id 5e4148b3 ip bridgectl prerouting policy accept
    ///
    /// A packet line starts a visit, except one for the chain the last rule jumped to (the same
    /// hook). Verdicts are upper-cased as xtables-monitor gives them.
    public static func parseNft(_ text: String) -> [Visit] {
        var visits: [Visit] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let words = rawLine.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: true)
            guard words.count == 7, words[0] == "trace", words[1] == "id" else { continue }
            let table = String(words[4]), chain = String(words[5]), rest = words[6]
            if rest.hasPrefix("packet: ") {
                let jumpedHere = visits.last?.events.last?.jumpTarget == chain
                if !jumpedHere { visits.append(Visit(packet: nftPacket(String(rest.dropFirst(8))))) }
                continue
            }
            guard !visits.isEmpty else { continue }
            if rest.hasPrefix("policy ") {
                visits[visits.count - 1].events.append(Event(table: table, chain: chain, verdict: rest.dropFirst(7).split(separator: " ").first.map { $0.uppercased() } ?? "?"))
            } else if rest.hasPrefix("rule ") || rest.hasPrefix("unknown rule "),
                      let open = rest.ranges(of: " (verdict ").last, rest.hasSuffix(")") {
                let verdictWords = rest[open.upperBound..<rest.index(before: rest.endIndex)].split(separator: " ")
                let rule = rest.hasPrefix("rule ") ? String(rest[rest.index(rest.startIndex, offsetBy: 5)..<open.lowerBound]) : ""
                visits[visits.count - 1].events.append(Event(
                    table: table, chain: chain, verdict: verdictWords.first.map { $0.uppercased() } ?? "?",
                    jumpTarget: verdictWords.count > 1 ? String(verdictWords[1]) : nil, spec: rule))
            }
        }
        return visits
    }

    /// `iif "br-x" oif "br-y" … ip saddr 172.18.0.2 ip daddr 172.19.0.2 … tcp sport 40000 tcp dport 80 …`
    static func nftPacket(_ text: String) -> Packet {
        var packet = Packet()
        let words = text.split(separator: " ").map { String($0).replacingAll("\"", with: "") }
        for (index, word) in words.enumerated() where index + 1 < words.count {
            let next = words[index + 1]
            switch word {
            case "iif": packet.inInterface = next
            case "oif": packet.outInterface = next
            case "saddr" where index > 0 && words[index - 1] == "ip": packet.source = try? parseIPv4(next)
            case "daddr" where index > 0 && words[index - 1] == "ip": packet.destination = try? parseIPv4(next)
            case "sport": packet.sourcePort = UInt16(next); packet.transport = words[index - 1]
            case "dport": packet.destinationPort = UInt16(next); packet.transport = words[index - 1]
            case "icmp": packet.transport = packet.transport ?? "icmp"
            default: break
            }
        }
        return packet
    }

    /// "2 9b55751b IN=uplink0 ... SRC=203.0.113.1 DST=203.0.113.2 ... SPORT=53610 DPORT=8080 SYN"
    static func packet(_ text: String) -> Packet {
        var packet = Packet()
        for word in text.split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { continue }
            let key = word[..<equals], value = String(word[word.index(after: equals)...])
            switch key {
            case "IN": packet.inInterface = value
            case "OUT": packet.outInterface = value
            case "SRC": packet.source = try? parseIPv4(value)
            case "DST": packet.destination = try? parseIPv4(value)
            case "SPORT": packet.sourcePort = UInt16(value)
            case "DPORT": packet.destinationPort = UInt16(value)
            case "PROTO": packet.transport = value.lowercased()
            default: break
            }
        }
        return packet
    }

    /// "2 ID table:chain:rule:0xH:VERDICT[:TARGET]  -4 -t table -A chain SPEC" or
    /// "2 ID table:chain:policy:VERDICT" (also "return:").
    static func event(_ text: String) -> Event? {
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count >= 3 else { return nil }
        let rest = words[2]
        let headEnd = rest.firstIndex(of: " ") ?? rest.endIndex
        let head = rest[..<headEnd].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard head.count >= 3 else { return nil }
        let table = head[0], chain = head[1], kind = head[2]
        var verdictFields: ArraySlice<String>
        switch kind {
        case "rule": verdictFields = head.dropFirst(4)
        case "policy", "return": verdictFields = head.dropFirst(3)
        default: return nil
        }
        guard let verdict = verdictFields.popFirst() else { return nil }
        let jumpTarget = verdictFields.isEmpty ? nil : verdictFields.joined(separator: ":")
        guard kind == "rule" else { return Event(table: table, chain: chain, verdict: verdict, jumpTarget: jumpTarget) }
        // The rule as iptables prints it: "-4 -t TABLE -A CHAIN SPEC"; keep SPEC, the part iptables-save shows.
        let rule = rest[headEnd...].drop(while: { $0 == " " })
        let marker = "-A \(chain) "
        var spec = ""
        if let range = rule.firstRange(of: marker) {
            spec = String(rule[range.upperBound...])
        }
        while spec.hasSuffix(" ") { spec.removeLast() }
        return Event(table: table, chain: chain, verdict: verdict, jumpTarget: jumpTarget, spec: spec)
    }
}
