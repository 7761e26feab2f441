import BridgeModel

/// bridgectl's iptables rules, planned as data. Layout (filter table):
///
///     FORWARD -> BRIDGECTL-USER        (first; the user's chain, never flushed by bridgectl)
///             -> BRIDGECTL-FORWARD
///                  -> BRIDGECTL-CT          replies to connections already allowed, per network
///                  -> BRIDGECTL-PORTS       DNATed traffic to published ports, per container
///                  -> BRIDGECTL-ISOLATION-1 / -2   no traffic between two bridgectl networks
///                  per network: ICC accept|drop, outbound accept, what another tool DNATed in
///                  accept (unless internal), everything else in: drop
///
/// nat table: PREROUTING -> BRIDGECTL-DNAT; OUTPUT -> BRIDGECTL-DNAT-OUTPUT (loopback-only
/// bindings, then BRIDGECTL-DNAT); POSTROUTING -> BRIDGECTL-POSTROUTING (masquerade, hairpin).
///
/// Per-network and per-container rules are appended and deleted one by one, so a command's
/// cost never depends on how many rules exist.
public enum FirewallPlanner {
    public static let userChain = "BRIDGECTL-USER"
    public static let forwardChain = "BRIDGECTL-FORWARD"
    public static let conntrackChain = "BRIDGECTL-CT"
    public static let portsChain = "BRIDGECTL-PORTS"
    public static let isolation1 = "BRIDGECTL-ISOLATION-1"
    public static let isolation2 = "BRIDGECTL-ISOLATION-2"
    public static let dnatChain = "BRIDGECTL-DNAT"
    public static let dnatOutputChain = "BRIDGECTL-DNAT-OUTPUT"
    public static let postroutingChain = "BRIDGECTL-POSTROUTING"

    static let filterChains = [forwardChain, conntrackChain, portsChain, isolation1, isolation2]
    static let natChains = [dnatChain, dnatOutputChain, postroutingChain]

    /// The jumps from built-in chains, in the order they are installed.
    static let userJump = "\(RuleText.comment("user rules first")) -j \(userChain)"
    static let forwardJump = "\(RuleText.comment("forwarding for bridgectl networks")) -j \(forwardChain)"
    static let preroutingJump = "-m addrtype --dst-type LOCAL \(RuleText.comment("published ports")) -j \(dnatChain)"
    static let outputJump = "-m addrtype --dst-type LOCAL \(RuleText.comment("published ports from this host")) -j \(dnatOutputChain)"
    static let postroutingJump = "\(RuleText.comment("masquerade and hairpin")) -j \(postroutingChain)"
    /// Built-in nat chain, bridgectl chain it jumps to, and the jump rule.
    static let natJumps = [("PREROUTING", dnatChain, preroutingJump), ("OUTPUT", dnatOutputChain, outputJump),
                           ("POSTROUTING", postroutingChain, postroutingJump)]

    /// Chains and jumps shared by all networks, for whatever of them is missing.
    public static func baseSetup(observed: FirewallObservation) -> [RuleOp] {
        var ops: [RuleOp] = []
        for chain in filterChains where !observed.hasChain("filter", chain) {
            ops.append(.createChain(table: "filter", chain: chain))
        }
        for chain in natChains where !observed.hasChain("nat", chain) {
            ops.append(.createChain(table: "nat", chain: chain))
        }
        let freshFilter = !observed.hasChain("filter", forwardChain)
        if freshFilter {
            ops.append(.append(table: "filter", chain: forwardChain, spec: "\(RuleText.comment("replies")) -j \(conntrackChain)"))
            ops.append(.append(table: "filter", chain: forwardChain, spec: "\(RuleText.comment("published ports")) -j \(portsChain)"))
            ops.append(.append(table: "filter", chain: forwardChain, spec: "\(RuleText.comment("isolation between networks")) -j \(isolation1)"))
        }
        if !observed.hasChain("nat", dnatOutputChain) {
            ops.append(.append(table: "nat", chain: dnatOutputChain, spec: "\(RuleText.comment("all-address bindings")) -j \(dnatChain)"))
        }
        // Both jumps go to the top of FORWARD, the user's first: user rules always win.
        if !observed.hasJump("filter", from: "FORWARD", to: forwardChain) {
            let userJumpIndex = observed.forwardRules.firstIndex { $0.hasSuffix("-j \(userChain)") }
            ops.append(.insert(table: "filter", chain: "FORWARD", position: userJumpIndex.map { $0 + 2 } ?? 1, spec: forwardJump))
        }
        if !observed.hasChain("filter", userChain) {
            ops.append(.createChain(table: "filter", chain: userChain))
        }
        if !observed.hasJump("filter", from: "FORWARD", to: userChain) {
            ops.append(.insert(table: "filter", chain: "FORWARD", position: 1, spec: userJump))
        }
        for (chain, target, jump) in natJumps where !observed.hasJump("nat", from: chain, to: target) {
            ops.append(.append(table: "nat", chain: chain, spec: jump))
        }
        return ops
    }

    /// Removes the shared chains and jumps once no network needs them. BRIDGECTL-USER goes too,
    /// unless the user put rules in it: those are theirs, so chain and jump stay.
    public static func baseTeardown(observed: FirewallObservation) -> [RuleOp] {
        var ops: [RuleOp] = []
        if observed.hasJump("filter", from: "FORWARD", to: forwardChain) {
            ops.append(.delete(table: "filter", chain: "FORWARD", spec: forwardJump))
        }
        if observed.userRuleCount == 0 && observed.hasChain("filter", userChain) {
            if observed.hasJump("filter", from: "FORWARD", to: userChain) {
                ops.append(.delete(table: "filter", chain: "FORWARD", spec: userJump))
            }
            ops.append(.deleteChain(table: "filter", chain: userChain))
        }
        for (chain, target, jump) in natJumps where observed.hasJump("nat", from: chain, to: target) {
            ops.append(.delete(table: "nat", chain: chain, spec: jump))
        }
        for chain in filterChains where observed.hasChain("filter", chain) {
            ops.append(.flushChain(table: "filter", chain: chain))
        }
        for chain in natChains where observed.hasChain("nat", chain) {
            ops.append(.flushChain(table: "nat", chain: chain))
        }
        for chain in filterChains where observed.hasChain("filter", chain) {
            ops.append(.deleteChain(table: "filter", chain: chain))
        }
        for chain in natChains where observed.hasChain("nat", chain) {
            ops.append(.deleteChain(table: "nat", chain: chain))
        }
        return ops
    }

    /// One network's rules; removing the network deletes exactly these.
    public static func networkRules(_ network: NetworkRecord) -> [RuleOp] {
        guard let subnet = network.subnet else { return [] }
        let bridge = network.bridgeName
        let owner = "net=\(network.name)"
        func filter(_ chain: String, _ spec: String) -> RuleOp { .append(table: "filter", chain: chain, spec: spec) }
        func nat(_ spec: String) -> RuleOp { .append(table: "nat", chain: postroutingChain, spec: spec) }
        var ops: [RuleOp] = [
            filter(conntrackChain, "-o \(bridge) -m conntrack --ctstate RELATED,ESTABLISHED \(RuleText.comment("\(owner) replies")) -j ACCEPT"),
        ]
        if network.isInternal {
            ops.append(filter(isolation1, "-i \(bridge) ! -o \(bridge) \(RuleText.comment("\(owner) internal: nothing out")) -j DROP"))
            ops.append(filter(isolation1, "! -i \(bridge) -o \(bridge) \(RuleText.comment("\(owner) internal: nothing in")) -j DROP"))
        } else {
            ops.append(filter(isolation1, "-i \(bridge) ! -o \(bridge) \(RuleText.comment("\(owner) leaving: check isolation")) -j \(isolation2)"))
        }
        ops.append(filter(isolation2, "-o \(bridge) \(RuleText.comment("\(owner) isolated from other networks")) -j DROP"))
        let icc = network.options.enableICC
        ops.append(filter(forwardChain, "-i \(bridge) -o \(bridge) \(RuleText.comment("\(owner) icc \(icc ? "on" : "off")")) -j \(icc ? "ACCEPT" : "DROP")"))
        if !network.isInternal {
            ops.append(filter(forwardChain, "-i \(bridge) ! -o \(bridge) \(RuleText.comment("\(owner) outbound")) -j ACCEPT"))
        }
        if !network.isInternal {
            // A DNAT is already a decision to publish: another tool's (CNI portmap chained after
            // bridgectl, a user's own rule) gets through as bridgectl's published ports do.
            // Isolation between networks and ICC were decided above.
            ops.append(filter(forwardChain, "-o \(bridge) -m conntrack --ctstate DNAT \(RuleText.comment("\(owner) DNATed in")) -j ACCEPT"))
        }
        ops.append(filter(forwardChain, "-o \(bridge) \(RuleText.comment("\(owner) nothing else in")) -j DROP"))
        if !network.isInternal && network.options.enableIPMasquerade {
            ops.append(nat("-s \(subnet) ! -o \(bridge) \(RuleText.comment("\(owner) masquerade")) -j MASQUERADE"))
        }
        // Host-originated connections to published ports (from 127.0.0.1, allowed onto the
        // bridge by route_localnet) and hairpin from the network's own containers get the
        // gateway as source, so the replies come back through the host and are un-NATed.
        ops.append(nat("-o \(bridge) -m addrtype --src-type LOCAL \(RuleText.comment("\(owner) host to published ports")) -j MASQUERADE"))
        ops.append(nat("-s \(subnet) -o \(bridge) -m conntrack --ctstate DNAT \(RuleText.comment("\(owner) hairpin")) -j MASQUERADE"))
        return ops
    }

    /// One container's published ports: DNAT to its address, and the forward accept; one pair
    /// of rules per binding, a range included.
    public static func publishRules(container: String, address: IPv4Address, bridge: String,
                                    bindings: [PortBinding]) -> [RuleOp] {
        var ops: [RuleOp] = []
        for binding in bindings {
            let proto = binding.transport.rawValue
            let owner = "container=\(container) publish \(binding.mapping)"
            let destination = binding.hostIP == .any ? "" : "-d \(binding.hostIP)/32 "
            // Loopback-only bindings are reachable only from this host: their DNAT lives in the
            // chain OUTPUT jumps to, never PREROUTING, so crafted packets from outside to
            // 127.0.0.1 are not forwarded (moby#45610).
            let chain = binding.hostIP.octets[0] == 127 ? dnatOutputChain : dnatChain
            ops.append(.append(table: "nat", chain: chain,
                               spec: "\(destination)-p \(proto) -m \(proto) --dport \(portMatch(binding.hostPorts)) \(RuleText.comment(owner)) -j DNAT --to-destination \(dnatTarget(binding, address))"))
            ops.append(.append(table: "filter", chain: portsChain,
                               spec: "-d \(address)/32 -o \(bridge) -p \(proto) -m \(proto) --dport \(portMatch(binding.containerPorts)) -m conntrack --ctstate DNAT \(RuleText.comment(owner)) -j ACCEPT"))
        }
        return ops
    }

    /// `--dport` as iptables-save prints it: "8080" or "8000:8002".
    static func portMatch(_ ports: ClosedRange<UInt16>) -> String {
        ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound):\(ports.upperBound)"
    }

    /// A range whose host and container ports are equal needs no port in the DNAT (the
    /// destination port is kept); a shifted range uses the kernel's port shift
    /// (`ADDR:80-89/21000`: 21000 + n goes to 80 + n, NF_NAT_RANGE_PROTO_OFFSET).
    static func dnatTarget(_ binding: PortBinding, _ address: IPv4Address) -> String {
        if !binding.isRange { return "\(address):\(binding.containerPort)" }
        if binding.hostPort == binding.containerPort { return "\(address)" }
        let containerPorts = binding.containerPorts
        return "\(address):\(containerPorts.lowerBound)-\(containerPorts.upperBound)/\(binding.hostPort)"
    }

    /// Deletions of every rule whose comment names the container as its owner, as found in the
    /// ruleset: how a container whose record is lost loses its rules.
    public static func rulesOwned(byContainer name: String, in observed: FirewallObservation) -> [RuleOp] {
        let marker = "--comment \"bridgectl container=\(name) "
        return observed.rules.sorted().filter { $0.contains(marker) }.compactMap(deletion(ofObserved:))
    }

    /// Deletions of every rule matching traffic in or out of `bridge` (`-i`/`-o`): every rule of
    /// a network names its bridge, so this finds them when its record is lost.
    public static func rulesOwned(byBridge bridge: String, in observed: FirewallObservation) -> [RuleOp] {
        observed.rules.sorted().filter { rule in
            let words = rule.split(separator: " ")
            return zip(words, words.dropFirst()).contains { ($0 == "-i" || $0 == "-o") && $1 == bridge }
        }.compactMap(deletion(ofObserved:))
    }

    /// The deletion of a rule as `FirewallObservation.rules` holds it ("table/CHAIN spec").
    static func deletion(ofObserved rule: String) -> RuleOp? {
        guard let slash = rule.firstIndex(of: "/"), let space = rule.firstIndex(of: " ") else { return nil }
        return .delete(table: String(rule[..<slash]), chain: String(rule[rule.index(after: slash)..<space]),
                       spec: String(rule[rule.index(after: space)...]))
    }

    /// Sysctls a network needs in the host namespace: forwarding (unless internal), and
    /// route_localnet on its bridge so 127.0.0.1 bindings can be DNATed onto it.
    public static func sysctls(for network: NetworkRecord) -> [(key: String, value: String)] {
        var values: [(key: String, value: String)] = []
        if !network.isInternal { values.append(("net.ipv4.ip_forward", "1")) }
        values.append((SysctlKey.forInterface("net.ipv4.conf", network.bridgeName, "route_localnet"), "1"))
        return values
    }
}
