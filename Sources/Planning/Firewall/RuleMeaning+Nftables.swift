import BridgeModel

/// The nftables backend's rules and elements in words: RuleMeaning's table for what NftPlanner
/// writes, read from the op itself (chain, matches, comment), so `explain` lists the table as the
/// planner makes it and `trace` names a matched rule the same way. Elements count as rules here:
/// in this backend a network or a published port is a set or map element, not a rule.
extension RuleMeaning {
    /// The words for an op that puts a rule or an element in bridgectl's table; nil for any
    /// other op (tables, chains, sets, flushes, deletions).
    public static func of(nft op: NftOp) -> RuleMeaning? {
        switch op {
        case .addRule(let chain, let exprs, let comment): return ofNftRule(chain: chain, exprs, comment: comment)
        case .addElement(let set, let element): return ofNftElement(set: set, element)
        default: return nil
        }
    }

    /// Where an op's rule or element lives, as `nft list table ip bridgectl` shows it: "chain
    /// forward", "map published-any-address".
    public static func nftPlace(of op: NftOp) -> String? {
        switch op {
        case .addRule(let chain, _, _): return "chain \(chain)"
        case .addElement(let set, _):
            let isMap = NftPlanner.sets.first { $0.name == set }?.data != nil
            return "\(isMap ? "map" : "set") \(set)"
        default: return nil
        }
    }

    /// Who owns a comment and what it says past the owner: "net=web icc off" is web's "icc off".
    static func owned(_ name: String) -> (owner: HostOwner, purpose: String) {
        for (prefix, make) in [("net=", HostOwner.network), ("container=", HostOwner.container)] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            let space = rest.firstIndex(of: " ") ?? rest.endIndex
            return (make(String(rest[..<space])), String(rest[space...].trimmingPrefix(" ")))
        }
        return (.bridgectl, name)
    }

    static func ofNftRule(chain: String, _ exprs: [NftExpr], comment: String) -> RuleMeaning {
        let name = String(NftComment.full(comment).dropFirst("bridgectl ".count))
        let (owner, purpose) = owned(name)
        let bridge = exprs.lazy.compactMap { expr -> String? in
            if case .interface(_, let bridge, _) = expr { return bridge } else { return nil }
        }.first ?? bridgeOfChain(chain) ?? "its bridge"
        let fallback = "bridgectl's rule '\(name)' (\(exprs.map(\.text).joined(separator: " ")))"
        let sentence: String
        switch owner {
        case .network(let network):
            sentence = sharedNetworkSentence(purpose, network: network, bridge: bridge)
                ?? nftNetworkSentence(purpose, network: network, bridge: bridge, exprs: exprs) ?? fallback
        case .container, .bridgectl:
            sentence = sharedNftSentence(name, chain: chain, exprs: exprs) ?? fallback
        }
        return RuleMeaning(owner: owner, name: name, sentence: sentence)
    }

    /// A network's rule that this backend lays out its own way, in words.
    static func nftNetworkSentence(_ purpose: String, network: String, bridge: String, exprs: [NftExpr]) -> String? {
        switch purpose {
        case "internal: nothing out": return "drops everything from \(bridge) to elsewhere because \(network) is internal"
        case "isolated from other networks":
            return "drops traffic from \(network)'s containers into other bridgectl networks: they are isolated"
        case "masquerade": return "masquerades \(network)'s containers leaving through another interface as the host's address"
        case "hairpin":
            let subnet = exprs.lazy.compactMap { expr -> String? in
                if case .sourceInSubnet(let subnet) = expr { return "\(subnet)" } else { return nil }
            }.first ?? "its subnet"
            return "masquerades \(network)'s containers (\(subnet)) reaching a published port on their own network (hairpin)"
        default: return nil
        }
    }

    static func sharedNftSentence(_ name: String, chain: String, exprs: [NftExpr]) -> String? {
        let map = exprs.lazy.compactMap { expr -> String? in
            switch expr {
            case .verdictMap(_, let map), .dnatThroughMap(let map, _, _), .publishedKeyInSet(let map): return map
            default: return nil
            }
        }.first ?? "?"
        // The three DNAT rules of prerouting and output differ only by map and suffix.
        let base = name.split(separator: " (").first.map(String.init) ?? name
        let which: String
        switch map {
        case NftPlanner.publishedAnyAddressMap: which = "a port published on every address"
        case NftPlanner.publishedRangesMap: which = "a published port range"
        default: which = "a port published on one address"
        }
        switch (chain, base) {
        case (NftPlanner.forwardChain, "user rules first"):
            return "runs the user's own rules in chain \(NftPlanner.userChain) before any of bridgectl's"
        case (NftPlanner.forwardChain, "replies"): return "accepts replies into bridgectl networks to connections already allowed"
        case (NftPlanner.forwardChain, "published ports"), (NftPlanner.forwardChain, "published port ranges"):
            return "accepts traffic rewritten to a published port, as listed in @\(map)"
        case (NftPlanner.forwardChain, "traffic from a network"):
            return "sends traffic from a bridgectl network to that network's forward-<bridge> chain (@\(map))"
        case (NftPlanner.forwardChain, "traffic into a network"):
            return "sends any other traffic into a bridgectl network to that network's into-<bridge> chain (@\(map))"
        case (NftPlanner.preroutingChain, "published ports"):
            return "rewrites traffic to this host (not to 127.0.0.0/8) for \(which) to its container (@\(map))"
        case (NftPlanner.outputChain, "published ports from this host"):
            return "rewrites this host's own traffic to its addresses for \(which) to its container (@\(map))"
        case (NftPlanner.postroutingChain, "host to published ports"):
            return "gives this host's connections into a bridgectl network the gateway as source, so the replies come back"
        case (NftPlanner.postroutingChain, "masquerade"):
            return "sends traffic from a bridgectl network to that network's nat-<bridge> chain (masquerade) (@\(map))"
        case (NftPlanner.postroutingChain, "hairpin"):
            return "sends traffic into a bridgectl network to that network's hairpin-<bridge> chain (@\(map))"
        default: return nil
        }
    }

    static func ofNftElement(set: String, _ element: NftElement) -> RuleMeaning {
        let name = String(NftComment.full(element.comment).dropFirst("bridgectl ".count))
        let (owner, _) = owned(name)
        let key = element.key.text.replacingAll("\"", with: "")
        var sentence: String
        switch (set, element.value) {
        case (NftPlanner.bridgesSet, _): sentence = "makes \(key) one of bridgectl's bridges"
        case (NftPlanner.fromBridgeMap, .verdict(.jump(let chain))?): sentence = "sends traffic from \(key) to chain \(chain)"
        case (NftPlanner.toBridgeMap, .verdict(.jump(let chain))?):
            sentence = "sends any other traffic into \(key) to chain \(chain)"
        case (NftPlanner.natFromBridgeMap, .verdict(.jump(let chain))?):
            sentence = "sends traffic from \(key) leaving the host to chain \(chain) (masquerade)"
        case (NftPlanner.natToBridgeMap, .verdict(.jump(let chain))?):
            sentence = "sends traffic into \(key) to chain \(chain) (hairpin)"
        case (NftPlanner.publishedPortsMap, .addressPort(let address, let port)?),
             (NftPlanner.publishedAnyAddressMap, .addressPort(let address, let port)?):
            sentence = "rewrites \(publishedText(element.key)) to \(address):\(port)"
        case (NftPlanner.publishedRangesMap, .address(let address)?):
            sentence = "rewrites \(publishedText(element.key)) to \(address), keeping the port"
        case (NftPlanner.publishedAcceptSet, _), (NftPlanner.publishedAcceptRangesSet, _):
            sentence = "accepts traffic rewritten to \(publishedText(element.key))"
        default:
            return RuleMeaning(owner: owner, name: name, sentence: "bridgectl's element '\(name)' (\(element.key.text))")
        }
        if case .container(let container) = owner { sentence += " (published by \(container))" }
        return RuleMeaning(owner: owner, name: name, sentence: sentence)
    }

    /// A published key as `docker ps` writes a port: "0.0.0.0:8080/tcp", "127.0.0.1:5000-5010/udp".
    static func publishedText(_ key: NftKey) -> String {
        func ports(_ range: ClosedRange<UInt16>) -> String {
            range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
        }
        switch key {
        case .addressProtocolPorts(let address, let proto, let range): return "\(address):\(ports(range))/\(proto.rawValue)"
        case .protocolPort(let proto, let port): return "0.0.0.0:\(port)/\(proto.rawValue)"
        case .interface(let name): return name
        }
    }

    /// forward-br-x, nat-br-x, hairpin-br-x, into-br-x: the bridge a per-network chain belongs to.
    public static func bridgeOfChain(_ chain: String) -> String? {
        for prefix in ["forward-", "nat-", "hairpin-", "into-"] where chain.hasPrefix(prefix) && chain.count > prefix.count {
            return String(chain.dropFirst(prefix.count))
        }
        return nil
    }

    /// What it means when no rule of a bridgectl base chain decided: each accepts by policy.
    public static func nftPolicySentence(chain: String) -> String {
        switch chain {
        case NftPlanner.forwardChain: return "no rule of bridgectl's stopped it: not into or out of a bridgectl network, accepted"
        case NftPlanner.preroutingChain, NftPlanner.outputChain:
            return "not addressed to a port published on this host: no rewrite, accepted"
        case NftPlanner.postroutingChain: return "no masquerade applies: leaves with its own source address"
        default: return "no rule of bridgectl's decided: accepted"
        }
    }
}
