import BridgeModel

/// The path one traced packet took through the host's netfilter hooks, each matched rule in
/// words (RuleMeaning of the rule as iptables-save shows it, or of the nftables op that made
/// it), and the verdict — read from the
/// trace events (and the connection's NAT from conntrack), never guessed from the ruleset.
public struct TraceReport: Equatable, Sendable {
    /// One rule that matched, or a base chain's policy that decided.
    public struct Step: Equatable, Sendable {
        public var table: String
        public var chain: String
        /// ACCEPT, DROP, JUMP, ... as the kernel reported it.
        public var verdict: String
        public var jumpTarget: String?
        /// The rule as iptables-save shows it; nil for a policy.
        public var spec: String?
        /// The rule's comment ("bridgectl net=web icc off"), if it has one.
        public var comment: String?
        /// bridgectl's words for it; nil for a policy or someone else's rule.
        public var meaning: RuleMeaning?
    }

    /// The packet at one hook (PREROUTING, FORWARD, ...), as it arrived there, and what matched.
    public struct Hop: Equatable, Sendable {
        public var hook: String
        public var packet: TraceLog.Packet
        public var steps: [Step]
    }

    public enum NATKind: String, Equatable, Sendable {
        case dnat = "DNATed"
        case masquerade = "masqueraded"
        case snat = "SNATed"
    }

    /// An address rewrite on the path: to where, by which rule.
    public struct NAT: Equatable, Sendable {
        public var kind: NATKind
        /// "172.18.0.2:80", "203.0.113.2"; nil when neither the trace nor conntrack says.
        public var to: String?
        /// Out of which interface a masqueraded packet left (its address is the new source).
        public var interface: String?
        public var rule: String
    }

    public enum Outcome: Equatable, Sendable {
        /// No rule stopped it: it went on to its destination.
        case accepted
        /// `chain` and `rule` (a comment, or the spec of a rule without one); rule nil: the policy.
        case dropped(table: String, chain: String, rule: String?)
        /// Nothing was traced: the packet never reached this host's netfilter hooks.
        case notSeen
    }

    public var hops: [Hop]
    public var nat: [NAT]
    public var outcome: Outcome

    public init(hops: [Hop], nat: [NAT], outcome: Outcome) {
        self.hops = hops; self.nat = nat; self.outcome = outcome
    }

    public static let builtinChains: Set<String> = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]

    /// The first packet's path in `visits` (later ones — a retransmission, a second match under
    /// --watch — start again at the trace table's own chain and are left out). `firewall` gives
    /// each matched rule as iptables-save shows it; `conntrack` the NAT the kernel recorded;
    /// `icmpID` tells the probe's echo connection from others between the same addresses.
    /// `interfaceAddresses` (the host's, by interface) name a masquerade's address when conntrack
    /// no longer holds the connection (a refused TCP connection is gone at once) and the interface
    /// has one address only, the one MASQUERADE then necessarily took.
    /// `nftOps`: the nftables backend's planned ops (ExpectedHost.nftOps), whose rules and
    /// elements give a rule of table ip bridgectl its words.
    public static func build(visits: [TraceLog.Visit], firewall: FirewallObservation,
                             conntrack: [ConntrackEntry] = [], icmpID: UInt16? = nil,
                             interfaceAddresses: [String: [IPv4Address]] = [:], nftOps: [NftOp] = []) -> TraceReport {
        let journey = firstJourney(visits)
        let nftStanding = Topology.standingNftOps(nftOps)
        var hops: [Hop] = []
        var nat: [NAT] = []
        var outcome = Outcome.accepted
        for (index, visit) in journey.enumerated() {
            // The trace table's own chains (named after their hook) show where the packet entered;
            // their rule is trace's, not a step of the path.
            let events = visit.events.filter { !$0.table.hasPrefix(TraceTable.prefix) }
            guard let first = visit.events.first else { continue }
            let steps = events.map { event in
                event.table == NftTable.name
                    ? nftStep(for: event, packet: visit.packet, standing: nftStanding)
                    : step(for: event, firewall: firewall)
            }
            let hook = events.first(where: { builtinChains.contains($0.chain) })?.chain ?? first.chain.uppercased()
            if let last = hops.last, last.hook == hook, last.packet == visit.packet {
                hops[hops.count - 1].steps += steps
            } else {
                hops.append(Hop(hook: hook, packet: visit.packet, steps: steps))
            }
            let laterPacket = journey.dropFirst(index + 1).first?.packet
            for step in steps {
                if let change = natChange(step, packet: visit.packet, laterPacket: laterPacket, original: journey.first?.packet,
                                          conntrack: conntrack, icmpID: icmpID, interfaceAddresses: interfaceAddresses) {
                    nat.append(change)
                }
                if step.verdict == "DROP" {
                    outcome = .dropped(table: step.table, chain: step.chain, rule: step.spec == nil ? nil : (step.comment ?? step.spec))
                }
            }
            if case .dropped = outcome { break }
        }
        if journey.isEmpty { outcome = .notSeen }
        return TraceReport(hops: hops, nat: nat, outcome: outcome)
    }

    /// The visits of the first traced packet: up to the next visit of the trace table's chains.
    static func firstJourney(_ visits: [TraceLog.Visit]) -> [TraceLog.Visit] {
        func startsPacket(_ visit: TraceLog.Visit) -> Bool {
            visit.events.first?.table.hasPrefix(TraceTable.prefix) == true
        }
        guard let start = visits.firstIndex(where: startsPacket) ?? (visits.isEmpty ? nil : 0) else { return [] }
        let rest = visits[(start + 1)...]
        let end = rest.firstIndex(where: startsPacket) ?? visits.endIndex
        return Array(visits[start..<end])
    }

    static func step(for event: TraceLog.Event, firewall: FirewallObservation) -> Step {
        guard let traced = event.spec else {
            return Step(table: event.table, chain: event.chain, verdict: event.verdict, jumpTarget: event.jumpTarget)
        }
        let comment = RuleMatches.comment(in: traced)
        // The rule as iptables-save holds it: the comment names a bridgectl rule within its chain.
        let prefix = "\(event.table)/\(event.chain) "
        let observed = comment.flatMap { comment in
            firewall.rules.first { $0.hasPrefix(prefix) && RuleMatches.comment(in: String($0.dropFirst(prefix.count))) == comment }
        }.map { String($0.dropFirst(prefix.count)) }
        let spec = observed ?? traced
        return Step(table: event.table, chain: event.chain, verdict: event.verdict, jumpTarget: event.jumpTarget,
                    spec: spec, comment: comment,
                    meaning: RuleMeaning.of(table: event.table, chain: event.chain, spec: spec))
    }

    /// A rule of bridgectl's nftables table, in words from the op that made it. A rule that
    /// looks something up in a map (where a bridge's traffic goes, where a published port leads)
    /// is named by the element that decided, found by the packet's interface or address, port
    /// and protocol: the element is what the network or container owns.
    static func nftStep(for event: TraceLog.Event, packet: TraceLog.Packet, standing: [NftOp]) -> Step {
        var step = Step(table: event.table, chain: event.chain, verdict: event.verdict, jumpTarget: event.jumpTarget)
        guard let spec = event.spec else {
            step.meaning = RuleMeaning(owner: .bridgectl, name: "policy", sentence: RuleMeaning.nftPolicySentence(chain: event.chain))
            return step
        }
        step.spec = spec
        let comment = nftComment(in: spec)
        step.comment = comment
        guard let comment else { return step }
        let rule = standing.first { op in
            if case .addRule(event.chain, _, let planned) = op { return NftComment.full(planned) == comment }
            return false
        }
        guard case .addRule(_, let exprs, _)? = rule else {
            step.meaning = RuleMeaning.ofNftRule(chain: event.chain, [], comment: String(comment.dropFirst("bridgectl ".count)))
            return step
        }
        step.meaning = rule.flatMap { RuleMeaning.of(nft: $0) }
        if let element = deciding(exprs, packet: packet, standing: standing), let words = RuleMeaning.of(nft: element),
           case .addElement(_, let decided) = element {
            step.meaning = words
            step.comment = NftComment.full(decided.comment)
        }
        return step
    }

    /// The element of a map or set the rule looked up that matches the packet, if the rule does.
    static func deciding(_ exprs: [NftExpr], packet: TraceLog.Packet, standing: [NftOp]) -> NftOp? {
        for expr in exprs {
            switch expr {
            case .verdictMap(let side, let map):
                guard let interface = side == .input ? packet.inInterface : packet.outInterface else { return nil }
                return standing.first { if case .addElement(map, let element) = $0 { return element.key == .interface(interface) }; return false }
            case .dnatThroughMap(let map, _, _), .publishedKeyInSet(let map):
                guard let address = packet.destination, let port = packet.destinationPort,
                      let proto = packet.transport.flatMap(TransportProtocol.init(rawValue:)) else { return nil }
                return standing.first { op in
                    guard case .addElement(map, let element) = op else { return false }
                    switch element.key {
                    case .protocolPort(let keyProto, let keyPort): return keyProto == proto && keyPort == port
                    case .addressProtocolPorts(let keyAddress, let keyProto, let ports):
                        return (keyAddress == address || keyAddress == .any) && keyProto == proto && ports.contains(port)
                    case .interface: return false
                    }
                }
            default: continue
            }
        }
        return nil
    }

    /// The text of `comment "…"` in a rule as nft prints it.
    static func nftComment(in rule: String) -> String? {
        guard let start = rule.firstRange(of: "comment \"") else { return nil }
        let rest = rule[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// What a rule rewrote: DNAT, MASQUERADE or SNAT, from iptables' target or nft's statement.
    static func natTarget(_ step: Step) -> String? {
        guard let spec = step.spec else { return nil }
        guard step.table == NftTable.name else { return RuleMatches(spec).target }
        // The statement, not the match `ct status dnat` (a connection that was rewritten).
        let words = spec.split(separator: " ")
        for (index, word) in words.enumerated() where index == 0 || words[index - 1] != "status" {
            switch word {
            case "dnat": return "DNAT"
            case "masquerade": return "MASQUERADE"
            case "snat": return "SNAT"
            default: continue
            }
        }
        return nil
    }

    static func natChange(_ step: Step, packet: TraceLog.Packet, laterPacket: TraceLog.Packet?,
                          original: TraceLog.Packet?, conntrack: [ConntrackEntry], icmpID: UInt16?,
                          interfaceAddresses: [String: [IPv4Address]]) -> NAT? {
        guard let spec = step.spec else { return nil }
        let matches = RuleMatches(spec)
        let rule = step.comment ?? spec
        let connection = original.flatMap { connectionOf($0, in: conntrack, icmpID: icmpID) }
        let target = natTarget(step)
        switch target {
        case "DNAT":
            // The next hook saw the rewritten destination: that is where it went.
            var to = matches.dnatDestination
            if let later = laterPacket, let address = later.destination, address != packet.destination || later.destinationPort != packet.destinationPort {
                to = later.destinationPort.map { "\(address):\($0)" } ?? "\(address)"
            }
            return NAT(kind: .dnat, to: to, interface: nil, rule: rule)
        case "MASQUERADE", "SNAT":
            var to = connection.map { "\($0.reply.destination)" }
            if to == nil, target == "MASQUERADE", let out = packet.outInterface,
               let addresses = interfaceAddresses[out], addresses.count == 1 {
                to = "\(addresses[0])"
            }
            return NAT(kind: target == "SNAT" ? .snat : .masquerade, to: to, interface: packet.outInterface, rule: rule)
        default:
            return nil
        }
    }

    /// The connection the traced packet opened: its original direction as the first hook saw it.
    static func connectionOf(_ packet: TraceLog.Packet, in conntrack: [ConntrackEntry], icmpID: UInt16?) -> ConntrackEntry? {
        conntrack.last { entry in
            entry.original.source == packet.source && entry.original.destination == packet.destination
                && (packet.sourcePort == nil || entry.original.sourcePort == packet.sourcePort)
                && (packet.destinationPort == nil || entry.original.destinationPort == packet.destinationPort)
                && (icmpID == nil || entry.transport != "icmp" || entry.original.icmpID == icmpID)
        }
    }

    // MARK: Words

    /// "dropped in BRIDGECTL-ISOLATION-2 by 'bridgectl net=back isolated from other networks'",
    /// "DNATed to 172.18.0.2:80 by '…', then accepted".
    public var verdict: String {
        var parts = nat.map { change -> String in
            var text = change.kind.rawValue
            if let to = change.to {
                text += change.kind == .dnat ? " to \(to)" : " as \(to)"
            } else if let interface = change.interface {
                text += " as the address of \(interface)"
            }
            return text + " by '\(change.rule)'"
        }
        switch outcome {
        case .accepted: parts.append("accepted")
        case .dropped(let table, let chain, let rule):
            parts.append(rule.map { "dropped in \(chain) by '\($0)'" } ?? "dropped by the policy of \(table) \(chain)")
        case .notSeen: parts.append("not seen: no packet reached this host's netfilter hooks")
        }
        return parts.joined(separator: ", then ")
    }

    /// The path, one line per hook and one per step under it, then the verdict.
    public var lines: [String] {
        var lines: [String] = []
        for hop in hops {
            var where_: [String] = []
            if let inInterface = hop.packet.inInterface { where_.append("in \(inInterface)") }
            if let outInterface = hop.packet.outInterface { where_.append("out \(outInterface)") }
            lines.append("\(hop.hook)  \(Self.describe(hop.packet))\(where_.isEmpty ? "" : " (\(where_.joined(separator: ", ")))")")
            for step in hop.steps { lines.append("  " + Self.describe(step)) }
            if hop.steps.isEmpty { lines.append("  no rule here matched it") }
        }
        lines.append("verdict: \(verdict)")
        return lines
    }

    static func describe(_ packet: TraceLog.Packet) -> String {
        func end(_ address: IPv4Address?, _ port: UInt16?) -> String {
            let text = address.map(\.description) ?? "?"
            return port.map { "\(text):\($0)" } ?? text
        }
        return "\(end(packet.source, packet.sourcePort)) -> \(end(packet.destination, packet.destinationPort))"
    }

    static func describe(_ step: Step) -> String {
        let action = step.verdict == "JUMP" || step.verdict == "GOTO"
            ? "\(step.verdict.lowercased()) \(step.jumpTarget ?? "?")"
            : natTarget(step) ?? step.verdict
        let place = "\(step.table) \(step.chain)"
        guard let spec = step.spec else {
            let words = step.meaning.map { ": \($0.sentence)" } ?? " (no rule decided)"
            return "\(place): policy \(step.verdict)\(words)"
        }
        if let meaning = step.meaning {
            return "\(place): \(action): \(meaning.sentence) ('\(step.comment ?? meaning.name)')"
        }
        return "\(place): \(action): a rule that is not bridgectl's: \(spec)"
    }
}
