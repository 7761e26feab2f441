/// A set or map element as read back from the kernel: its key and data. The element's comment is
/// left out on purpose: it only informs, and it may have been cut to nft's 128-byte limit, so
/// elements are told apart by what they match and where they lead.
public struct NftObservedElement: Hashable, Sendable {
    public var key: NftKey
    public var value: NftValue?

    public init(_ key: NftKey, _ value: NftValue? = nil) { self.key = key; self.value = value }

    public init(_ element: NftElement) { self.init(element.key, element.value) }

    /// As nft lists it: `tcp . 8080 : 172.18.0.2 . 80`.
    public var text: String { key.text + (value.map { " : \($0.text)" } ?? "") }
}

/// What table `ip bridgectl` holds, or what bridgectl expects it to hold (`expected(from:)`):
/// the same shape for both, so that doctor compares them with `differences(from:)`.
public struct NftObservation: Equatable, Sendable {
    public var tableExists: Bool
    /// Every chain of the table by name, with its hook when it is a base chain.
    public var chains: [String: NftChain]
    /// Each chain's rules in order, as the comment stored with each ("bridgectl net=a icc off"),
    /// "" for a rule without one. Every chain has an entry, empty when it holds no rule.
    public var rules: [String: [String]]
    /// Every named set and map by name, with its elements (empty for a set whose elements were
    /// not read, see `foreignElements`).
    public var elements: [String: Set<NftObservedElement>]
    /// Per set, how many elements fit none of bridgectl's key and data forms (someone added them
    /// by hand, or the set has another type): counted, since `NftKey` cannot hold them.
    public var foreignElements: [String: Int]

    public init(tableExists: Bool = false, chains: [String: NftChain] = [:], rules: [String: [String]] = [:],
                elements: [String: Set<NftObservedElement>] = [:], foreignElements: [String: Int] = [:]) {
        self.tableExists = tableExists; self.chains = chains; self.rules = rules
        self.elements = elements; self.foreignElements = foreignElements
    }

    /// No table: what a host without bridgectl's nftables table reads as.
    public static let absent = NftObservation()

    /// The rules in the user chain: the user's own, which keep the table alive at teardown.
    public var userChainRuleCount: Int { rules[NftPlanner.userChain]?.count ?? 0 }

    /// The table that applying `ops` in order to an empty host leaves, as the kernel applies
    /// them: adds keep what exists (no NLM_F_EXCL), a rule is appended, an element is deleted by
    /// its key. Doctor folds its planners' own ops through this to know what should be there.
    public static func expected(from ops: [NftOp]) -> NftObservation {
        var table = NftObservation()
        for op in ops { table.apply(op) }
        return table
    }

    mutating func apply(_ op: NftOp) {
        switch op {
        case .addTable:
            tableExists = true
        case .deleteTable:
            self = .absent
        case .addChain(let chain):
            if chains[chain.name] == nil { chains[chain.name] = chain }
            if rules[chain.name] == nil { rules[chain.name] = [] }
        case .flushChain(let name):
            rules[name] = []
        case .deleteChain(let name):
            chains[name] = nil
            rules[name] = nil
        case .addRule(let chain, _, let comment):
            rules[chain, default: []].append(NftComment.full(comment))
        case .addSet(let set):
            if elements[set.name] == nil { elements[set.name] = [] }
        case .deleteSet(let name):
            elements[name] = nil
            foreignElements[name] = nil
        case .addElement(let set, let element):
            elements[set, default: []].insert(NftObservedElement(element))
        case .deleteElement(let set, let element):
            if let members = elements[set] { elements[set] = members.filter { $0.key != element.key } }
        }
    }

    /// Whether a set of this name is a map (its elements lead somewhere), for the words only.
    static func isMap(_ set: String, elements: Set<NftObservedElement>) -> Bool {
        if let known = NftPlanner.sets.first(where: { $0.name == set }) { return known.data != nil }
        return elements.contains { $0.value != nil }
    }

    /// The table as lines, in a stable order (chains, then sets, by name; rules in order;
    /// elements sorted): what `nft-batch-probe read` prints.
    public var lines: [String] {
        guard tableExists else { return ["no table \(NftTable.qualified)"] }
        var lines = ["table \(NftTable.qualified)"]
        for name in chains.keys.sorted() {
            let base = chains[name]?.base.map { ": type \($0.type.rawValue) hook \($0.hook.rawValue) priority \($0.priority)" } ?? ""
            lines.append("chain \(name)\(base)")
            lines += (rules[name] ?? []).map { "  rule \"\($0)\"" }
        }
        for name in elements.keys.sorted() {
            let members = elements[name] ?? []
            lines.append("\(Self.isMap(name, elements: members) ? "map" : "set") \(name)")
            lines += members.map(\.text).sorted().map { "  element \($0)" }
            if let foreign = foreignElements[name], foreign > 0 { lines.append("  \(foreign) foreign elements") }
        }
        return lines
    }
}
