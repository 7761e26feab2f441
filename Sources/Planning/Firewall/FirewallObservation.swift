/// What bridgectl needs to know of the current ruleset, read from `iptables-save` text: which
/// chains exist, which jumps from the built-in chains are in place, and whether the user's chain
/// holds rules. Parsing is pure so it is tested on captured text.
public struct FirewallObservation: Equatable, Sendable {
    /// "table/CHAIN" for every chain declared.
    public var chains: Set<String> = []
    /// "table/CHAIN <spec>" for every rule, as iptables-save prints it.
    public var rules: Set<String> = []
    /// Rules in BRIDGECTL-USER (the user's; bridgectl only creates the chain).
    public var userRuleCount = 0
    /// filter FORWARD's rules in order, to place bridgectl's jump right after the user's.
    public var forwardRules: [String] = []

    public init() {}

    public init(iptablesSave text: String) {
        var table = ""
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = String(rawLine)
            if line.hasPrefix("*") {
                table = String(line.dropFirst())
            } else if line.hasPrefix(":") {
                let name = line.dropFirst().split(separator: " ").first.map(String.init) ?? ""
                chains.insert("\(table)/\(name)")
            } else if line.hasPrefix("-A ") {
                // A rule with no matches and no target is saved as just "-A CHAIN".
                let rest = line.dropFirst(3)
                let space = rest.firstIndex(of: " ")
                let chain = String(rest[..<(space ?? rest.endIndex)])
                let spec = space.map { String(rest[rest.index(after: $0)...]) } ?? ""
                rules.insert("\(table)/\(chain) \(spec)")
                if table == "filter" && chain == FirewallPlanner.userChain { userRuleCount += 1 }
                if table == "filter" && chain == "FORWARD" { forwardRules.append(spec) }
            }
        }
    }

    public func hasChain(_ table: String, _ chain: String) -> Bool { chains.contains("\(table)/\(chain)") }

    /// True when a rule in `chain` jumps to `target` (whatever else it matches).
    public func hasJump(_ table: String, from chain: String, to target: String) -> Bool {
        rules.contains { $0.hasPrefix("\(table)/\(chain) ") && $0.hasSuffix("-j \(target)") }
    }
}
