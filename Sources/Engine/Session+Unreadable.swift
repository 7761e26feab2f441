import BridgeModel
import Planning
import State
import HostSystem

/// Removing networks whose record cannot be read (containers: see `removeUnreadableContainer`).
extension Session {
    /// A network record that does not decode, by full ID or unique ID prefix (its name is lost).
    func unreadableNetwork(_ reference: String) throws -> CorruptRecord? {
        guard ObjectID.isPossiblePrefix(reference) else { return nil }
        let matches = try store.networkListing().corrupt.filter { $0.id.hex.hasPrefix(reference) }
        if matches.count > 1 { throw EngineError.ambiguousReference(reference, kind: "network", matches: matches.count) }
        return matches.first
    }

    /// Its bridge (named in what is left of the record, else the default `br-<12 hex>` when that
    /// link exists), every rule naming that bridge, and the record; refused while a container
    /// holds an address on it, as for any network.
    func removeUnreadableNetwork(_ corrupt: CorruptRecord, dryRun: Bool) throws -> (NetworkRecord, Plan) {
        let holders = Set(try store.addressClaims(network: corrupt.id).values)
        if !holders.isEmpty {
            let names = try store.containerNames(of: holders)
            throw PlanningError.networkInUse(corrupt.id.short, containers: holders.map { names[$0] ?? $0.short }.sorted())
        }
        let plan = try networkRemovalPlan(forUnreadable: corrupt)
        try run(plan, dryRun: dryRun)
        return (NetworkRecord(id: corrupt.id, name: corrupt.id.short, kind: .user, created: "", bridgeName: ""), plan)
    }

    func networkRemovalPlan(forUnreadable corrupt: CorruptRecord) throws -> Plan {
        let text = (try? Files.read(corrupt.path)) ?? nil ?? ""
        var bridge = NetworkPlanner.salvagedBridgeName(fromRecordText: text)
        if bridge == nil, try hostLinkExists("br-\(corrupt.id.hex.prefix(12))") { bridge = "br-\(corrupt.id.hex.prefix(12))" }
        let placeholder = NetworkRecord(id: corrupt.id, name: "", kind: .user, created: "", bridgeName: bridge ?? "")
            .withFirewall(try hostFirewallBackend())
        let firewall = try firewallContext(for: placeholder, .deactivating)
        let owned = bridge.map { FirewallPlanner.rulesOwned(byBridge: $0, in: firewall.observed) } ?? []
        return NetworkPlanner.removeUnreadable(id: corrupt.id, bridgeName: bridge, ownedRules: owned, firewall: firewall)
    }
}
