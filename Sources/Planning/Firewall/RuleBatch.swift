import BridgeModel

/// One iptables change in one table. `spec` is the rule as iptables writes it after the chain
/// name (matches, comment, target), so the same text appends it and later deletes it exactly.
public enum RuleOp: Codable, Equatable, Hashable, Sendable {
    case createChain(table: String, chain: String)
    case append(table: String, chain: String, spec: String)
    case insert(table: String, chain: String, position: Int, spec: String)
    case delete(table: String, chain: String, spec: String)
    case flushChain(table: String, chain: String)
    case deleteChain(table: String, chain: String)

    public var table: String {
        switch self {
        case .createChain(let table, _), .append(let table, _, _), .insert(let table, _, _, _),
             .delete(let table, _, _), .flushChain(let table, _), .deleteChain(let table, _):
            return table
        }
    }

    public var inverse: RuleOp? {
        switch self {
        case .createChain(let table, let chain): return .deleteChain(table: table, chain: chain)
        case .append(let table, let chain, let spec), .insert(let table, let chain, _, let spec):
            return .delete(table: table, chain: chain, spec: spec)
        case .delete(let table, let chain, let spec): return .append(table: table, chain: chain, spec: spec)
        case .deleteChain(let table, let chain): return .createChain(table: table, chain: chain)
        case .flushChain: return nil
        }
    }

    /// The line inside an iptables-restore table section (chain creation is a declaration).
    var restoreLine: String {
        switch self {
        case .createChain(_, let chain): return ":\(chain) - [0:0]"
        case .append(_, let chain, let spec): return "-A \(chain) \(spec)"
        case .insert(_, let chain, let position, let spec): return "-I \(chain) \(position) \(spec)"
        case .delete(_, let chain, let spec): return "-D \(chain) \(spec)"
        case .flushChain(_, let chain): return "-F \(chain)"
        case .deleteChain(_, let chain): return "-X \(chain)"
        }
    }

    /// The same change as a standalone command a person can run.
    public var command: String {
        switch self {
        case .createChain(let table, let chain): return "iptables -t \(table) -N \(chain)"
        default: return "iptables -t \(table) \(restoreLine)"
        }
    }
}

/// Rules applied together by one `iptables-restore --noflush`: all of it or none of it.
public struct RuleBatch: Codable, Equatable, Sendable {
    public var ops: [RuleOp]

    public init(_ ops: [RuleOp]) { self.ops = ops }

    public var isEmpty: Bool { ops.isEmpty }

    /// Undo in reverse order; chains are deleted only after the rules that jump to them.
    public var inverse: RuleBatch {
        RuleBatch(ops.reversed().compactMap(\.inverse))
    }

    /// iptables-restore input: per table, new chains declared first (a declaration of an
    /// existing chain would flush it under --noflush, so only new chains are declared), then the
    /// changes in order, then chain deletions.
    public var restoreInput: String {
        var text = ""
        for table in ["raw", "mangle", "nat", "filter"] {
            let ops = self.ops.filter { $0.table == table }
            guard !ops.isEmpty else { continue }
            text += "*\(table)\n"
            let creations = ops.filter { if case .createChain = $0 { return true } else { return false } }
            let deletions = ops.filter { if case .deleteChain = $0 { return true } else { return false } }
            for op in creations + ops.filter({ !creations.contains($0) && !deletions.contains($0) }) + deletions {
                text += op.restoreLine + "\n"
            }
            text += "COMMIT\n"
        }
        return text
    }

    public var commands: [String] { ops.map(\.command) }
}

/// Builds rule specs with the owner comment every bridgectl rule carries, so that
/// `iptables-save | grep bridgectl` is bridgectl's whole footprint.
public enum RuleText {
    public static func comment(_ text: String) -> String {
        "-m comment --comment \"bridgectl \(text)\""
    }
}
