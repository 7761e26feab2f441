import BridgeModel

/// Mending bridgectl's nftables table. Every op the planners send is idempotent (adds without
/// NLM_F_EXCL, chains flushed and refilled), so when anything the records expect is missing or
/// different the whole expected table is sent again in one transaction: microseconds in the
/// kernel, and no op depends on what is left. Orphans are deleted only when given (`--fix`).
extension HostRepair {
    static func nftablesRepair(expected: ExpectedHost, observed: NftObservation, orphans: [Drift]) -> (ops: [NftOp], leftAlone: [String]) {
        var ops: [NftOp] = []
        var leftAlone: [String] = []
        let wantedOps = expected.expectedNftOps(observed: observed)
        if observed.differences(from: .expected(from: wantedOps)).contains(where: { !$0.isOrphan }) {
            ops += wantedOps
        }
        var chainRemovals: [NftOp] = []
        for orphan in orphans {
            guard case .nftables(let difference) = orphan.kind else { continue }
            switch difference {
            case .tableUnexpected:
                return ([.deleteTable], [])
            case .elementUnexpected(let set, let element):
                // Elements first: a verdict map's element may jump to an orphan chain.
                ops.insert(.deleteElement(set: set, NftElement(element.key, element.value, comment: "")), at: 0)
            case .chainUnexpected(let chain):
                chainRemovals += [.flushChain(chain), .deleteChain(chain)]
            case .setUnexpected(let set):
                chainRemovals.append(.deleteSet(set))
            case .foreignElements(let set, let count):
                leftAlone.append("nftables: \(count) element(s) of set \(set) fit none of bridgectl's forms; left alone")
            default:
                continue
            }
        }
        return (ops + chainRemovals, leftAlone)
    }
}
