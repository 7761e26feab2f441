import BridgeModel

/// The nftables backend's changes as typed values. Each value maps to a fixed sequence of
/// libnftnl objects/expressions (so the netlink encoder has no parser) and renders as the `nft`
/// text that `--dry-run` prints and `nft -f` accepts; the golden tests compare that text.
/// Everything lives in one table, `ip bridgectl` (bridgectl is IPv4-only).
public enum NftTable {
    public static let family = "ip"
    public static let name = "bridgectl"
    /// "ip bridgectl", as nft names the table in every command.
    public static let qualified = "\(family) \(name)"
}

public enum NftHook: String, Codable, Hashable, Sendable {
    case prerouting, forward, output, postrouting
}

public enum NftChainType: String, Codable, Hashable, Sendable {
    case filter, nat
}

/// A base chain's hook. Priorities are numbers (nft names `dstnat` only in prerouting, so a
/// name would not render uniformly): -100 is dstnat, 0 filter, 100 srcnat.
public struct NftBaseChain: Codable, Hashable, Sendable {
    public var type: NftChainType
    public var hook: NftHook
    public var priority: Int

    public init(type: NftChainType, hook: NftHook, priority: Int) {
        self.type = type; self.hook = hook; self.priority = priority
    }
}

/// A chain of bridgectl's table: a base chain (hooked, policy accept: bridgectl only ever drops
/// explicitly) or a regular one reached by a jump.
public struct NftChain: Codable, Hashable, Sendable {
    public var name: String
    public var base: NftBaseChain?

    public init(_ name: String, base: NftBaseChain? = nil) { self.name = name; self.base = base }
}

public enum NftVerdict: Codable, Hashable, Sendable {
    case accept, drop
    case jump(String)

    var text: String {
        switch self {
        case .accept: return "accept"
        case .drop: return "drop"
        case .jump(let chain): return "jump \(chain)"
        }
    }
}

/// Which interface name a match or a verdict map reads.
public enum NftInterfaceSide: String, Codable, Hashable, Sendable {
    case input = "iifname"
    case output = "oifname"
}

/// Which address `fib ... type local` checks.
public enum NftAddressSide: String, Codable, Hashable, Sendable {
    case source = "saddr"
    case destination = "daddr"
}

/// One match or statement of a rule. Only what bridgectl's layout uses: each case is one
/// encoding, so adding a case means adding its netlink form too.
public enum NftExpr: Codable, Hashable, Sendable {
    /// `oifname "br-x"`, or `oifname != "br-x"` when negated.
    case interface(NftInterfaceSide, String, negated: Bool = false)
    /// `oifname @bridges`.
    case interfaceInSet(NftInterfaceSide, set: String)
    /// `ct state established,related`.
    case ctEstablishedOrRelated
    /// `ct status dnat`: the connection's destination was rewritten.
    case ctStatusDNAT
    /// `fib daddr type local`: addressed to (or, saddr, sent from) one of this host's addresses.
    case fibLocal(NftAddressSide)
    /// `ip daddr != 127.0.0.0/8`.
    case destinationNotLoopback
    /// `ip saddr 172.18.0.0/16`.
    case sourceInSubnet(IPv4Network)
    /// `meta l4proto { tcp, udp }`: nft only accepts a port in a NAT map after a protocol match.
    case tcpOrUDP
    /// `ip daddr . meta l4proto . th dport @set`: the published-port key.
    case publishedKeyInSet(String)
    /// `oifname vmap @map`.
    case verdictMap(NftInterfaceSide, map: String)
    /// `dnat ip to ip daddr . meta l4proto . th dport map @map` (or, `byAddress` false, keyed
    /// `meta l4proto . th dport`): to address and port, or (when the map's data is an address
    /// only) to the address, keeping the port.
    case dnatThroughMap(String, byAddress: Bool = true, withPort: Bool)
    case masquerade
    case verdict(NftVerdict)

    var text: String {
        switch self {
        case .interface(let side, let name, let negated): return "\(side.rawValue) \(negated ? "!= " : "")\"\(name)\""
        case .interfaceInSet(let side, let set): return "\(side.rawValue) @\(set)"
        case .ctEstablishedOrRelated: return "ct state established,related"
        case .ctStatusDNAT: return "ct status dnat"
        case .fibLocal(let side): return "fib \(side.rawValue) type local"
        case .destinationNotLoopback: return "ip daddr != 127.0.0.0/8"
        case .sourceInSubnet(let subnet): return "ip saddr \(subnet.address)/\(subnet.prefixLength)"
        case .tcpOrUDP: return "meta l4proto { tcp, udp }"
        case .publishedKeyInSet(let set): return "ip daddr . meta l4proto . th dport @\(set)"
        case .verdictMap(let side, let map): return "\(side.rawValue) vmap @\(map)"
        case .dnatThroughMap(let map, let byAddress, let withPort):
            return "dnat \(withPort ? "ip " : "")to \(byAddress ? "ip daddr . " : "")meta l4proto . th dport map @\(map)"
        case .masquerade: return "masquerade"
        case .verdict(let verdict): return verdict.text
        }
    }
}

/// The data types bridgectl's sets and maps use, by their nft names.
public enum NftDataType: String, Codable, Hashable, Sendable {
    case ifname
    case ipv4Address = "ipv4_addr"
    case transportProtocol = "inet_proto"
    case port = "inet_service"
    case verdict
}

/// A named set (no `data`) or map.
public struct NftSet: Codable, Hashable, Sendable {
    public var name: String
    public var key: [NftDataType]
    public var data: [NftDataType]?
    /// Keys may be ranges (a port range, or 0.0.0.0/0 for "every address").
    public var interval: Bool

    public init(_ name: String, key: [NftDataType], data: [NftDataType]? = nil, interval: Bool = false) {
        self.name = name; self.key = key; self.data = data; self.interval = interval
    }

    var text: String {
        let key = self.key.map(\.rawValue).joined(separator: " . ")
        let type = data.map { "\(key) : \($0.map(\.rawValue).joined(separator: " . "))" } ?? key
        return "\(data == nil ? "set" : "map") \(NftTable.qualified) \(name) { type \(type);\(interval ? " flags interval;" : "") }"
    }
}

/// A set or map key.
public enum NftKey: Codable, Hashable, Sendable {
    case interface(String)
    /// address . protocol . ports; 0.0.0.0 stands for every address (0.0.0.0/0).
    case addressProtocolPorts(IPv4Address, TransportProtocol, ClosedRange<UInt16>)
    /// protocol . port, for a single port on every address.
    case protocolPort(TransportProtocol, UInt16)

    var text: String {
        switch self {
        case .interface(let name): return "\"\(name)\""
        case .addressProtocolPorts(let address, let proto, let ports):
            let addressText = address == .any ? "0.0.0.0/0" : "\(address)"
            let portText = ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound)-\(ports.upperBound)"
            return "\(addressText) . \(proto.rawValue) . \(portText)"
        case .protocolPort(let proto, let port):
            return "\(proto.rawValue) . \(port)"
        }
    }
}

/// A map element's data.
public enum NftValue: Codable, Hashable, Sendable {
    case verdict(NftVerdict)
    case address(IPv4Address)
    case addressPort(IPv4Address, UInt16)

    var text: String {
        switch self {
        case .verdict(let verdict): return verdict.text
        case .address(let address): return "\(address)"
        case .addressPort(let address, let port): return "\(address) . \(port)"
        }
    }
}

/// A set or map element, with the comment naming its owner (nft keeps it as element userdata).
public struct NftElement: Codable, Hashable, Sendable {
    public var key: NftKey
    public var value: NftValue?
    public var comment: String

    public init(_ key: NftKey, _ value: NftValue? = nil, comment: String) {
        self.key = key; self.value = value; self.comment = comment
    }
}

/// The comment bridgectl stores with every rule and element: "bridgectl " and its owner's
/// words, cut to nft's limit of 128 bytes (nft refuses to read a longer one back, and a
/// container name alone may be 128 bytes). It only informs; nothing is found by its comment.
public enum NftComment {
    public static let limit = 128

    public static func full(_ owner: String) -> String {
        var text = "bridgectl \(owner)"
        while text.utf8.count > limit { text.removeLast() }
        return text
    }
}

/// One change to bridgectl's table.
public enum NftOp: Codable, Hashable, Sendable {
    /// Adds without NLM_F_EXCL, like `nft add`: already there is not an error, which is what
    /// makes the shared setup idempotent.
    case addTable
    case deleteTable
    case addChain(NftChain)
    case flushChain(String)
    case deleteChain(String)
    /// Appends; `comment` is the owner's words, stored as rule userdata ("bridgectl " + comment).
    case addRule(chain: String, [NftExpr], comment: String)
    case addSet(NftSet)
    case deleteSet(String)
    case addElement(set: String, NftElement)
    case deleteElement(set: String, NftElement)

    /// The op as one line of `nft -f` input (also a valid `nft` command's arguments).
    public var text: String {
        let table = NftTable.qualified
        switch self {
        case .addTable: return "add table \(table)"
        case .deleteTable: return "delete table \(table)"
        case .addChain(let chain):
            guard let base = chain.base else { return "add chain \(table) \(chain.name)" }
            return "add chain \(table) \(chain.name) { type \(base.type.rawValue) hook \(base.hook.rawValue) priority \(base.priority); policy accept; }"
        case .flushChain(let chain): return "flush chain \(table) \(chain)"
        case .deleteChain(let chain): return "delete chain \(table) \(chain)"
        case .addRule(let chain, let exprs, let comment):
            return "add rule \(table) \(chain) \(exprs.map(\.text).joined(separator: " ")) comment \"\(NftComment.full(comment))\""
        case .addSet(let set): return "add \(set.text)"
        case .deleteSet(let set): return "delete set \(table) \(set)"
        case .addElement(let set, let element):
            let value = element.value.map { " : \($0.text)" } ?? ""
            return "add element \(table) \(set) { \(element.key.text) comment \"\(NftComment.full(element.comment))\"\(value) }"
        case .deleteElement(let set, let element):
            return "delete element \(table) \(set) { \(element.key.text) }"
        }
    }

    /// Whether the kernel frees something once the transaction is done (after an RCU grace
    /// period): a deletion, or a flush of a chain's rules.
    public var deletesObjects: Bool {
        switch self {
        case .deleteTable, .flushChain, .deleteChain, .deleteSet, .deleteElement: return true
        case .addTable, .addChain, .addRule, .addSet, .addElement: return false
        }
    }

    /// The op that undoes this one, nil where there is none or it must not be undone: the table,
    /// base chains and sets are shared and idempotent (a later teardown removes them), a rule
    /// goes with its chain, and bridgectl never deletes the user chain.
    public var inverse: NftOp? {
        switch self {
        case .addChain(let chain) where chain.base == nil && chain.name != NftPlanner.userChain:
            return .deleteChain(chain.name)
        case .addElement(let set, let element): return .deleteElement(set: set, element)
        case .deleteElement(let set, let element): return .addElement(set: set, element)
        default: return nil
        }
    }
}

/// Ops sent together in one netlink batch (one nftables transaction): all of it or none of it.
public struct NftBatch: Codable, Equatable, Sendable {
    public var ops: [NftOp]
    /// What undoes the batch when its ops alone cannot say: the shared setup's adds have no
    /// inverse of their own (the table may hold other networks and the user's rules), but the
    /// first network's setup is undone by the teardown the planner chose for that host.
    public var undo: [NftOp]?

    public init(_ ops: [NftOp], undo: [NftOp]? = nil) { self.ops = ops; self.undo = undo }

    public var isEmpty: Bool { ops.isEmpty }

    /// Undo in reverse order: elements (which reference per-network chains) go before the chains.
    public var inverse: NftBatch { NftBatch(undo ?? ops.reversed().compactMap(\.inverse)) }

    /// `nft -f` input: one transaction, as the in-process batch is.
    public var script: String { ops.map { $0.text + "\n" }.joined() }

    /// The same changes as commands a person can paste into a shell (single-quoted: the text
    /// holds `"`, `{`, `;` and `!=`; names and comments never hold a `'`).
    public var commands: [String] { ops.map { "nft '\($0.text)'" } }
}
