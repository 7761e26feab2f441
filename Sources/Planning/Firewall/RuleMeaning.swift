import BridgeModel

/// A bridgectl rule in plain words, for `explain` and `trace`: whose it is and what it does
/// ("drops container-to-container traffic on br-1f2e… because enable_icc=false"). Read from the
/// rule as iptables-save prints it (the nftables backend's words, from its ops, are in
/// RuleMeaning+Nftables.swift), so it works on what the kernel holds, not only on plans; the
/// comment says which rule it is (FirewallPlanner writes every one), the matches fill in the rest.
public struct RuleMeaning: Equatable, Sendable {
    public var owner: HostOwner
    /// The comment without "bridgectl ": "net=web icc off".
    public var name: String
    public var sentence: String

    /// nil for a rule without a bridgectl comment (someone else's).
    public static func of(table: String, chain: String, spec: String) -> RuleMeaning? {
        guard let comment = RuleMatches.comment(in: spec), comment.hasPrefix("bridgectl ") else { return nil }
        let name = String(comment.dropFirst("bridgectl ".count))
        let matches = RuleMatches(spec)
        let (owner, purpose) = owned(name)
        switch owner {
        case .network(let network):
            return RuleMeaning(owner: owner, name: name, sentence: networkSentence(purpose, network: network, matches: matches))
        case .container(let container):
            return RuleMeaning(owner: owner, name: name, sentence: publishSentence(container: container, table: table, matches: matches))
        case .bridgectl:
            return RuleMeaning(owner: owner, name: name, sentence: sharedSentence(name, chain: chain, matches: matches))
        }
    }

    static func sharedSentence(_ name: String, chain: String, matches: RuleMatches) -> String {
        let target = matches.target ?? "?"
        switch name {
        case "user rules first": return "runs the user's own rules in \(target) before any of bridgectl's"
        case "forwarding for bridgectl networks": return "sends forwarded traffic through bridgectl's rules in \(target)"
        case "replies": return "sends traffic through \(target), which accepts replies to connections already allowed"
        case "published ports":
            return chain == "PREROUTING"
                ? "sends traffic addressed to this host through \(target), where published ports are rewritten"
                : "sends traffic through \(target), which accepts what was rewritten to a published port"
        case "isolation between networks": return "sends traffic through \(target), which keeps networks apart"
        case "published ports from this host":
            return "sends this host's own traffic to its addresses through \(target), so published ports answer it too"
        case "all-address bindings": return "applies ports published on all addresses to this host's own traffic too"
        case "masquerade and hairpin": return "sends traffic leaving the host through \(target) (masquerade, hairpin)"
        default: return "bridgectl's rule '\(name)' (\(matches.summary))"
        }
    }

    /// A network's rule that both backends write with the same purpose and meaning, in words;
    /// nil for the ones each backend words (or lays out) its own way.
    static func sharedNetworkSentence(_ purpose: String, network: String, bridge: String) -> String? {
        switch purpose {
        case "internal: nothing in": return "drops everything entering \(bridge) from elsewhere because \(network) is internal"
        case "icc on": return "accepts container-to-container traffic on \(bridge) (enable_icc=true)"
        case "icc off": return "drops container-to-container traffic on \(bridge) because enable_icc=false"
        case "outbound": return "accepts traffic from \(network)'s containers leaving \(bridge) for elsewhere"
        case "DNATed in": return "accepts connections another tool (CNI portmap, a rule of your own) DNATed into \(bridge)"
        case "nothing else in": return "drops any other traffic into \(bridge) (not a reply, not to a published port)"
        default: return nil
        }
    }

    static func networkSentence(_ purpose: String, network: String, matches: RuleMatches) -> String {
        let bridge = matches.outInterface ?? matches.inInterface ?? "its bridge"
        if let shared = sharedNetworkSentence(purpose, network: network, bridge: bridge) { return shared }
        switch purpose {
        case "replies": return "accepts replies into \(bridge) to connections already allowed"
        case "internal: nothing out": return "drops everything leaving \(bridge) for elsewhere because \(network) is internal"
        case "leaving: check isolation":
            return "checks traffic leaving \(bridge) against the other networks' isolation (\(matches.target ?? "?"))"
        case "isolated from other networks":
            return "drops traffic from other bridgectl networks into \(bridge): \(network) is isolated from them"
        case "masquerade":
            return "masquerades \(matches.source ?? "the network") leaving through another interface as the host's address"
        case "host to published ports":
            return "gives this host's connections into \(bridge) the gateway as source, so the replies come back"
        case "hairpin":
            return "masquerades \(network)'s containers reaching a published port on their own network (hairpin)"
        default: return "network \(network)'s rule '\(purpose)' (\(matches.summary))"
        }
    }

    static func publishSentence(container: String, table: String, matches: RuleMatches) -> String {
        let proto = matches.protocolName ?? "tcp"
        if table == "nat", let to = matches.dnatDestination {
            let address = matches.destination.map { $0.hasSuffix("/32") ? String($0.dropLast(3)) : $0 } ?? "0.0.0.0"
            return "rewrites \(address):\(matches.destinationPort ?? "?")/\(proto) to \(to) (published by \(container))"
        }
        let address = matches.destination.map { $0.hasSuffix("/32") ? String($0.dropLast(3)) : $0 } ?? "?"
        return "accepts traffic rewritten to \(address):\(matches.destinationPort ?? "?")/\(proto) (published by \(container))"
    }
}

/// The matches of a rule as iptables-save prints it, word by word.
struct RuleMatches {
    var inInterface: String?
    var outInterface: String?
    var source: String?
    var destination: String?
    var protocolName: String?
    var destinationPort: String?
    var target: String?
    var dnatDestination: String?
    let words: [String]

    init(_ spec: String) {
        words = RuleMatches.words(spec)
        var index = 0
        while index < words.count {
            let word = words[index]
            let next = index + 1 < words.count ? words[index + 1] : nil
            // "! -o br" negates: not the interface the rule is about.
            let negated = index > 0 && words[index - 1] == "!"
            switch word {
            case "-i" where !negated: inInterface = next
            case "-o" where !negated: outInterface = next
            case "-s" where !negated: source = next
            case "-d" where !negated: destination = next
            case "-p": protocolName = next
            case "--dport": destinationPort = next
            case "-j": target = next
            case "--to-destination": dnatDestination = next
            default: break
            }
            index += 1
        }
    }

    /// The spec without its comment, for rules with no sentence of their own.
    var summary: String {
        var kept: [String] = []
        var index = 0
        while index < words.count {
            if words[index] == "-m", index + 2 < words.count, words[index + 1] == "comment", words[index + 2] == "--comment" {
                index += 4
                continue
            }
            kept.append(words[index])
            index += 1
        }
        return kept.joined(separator: " ")
    }

    /// The comment's text (quotes removed).
    static func comment(in spec: String) -> String? {
        let words = words(spec)
        guard let index = words.firstIndex(of: "--comment"), index + 1 < words.count else { return nil }
        return words[index + 1]
    }

    /// Splits on spaces, keeping a double-quoted comment as one word (without its quotes).
    static func words(_ spec: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        for character in spec {
            if character == "\"" { quoted.toggle(); continue }
            if character == " " && !quoted {
                if !current.isEmpty { words.append(current); current = "" }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
