import BridgeModel

/// bridgectl's nftables rules, planned as data: the same decisions as `FirewallPlanner` (the
/// iptables backend), laid out so that a command's cost never depends on how many networks,
/// containers or ports exist. Everything is in one table, `ip bridgectl`:
///
///     chain user                       regular chain for the user's own rules: jumped to first,
///                                      created once, never flushed or deleted while it has rules
///     chain forward      filter hook forward     priority 0     (filter)
///         jump user
///         oifname @bridges ct state established,related accept        replies
///         ct status dnat ip daddr . meta l4proto . th dport @published-accept[-ranges] accept
///         iifname vmap @from-bridge      -> chain forward-<bridge>    (per network)
///         oifname vmap @to-bridge        -> chain into-<bridge>       (per network)
///     chain prerouting   nat hook prerouting     priority -100  (dstnat)
///         fib daddr type local ip daddr != 127.0.0.0/8 ... dnat through @published-ports,
///         @published-any-address, @published-ranges
///     chain output       nat hook output         priority -100  (dstnat)
///         fib daddr type local ... dnat through the same maps (127.0.0.1 bindings too)
///     chain postrouting  nat hook postrouting    priority 100   (srcnat)
///         oifname @bridges fib saddr type local masquerade            host to published ports
///         iifname vmap @nat-from-bridge  -> chain nat-<bridge>        (per network)
///         oifname vmap @nat-to-bridge    -> chain hairpin-<bridge>    (per network)
///
///     chain forward-<bridge>   icc accept|drop (oifname <bridge>); then internal: drop;
///                              else drop into other networks (oifname @bridges), accept outbound
///     chain nat-<bridge>       masquerade (oifname != <bridge>) unless internal or masquerade off
///     chain hairpin-<bridge>   ip saddr <subnet> ct status dnat masquerade
///     chain into-<bridge>      ct status dnat accept (unless internal: a connection another tool,
///                              CNI portmap or a rule of the user's, DNATed in); then drop
///
/// Hairpin is found by output interface and source subnet, not input interface: br_netfilter
/// bridges a connection DNATed back onto its own bridge instead of routing it, and runs
/// postrouting for it without an input interface (found with real packets:
/// tests/integration/test_nft_layout.sh). The iptables backend matches `-s subnet -o bridge`
/// for the same reason.
///
/// Sets and maps (the only things a container changes):
///
///     set bridges                ifname                                      every bridgectl bridge
///     map from-bridge / to-bridge / nat-from-bridge      ifname : verdict
///     map published-ports        ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
///     map published-any-address  inet_proto . inet_service : ipv4_addr . inet_service
///     map published-ranges       ipv4_addr . inet_proto . inet_service : ipv4_addr   (interval; port kept)
///     set published-accept       ipv4_addr . inet_proto . inet_service       container side
///     set published-accept-ranges  the same, interval
///
/// Hash sets for single ports, interval sets only for ranges: an element change in the
/// kernel's concatenated-interval sets (pipapo) rebuilds the set's lookup tables, ~7 µs per
/// element already there (7 ms at 1,000), while a hash element costs ~17 µs at any size
/// (measured with `nft-batch-probe time-set`). So a single port on one address is a
/// published-ports element, on every address (the usual `-p 8080:80`) a published-any-address
/// element keyed by protocol and port alone; a range keeping its ports is one published-ranges
/// element, with 0.0.0.0/0 for every address (the port allocator never lets two keys overlap);
/// a shifted range (`21000-21009:80-89`) has no nft form of the kernel's port shift, so it is
/// one hash element per port. Only containers publishing ranges pay the interval sets' cost.
/// 127.0.0.1 bindings are in the same maps but prerouting skips 127.0.0.0/8, so crafted packets
/// from outside to 127.0.0.1 are never forwarded (moby#45610), as the iptables backend's
/// OUTPUT-only chain does.
///
/// Publishing or unpublishing a port, attaching or detaching a container, is adding or deleting
/// elements; creating or removing a network adds or deletes four small chains and five elements.
/// No chain is ever rewritten, and no plan needs the ruleset: the shared setup is idempotent
/// (adds without NLM_F_EXCL, base chains flushed and refilled with their fixed rules in the same
/// transaction), so repair sends it whole; a network creation sends it only when the base chains
/// are missing (four single-chain reads), since re-adding existing chains costs the kernel ~12 ms.
///
/// Priorities and the user's own tables: every nftables base chain on a hook sees the packet,
/// in priority order, and an `accept` only ends the packet's walk through *that* chain. A drop
/// in any other table at the same hook (iptables-nft's `filter FORWARD` with policy DROP, as a
/// Docker engine sets it, or a user's own `inet filter` table) still drops what bridgectl
/// accepted. Rules that must win over bridgectl's go into chain `user` (jumped to first; a drop
/// there is final, an accept skips bridgectl's rules); a table of the user's own at a lower
/// priority number than 0 sees forwarded packets before bridgectl does.
public enum NftPlanner {
    public static let userChain = "user"
    public static let forwardChain = "forward"
    public static let preroutingChain = "prerouting"
    public static let outputChain = "output"
    public static let postroutingChain = "postrouting"

    public static let bridgesSet = "bridges"
    public static let fromBridgeMap = "from-bridge"
    public static let toBridgeMap = "to-bridge"
    public static let natFromBridgeMap = "nat-from-bridge"
    public static let natToBridgeMap = "nat-to-bridge"
    public static let publishedPortsMap = "published-ports"
    public static let publishedAnyAddressMap = "published-any-address"
    public static let publishedRangesMap = "published-ranges"
    public static let publishedAcceptSet = "published-accept"
    public static let publishedAcceptRangesSet = "published-accept-ranges"

    public static let baseChains = [
        NftChain(forwardChain, base: NftBaseChain(type: .filter, hook: .forward, priority: 0)),
        NftChain(preroutingChain, base: NftBaseChain(type: .nat, hook: .prerouting, priority: -100)),
        NftChain(outputChain, base: NftBaseChain(type: .nat, hook: .output, priority: -100)),
        NftChain(postroutingChain, base: NftBaseChain(type: .nat, hook: .postrouting, priority: 100)),
    ]

    static let publishedKey: [NftDataType] = [.ipv4Address, .transportProtocol, .port]
    static let sets = [
        NftSet(bridgesSet, key: [.ifname]),
        NftSet(fromBridgeMap, key: [.ifname], data: [.verdict]),
        NftSet(toBridgeMap, key: [.ifname], data: [.verdict]),
        NftSet(natFromBridgeMap, key: [.ifname], data: [.verdict]),
        NftSet(natToBridgeMap, key: [.ifname], data: [.verdict]),
        NftSet(publishedPortsMap, key: publishedKey, data: [.ipv4Address, .port]),
        NftSet(publishedAnyAddressMap, key: [.transportProtocol, .port], data: [.ipv4Address, .port]),
        NftSet(publishedRangesMap, key: publishedKey, data: [.ipv4Address], interval: true),
        NftSet(publishedAcceptSet, key: publishedKey),
        NftSet(publishedAcceptRangesSet, key: publishedKey, interval: true),
    ]

    /// Whether a set of bridgectl's table has `flags interval` (its lookups are encoded a little
    /// differently).
    public static func isIntervalSet(_ name: String) -> Bool {
        sets.first { $0.name == name }?.interval ?? false
    }

    /// The fixed rules of the base chains; none of them names a network or a container.
    static func baseRules() -> [NftOp] {
        func dnat(_ chain: String, outside: Bool, _ comment: String) -> [NftOp] {
            let matches: [NftExpr] = [.fibLocal(.destination)] + (outside ? [.destinationNotLoopback] : []) + [.tcpOrUDP]
            return [.addRule(chain: chain, matches + [.dnatThroughMap(publishedPortsMap, withPort: true)], comment: comment),
                    .addRule(chain: chain, matches + [.dnatThroughMap(publishedAnyAddressMap, byAddress: false, withPort: true)],
                             comment: "\(comment) (every address)"),
                    .addRule(chain: chain, matches + [.dnatThroughMap(publishedRangesMap, withPort: false)], comment: "\(comment) (ranges)")]
        }
        return [
            .addRule(chain: forwardChain, [.verdict(.jump(userChain))], comment: "user rules first"),
            .addRule(chain: forwardChain, [.interfaceInSet(.output, set: bridgesSet), .ctEstablishedOrRelated, .verdict(.accept)],
                     comment: "replies"),
            .addRule(chain: forwardChain, [.ctStatusDNAT, .publishedKeyInSet(publishedAcceptSet), .verdict(.accept)],
                     comment: "published ports"),
            .addRule(chain: forwardChain, [.ctStatusDNAT, .publishedKeyInSet(publishedAcceptRangesSet), .verdict(.accept)],
                     comment: "published port ranges"),
            .addRule(chain: forwardChain, [.verdictMap(.input, map: fromBridgeMap)], comment: "traffic from a network"),
            .addRule(chain: forwardChain, [.verdictMap(.output, map: toBridgeMap)], comment: "traffic into a network"),
        ] + dnat(preroutingChain, outside: true, "published ports")
            + dnat(outputChain, outside: false, "published ports from this host")
            + [
                .addRule(chain: postroutingChain, [.interfaceInSet(.output, set: bridgesSet), .fibLocal(.source), .masquerade],
                         comment: "host to published ports"),
                .addRule(chain: postroutingChain, [.verdictMap(.input, map: natFromBridgeMap)], comment: "masquerade"),
                .addRule(chain: postroutingChain, [.verdictMap(.output, map: natToBridgeMap)], comment: "hairpin"),
            ]
    }

    /// The table, its chains, sets and fixed rules, whatever of it exists already, so a damaged
    /// table is completed without reading it. The user chain is added (a no-op when it exists)
    /// but never flushed.
    /// `baseChainsExist`: the table is there, and with it everything the setup makes (one
    /// transaction made it all), so nothing is sent: adding an existing chain again, base or
    /// not, costs the kernel ~12 ms (measured), and flushing the base chains' rules to refill
    /// them makes the socket's release wait for their grace period. Damage is doctor's to mend.
    public static func setup(baseChainsExist: Bool = false) -> [NftOp] {
        guard !baseChainsExist else { return [] }
        return [.addTable, .addChain(NftChain(userChain))]
            + baseChains.map { .addChain($0) }
            + sets.map { .addSet($0) }
            + baseChains.map { .flushChain($0.name) }
            + baseRules()
    }

    public static func forwardChain(of bridge: String) -> String { "forward-\(bridge)" }
    public static func natChain(of bridge: String) -> String { "nat-\(bridge)" }
    public static func hairpinChain(of bridge: String) -> String { "hairpin-\(bridge)" }
    public static func intoChain(of bridge: String) -> String { "into-\(bridge)" }
    /// Every per-network chain's name, made from its bridge's.
    public static func networkChains(of bridge: String) -> [String] {
        [forwardChain(of: bridge), natChain(of: bridge), hairpinChain(of: bridge), intoChain(of: bridge)]
    }

    /// One network's chains and the elements that lead to them; `networkRemoval` deletes
    /// exactly these.
    public static func networkOps(_ network: NetworkRecord) -> [NftOp] {
        guard let subnet = network.subnet else { return [] }
        let bridge = network.bridgeName
        let owner = "net=\(network.name)"
        let forward = forwardChain(of: bridge), nat = natChain(of: bridge), hairpin = hairpinChain(of: bridge)
        let into = intoChain(of: bridge)
        let icc = network.options.enableICC
        var forwardRules: [NftOp] = [
            .addRule(chain: forward, [.interface(.output, bridge), .verdict(icc ? .accept : .drop)], comment: "\(owner) icc \(icc ? "on" : "off")"),
        ]
        if network.isInternal {
            forwardRules.append(.addRule(chain: forward, [.verdict(.drop)], comment: "\(owner) internal: nothing out"))
        } else {
            forwardRules.append(.addRule(chain: forward, [.interfaceInSet(.output, set: bridgesSet), .verdict(.drop)],
                                         comment: "\(owner) isolated from other networks"))
            forwardRules.append(.addRule(chain: forward, [.verdict(.accept)], comment: "\(owner) outbound"))
        }
        // Connections from the network's own containers to a published port on it (hairpin) get
        // the gateway as source, so the replies come back through the host and are un-NATed.
        let hairpinRules: [NftOp] = [
            .addRule(chain: hairpin, [.sourceInSubnet(subnet), .ctStatusDNAT, .masquerade], comment: "\(owner) hairpin"),
        ]
        // A DNAT is already a decision to publish: another tool's (CNI portmap chained after
        // bridgectl, a user's own rule) gets through as bridgectl's published ports do. Traffic
        // from another bridgectl network never gets here (from-bridge decided it: isolation).
        let intoRules: [NftOp] = network.isInternal
            ? [.addRule(chain: into, [.verdict(.drop)], comment: "\(owner) internal: nothing in")]
            : [.addRule(chain: into, [.ctStatusDNAT, .verdict(.accept)], comment: "\(owner) DNATed in"),
               .addRule(chain: into, [.verdict(.drop)], comment: "\(owner) nothing else in")]
        var natRules: [NftOp] = []
        if !network.isInternal && network.options.enableIPMasquerade {
            natRules.append(.addRule(chain: nat, [.interface(.output, bridge, negated: true), .masquerade], comment: "\(owner) masquerade"))
        }
        // Flushed after adding, so a repeated creation (restore, repair) replaces, never doubles.
        return [.addChain(NftChain(forward)), .flushChain(forward)] + forwardRules
            + [.addChain(NftChain(nat)), .flushChain(nat)] + natRules
            + [.addChain(NftChain(hairpin)), .flushChain(hairpin)] + hairpinRules
            + [.addChain(NftChain(into)), .flushChain(into)] + intoRules
            + networkElements(network).map { .addElement(set: $0.set, $0.element) }
    }

    /// The elements that make a network's bridge known: chains are reachable only through them.
    static func networkElements(_ network: NetworkRecord) -> [(set: String, element: NftElement)] {
        let bridge = network.bridgeName
        let owner = "net=\(network.name)"
        return [
            (bridgesSet, NftElement(.interface(bridge), comment: owner)),
            (fromBridgeMap, NftElement(.interface(bridge), .verdict(.jump(forwardChain(of: bridge))), comment: owner)),
            (toBridgeMap, NftElement(.interface(bridge), .verdict(.jump(intoChain(of: bridge))), comment: owner)),
            (natFromBridgeMap, NftElement(.interface(bridge), .verdict(.jump(natChain(of: bridge))), comment: owner)),
            (natToBridgeMap, NftElement(.interface(bridge), .verdict(.jump(hairpinChain(of: bridge))), comment: owner)),
        ]
    }

    /// Deletes what `networkOps` added: the elements first (they reference the chains), then
    /// the chains with their rules.
    /// Needs only the bridge's name (deletions are by key and chain name), so a network whose
    /// record is lost is removed by it too.
    public static func networkRemoval(_ network: NetworkRecord) -> [NftOp] {
        let bridge = network.bridgeName
        return networkElements(network).reversed().map { .deleteElement(set: $0.set, $0.element) }
            + networkChains(of: bridge).flatMap { [NftOp.flushChain($0), .deleteChain($0)] }
    }

    /// After the last network: the whole table, unless the user chain holds rules (the user's,
    /// never deleted by bridgectl). Then the table stays with the user chain and the forward
    /// chain's jump to it (as the iptables backend keeps BRIDGECTL-USER and its jump), and
    /// everything else of bridgectl's goes. Knowing whether the user chain is empty is the only
    /// read this backend does, and only here (one chain's rules, not the ruleset).
    public static func teardown(userChainHasRules: Bool) -> [NftOp] {
        guard userChainHasRules else { return [.deleteTable] }
        let natChains = baseChains.map(\.name).filter { $0 != forwardChain }
        return [.flushChain(forwardChain), .addRule(chain: forwardChain, [.verdict(.jump(userChain))], comment: "user rules first")]
            + natChains.flatMap { [NftOp.flushChain($0), .deleteChain($0)] }
            + sets.map { .deleteSet($0.name) }
    }

    /// One container's published ports on its network: the DNAT elements and the accept
    /// elements. Unpublishing is `NftBatch(publishOps(...)).inverse`.
    public static func publishOps(container: String, address: IPv4Address, bindings: [PortBinding]) -> [NftOp] {
        var ops: [NftOp] = []
        for binding in bindings {
            let comment = "container=\(container) publish \(binding.mapping)"
            if binding.isRange && binding.hostPort == binding.containerPort {
                ops.append(.addElement(set: publishedRangesMap, NftElement(
                    .addressProtocolPorts(binding.hostIP, binding.transport, binding.hostPorts), .address(address), comment: comment)))
                continue
            }
            for single in binding.singlePorts {
                let target = NftValue.addressPort(address, single.containerPort)
                ops.append(single.hostIP == .any
                    ? .addElement(set: publishedAnyAddressMap, NftElement(.protocolPort(single.transport, single.hostPort), target, comment: comment))
                    : .addElement(set: publishedPortsMap, NftElement(
                        .addressProtocolPorts(single.hostIP, single.transport, single.hostPorts), target, comment: comment)))
            }
        }
        // Two bindings may lead to one container port (`-p 8080:80 -p 8081:80`), or overlap
        // (`-p 8000-8010:80-90 -p 9000:85`): an element is added once (deleting it twice in one
        // batch would be refused) and interval elements must not overlap, so the accept side is
        // the union of the container's port ranges, per protocol.
        for proto in TransportProtocol.allCases {
            for ports in merged(bindings.filter { $0.transport == proto }.map(\.containerPorts)) {
                ops.append(.addElement(set: ports.count == 1 ? publishedAcceptSet : publishedAcceptRangesSet, NftElement(
                    .addressProtocolPorts(address, proto, ports), comment: "container=\(container) published")))
            }
        }
        return ops
    }

    /// Deletions of every published-port element that leads to `address`, as found in the table:
    /// how a container whose record is lost loses its ports (its address claim survives; the
    /// container ports its elements name do not).
    public static func publishedElements(leadingTo address: IPv4Address, in observed: NftObservation) -> [NftOp] {
        func leadsThere(_ element: NftObservedElement) -> Bool {
            switch (element.key, element.value) {
            case (_, .addressPort(let target, _)?), (_, .address(let target)?): return target == address
            case (.addressProtocolPorts(let target, _, _), nil): return target == address
            default: return false
            }
        }
        let sets = [publishedPortsMap, publishedAnyAddressMap, publishedRangesMap, publishedAcceptSet, publishedAcceptRangesSet]
        return sets.flatMap { set in
            (observed.elements[set] ?? []).filter(leadsThere).sorted { $0.text < $1.text }
                .map { NftOp.deleteElement(set: set, NftElement($0.key, $0.value, comment: "")) }
        }
    }

    /// Sorted, overlapping or adjacent ranges joined.
    static func merged(_ ranges: [ClosedRange<UInt16>]) -> [ClosedRange<UInt16>] {
        var result: [ClosedRange<UInt16>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, Int(range.lowerBound) <= Int(last.upperBound) + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
