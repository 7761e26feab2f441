/// One way table `ip bridgectl` differs from what bridgectl expects, with the words doctor prints.
public enum NftDifference: Equatable, Sendable, CustomStringConvertible {
    case tableMissing
    /// There is a table, and bridgectl expects none (no network uses the nftables backend).
    case tableUnexpected
    case chainMissing(String)
    case chainUnexpected(String)
    /// The chain is there with another hook, type or priority (or as a regular chain).
    case chainDiffers(String, expected: NftChain, observed: NftChain)
    /// The chain's rules, by their comments in order, are not the expected ones.
    case rulesDiffer(chain: String, expected: [String], observed: [String])
    case setMissing(String)
    case setUnexpected(String)
    case elementMissing(set: String, NftObservedElement)
    case elementUnexpected(set: String, NftObservedElement)
    /// Elements of a set that fit none of bridgectl's forms (so they cannot be named one by one).
    case foreignElements(set: String, count: Int)

    /// Something in bridgectl's table that no record accounts for: reported always, removed only
    /// by `doctor --fix`, like an orphan rule of the iptables backend.
    public var isOrphan: Bool {
        switch self {
        case .tableUnexpected, .chainUnexpected, .setUnexpected, .elementUnexpected, .foreignElements: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .tableMissing: return "nftables: table \(NftTable.qualified) missing"
        case .tableUnexpected: return "nftables: table \(NftTable.qualified) present, but no network uses it"
        case .chainMissing(let name): return "nftables: chain \(name) missing"
        case .chainUnexpected(let name): return "nftables: chain \(name) is not bridgectl's"
        case .chainDiffers(let name, let expected, let observed):
            return "nftables: chain \(name) is \(Self.words(observed.base)), expected \(Self.words(expected.base))"
        case .rulesDiffer(let chain, let expected, let observed):
            return "nftables: rules of chain \(chain) differ: \(Self.words(expected: expected, observed: observed))"
        case .setMissing(let name): return "nftables: set \(name) missing"
        case .setUnexpected(let name): return "nftables: set \(name) is not bridgectl's"
        case .elementMissing(let set, let element):
            return "nftables: element \(element.text) missing from \(Self.kind(set, element)) \(set)"
        case .elementUnexpected(let set, let element):
            return "nftables: element \(element.text) in \(Self.kind(set, element)) \(set) is not bridgectl's"
        case .foreignElements(let set, let count):
            return "nftables: \(count) element\(count == 1 ? " in set \(set) fits" : "s in set \(set) fit") none of bridgectl's forms"
        }
    }

    static func kind(_ set: String, _ element: NftObservedElement) -> String {
        NftObservation.isMap(set, elements: [element]) ? "map" : "set"
    }

    static func words(_ base: NftBaseChain?) -> String {
        guard let base else { return "a regular chain" }
        return "type \(base.type.rawValue) hook \(base.hook.rawValue) priority \(base.priority)"
    }

    /// Which rules are missing and which are extra, by comment; only the order when both match.
    static func words(expected: [String], observed: [String]) -> String {
        var extra = observed
        var missing: [String] = []
        for comment in expected {
            if let index = extra.firstIndex(of: comment) { extra.remove(at: index) } else { missing.append(comment) }
        }
        func quoted(_ comments: [String]) -> String { comments.map { "\"\($0)\"" }.joined(separator: ", ") }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing \(quoted(missing))") }
        if !extra.isEmpty { parts.append("not bridgectl's \(quoted(extra))") }
        return parts.isEmpty ? "out of order" : parts.joined(separator: "; ")
    }
}

extension NftObservation {
    /// How this (observed) table differs from `expected`, in a stable order: the table, chains,
    /// rules, sets, then elements, each by name. What is inside a missing table, chain or set is
    /// not listed again, and the user chain's rules are the user's: never a difference.
    public func differences(from expected: NftObservation) -> [NftDifference] {
        switch (expected.tableExists, tableExists) {
        case (false, false): return []
        case (false, true): return [.tableUnexpected]
        case (true, false): return [.tableMissing]
        case (true, true): break
        }
        var found: [NftDifference] = []
        for name in Set(expected.chains.keys).union(chains.keys).sorted() {
            switch (expected.chains[name], chains[name]) {
            case (_?, nil): found.append(.chainMissing(name))
            case (nil, _?): found.append(.chainUnexpected(name))
            case (let wanted?, let present?) where wanted.base != present.base:
                found.append(.chainDiffers(name, expected: wanted, observed: present))
            default: break
            }
        }
        for name in expected.rules.keys.sorted() where name != NftPlanner.userChain && chains[name] != nil {
            let wanted = expected.rules[name] ?? [], present = rules[name] ?? []
            if wanted != present { found.append(.rulesDiffer(chain: name, expected: wanted, observed: present)) }
        }
        for name in Set(expected.elements.keys).union(elements.keys).sorted() {
            guard let wanted = expected.elements[name] else { found.append(.setUnexpected(name)); continue }
            guard let present = elements[name] else { found.append(.setMissing(name)); continue }
            found += wanted.subtracting(present).sorted { $0.text < $1.text }.map { .elementMissing(set: name, $0) }
            found += present.subtracting(wanted).sorted { $0.text < $1.text }.map { .elementUnexpected(set: name, $0) }
            if let foreign = foreignElements[name], foreign > 0 { found.append(.foreignElements(set: name, count: foreign)) }
        }
        return found
    }
}
